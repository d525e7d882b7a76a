import Foundation
import Testing

@testable import BoardKit

/// The binary timeline cache and the parallel history walk, on the history fixture
/// (merge, rename, broken-then-fixed file, rebase, delete).
@Suite struct TimelineCacheTests {
    func cache(_ f: HistoryFixture, allParents: Bool = false) -> TimelineCache {
        TimelineCache(gitDir: f.dir + "/.git/", prefix: "", allParents: allParents)
    }

    /// A walk with no cache file.
    func cold(_ f: HistoryFixture, from revision: String = "HEAD", allParents: Bool = false) throws -> Timeline {
        try? FileManager.default.removeItem(atPath: f.dir + "/.git/board-cache")
        return try f.workspace().timeline(from: revision, allParents: allParents)
    }

    @Test(arguments: [false, true])
    func roundTripEqualsTheWalk(allParents: Bool) throws {
        let f = try HistoryFixture()
        let walked = try cold(f, allParents: allParents)
        #expect(walked.entries.count > 5 && !walked.warnings.isEmpty)
        // Written by the walk, read back equal, `before` states included.
        let loaded = try #require(cache(f, allParents: allParents).load())
        #expect(loaded == walked)
        #expect(loaded.entries.flatMap(\.changes).contains { $0.before != nil })
        // A warm run gives the same timeline.
        #expect(try f.workspace().timeline(allParents: allParents) == walked)
    }

    @Test func beforeStatesThatTheReplayCannotGiveAreKept() throws {
        // B renamed at c5 without a field change: its next `before` has the new path.
        var timeline = Timeline()
        let commit = CommitInfo(id: String(repeating: "a", count: 40), parents: [], author: "x", email: "x@y", time: Date(timeIntervalSince1970: 0),
                                offsetMinutes: -90, summary: "s")
        let a = ItemState(path: "backlog/A.md", fields: ["id": "A", "points": "3"])
        var renamed = a
        renamed.path = "backlog/A2.md"
        var later = renamed
        later.fields["points"] = "5"
        timeline.entries = [TimelineEntry(commit: commit, changes: [ItemChange(id: "A", before: nil, after: a)]),
                            TimelineEntry(commit: commit, changes: [ItemChange(id: "A", before: renamed, after: later),
                                                                    ItemChange(id: "A", before: nil, after: a)])]
        timeline.items = ["A": renamed]
        timeline.tip = commit.id
        let data = TimelineCache.encode(timeline, key: "k")
        #expect(TimelineCache.decode(data, key: "k") == timeline)
        #expect(TimelineCache.decode(data, key: "other") == nil)
    }

    @Test func statesCompareByTheirFieldsHoweverTheyWereBuilt() throws {
        let a = ItemState(path: "backlog/A.md", fields: ["id": "A", "status": "done", "x-cache-test-key": "1"])
        var b = ItemState(path: "backlog/A.md", fields: ["id": "A"])
        b["x-cache-test-other"] = "2"
        b["status"] = "done"
        b["x-cache-test-key"] = "1"
        #expect(b != a)
        // A field removed again leaves no trace.
        b["x-cache-test-other"] = nil
        #expect(b == a)
        #expect(b.fields == ["id": "A", "status": "done", "x-cache-test-key": "1"])
        #expect(b["x-cache-test-never"] == nil && b.iteration == nil && b.status == "done")
        var c = a
        c.fields["x-cache-test-key"] = nil
        #expect(c.fields == ["id": "A", "status": "done"])
        #expect(ItemChange(id: "A", before: c, after: a).changedKeys == ["x-cache-test-key"])
        #expect(ItemChange(id: "A", before: nil, after: a).changedKeys == ["id", "status", "x-cache-test-key"])
        // Through the cache: fields set and removed by deltas, keys the process has not seen yet.
        var timeline = Timeline()
        let commit = CommitInfo(id: String(repeating: "b", count: 40), parents: [], author: "x", email: "x@y", time: Date(timeIntervalSince1970: 0),
                                offsetMinutes: 0, summary: "s")
        var d = c
        d["x-cache-test-late"] = "3"
        d["status"] = nil
        timeline.entries = [TimelineEntry(commit: commit, changes: [ItemChange(id: "A", before: nil, after: a)]),
                            TimelineEntry(commit: commit, changes: [ItemChange(id: "A", before: a, after: c)]),
                            TimelineEntry(commit: commit, changes: [ItemChange(id: "A", before: c, after: d)])]
        timeline.items = ["A": d]
        let decoded = try #require(TimelineCache.decode(TimelineCache.encode(timeline, key: "k"), key: "k"))
        #expect(decoded == timeline)
        #expect(decoded.items["A"]?.fields == ["id": "A", "x-cache-test-late": "3"])
    }

    @Test func corruptTruncatedOrForeignFilesAreIgnored() throws {
        let f = try HistoryFixture()
        // The old JSON cache is removed when the new one is written.
        let json = f.dir + "/.git/board-cache/timeline-v2-first-root.json"
        try FileManager.default.createDirectory(atPath: f.dir + "/.git/board-cache", withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: json))
        _ = try f.workspace().timeline()
        #expect(!FileManager.default.fileExists(atPath: json))
        let walked = try cold(f)
        let cache = cache(f)
        let good = try Data(contentsOf: URL(fileURLWithPath: cache.file))
        #expect(TimelineCache.decode(good, key: cache.key) == walked)
        // Every truncation, and a flipped byte anywhere past the magic, is refused.
        for length in stride(from: 0, to: good.count, by: max(1, good.count / 97)) {
            #expect(TimelineCache.decode(good.prefix(length), key: cache.key) == nil)
        }
        for offset in stride(from: 8, to: good.count, by: max(1, good.count / 31)) {
            var bad = good
            bad[offset] ^= 0x40
            #expect(TimelineCache.decode(bad, key: cache.key) == nil)
        }
        // The first-parent cache under the all-parents name is another key: refused.
        #expect(TimelineCache.decode(good, key: self.cache(f, allParents: true).key) == nil)
        // A garbled file on disk: the walk starts over and rewrites it.
        var bad = good
        bad[bad.count / 2] ^= 1
        try bad.write(to: URL(fileURLWithPath: cache.file))
        #expect(try f.workspace().timeline() == walked)
        #expect(try Data(contentsOf: URL(fileURLWithPath: cache.file)) == good)
        try good.prefix(good.count - 3).write(to: URL(fileURLWithPath: cache.file))
        #expect(try f.workspace().timeline() == walked)
    }

    @Test func cacheFromAnotherBranchIsNotTrusted() throws {
        let f = try HistoryFixture()
        let walked = try cold(f)
        // r0 (topic before the rebase) is not an ancestor of main; f1 is, but only through the merge's
        // second parent, so it is not on the first-parent line.
        for tip in ["r0", "f1"] {
            _ = try cold(f, from: f.commits[tip]!)
            #expect(cache(f).load()?.tip == f.commits[tip]!)
            #expect(try f.workspace().timeline() == walked)
        }
    }

    @Test(arguments: [false, true])
    func incrementalWalkEqualsAColdWalk(allParents: Bool) throws {
        let f = try HistoryFixture()
        for tip in ["c1", "c3", "m", "c6"] {
            _ = try cold(f, from: f.commits[tip]!, allParents: allParents)
            let extended = try f.workspace().timeline(allParents: allParents)
            #expect(extended == (try cold(f, allParents: allParents)), "from \(tip)")
        }
        // New commits after a cached walk: D re-estimated, then renamed and broken.
        _ = try f.workspace().timeline(allParents: allParents)
        try f.sandbox.write(HistoryFixture.item(HistoryFixture.d, "Delta", status: "done", points: 5, iteration: "S1", created: "2026-03-05"),
                            to: "backlog/\(HistoryFixture.d)-delta.md", in: f.dir)
        _ = try f.commit("c9", author: "erin", date: "2026-03-13")
        try f.sandbox.git("-C", f.dir, "mv", "backlog/\(HistoryFixture.d)-delta.md", "backlog/\(HistoryFixture.d)-d.md")
        try f.sandbox.write("---\nid: [\n", to: "backlog/\(HistoryFixture.a)-alpha.md", in: f.dir)
        _ = try f.commit("c10", author: "erin", date: "2026-03-14")
        let extended = try f.workspace().timeline(allParents: allParents)
        #expect(extended.tip == (try f.sandbox.git("-C", f.dir, "rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(extended == (try cold(f, allParents: allParents)))
    }
}

@Suite struct ParallelWalkTests {
    @Test(arguments: [false, true])
    func parallelWalkEqualsTheSequentialOne(allParents: Bool) throws {
        let f = try HistoryFixture()
        // Extra history: an item added and deleted inside one run, a rename with an edit, a broken file.
        try f.sandbox.write(HistoryFixture.item("B-eeee5", "Eps", status: "ready", points: 1, iteration: "S1", created: "2026-03-13"),
                            to: "backlog/B-eeee5-eps.md", in: f.dir)
        _ = try f.commit("e1", author: "erin", date: "2026-03-13")
        try f.sandbox.git("-C", f.dir, "mv", "backlog/B-eeee5-eps.md", "backlog/B-eeee5-epsilon.md")
        try f.sandbox.write(HistoryFixture.item("B-eeee5", "Epsilon", status: "done", points: 2, iteration: "S1", created: "2026-03-13"),
                            to: "backlog/B-eeee5-epsilon.md", in: f.dir)
        _ = try f.commit("e2", author: "erin", date: "2026-03-14")
        try f.sandbox.write("---\nid: B-eeee5\ntitle: [\n---\n", to: "backlog/B-eeee5-epsilon.md", in: f.dir)
        _ = try f.commit("e3", author: "erin", date: "2026-03-15")
        try f.sandbox.git("-C", f.dir, "rm", "-q", "backlog/B-eeee5-epsilon.md")
        _ = try f.commit("e4", author: "erin", date: "2026-03-16")

        func walk(threads: Int, run: Int) throws -> Timeline {
            try? FileManager.default.removeItem(atPath: f.dir + "/.git/board-cache")
            return try f.workspace().timeline(from: "HEAD", allParents: allParents, threads: threads, run: run)
        }
        let sequential = try walk(threads: 1, run: 1_000)
        #expect(sequential.entries.count >= 10 && sequential.warnings.count >= 2)
        // Runs of one to three commits spread over two and three threads, each thread with its own handle.
        for (threads, run) in [(2, 1), (2, 2), (3, 1), (3, 3)] {
            var progress: [(Int, Int)] = []
            try? FileManager.default.removeItem(atPath: f.dir + "/.git/board-cache")
            let parallel = try f.workspace().timeline(from: "HEAD", allParents: allParents, threads: threads, run: run) { done, total in
                progress.append((done, total))
            }
            #expect(parallel == sequential, "\(threads) threads, runs of \(run)")
            #expect(progress.allSatisfy { $0.0 <= $0.1 } && progress.last.map { $0.0 == $0.1 } == true)
        }
    }
}
