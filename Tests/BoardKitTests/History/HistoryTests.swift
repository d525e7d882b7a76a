import Foundation
import Testing

@testable import BoardKit

/// A history built with the real git: several authors with fixed dates, a merge, a rename,
/// a file broken at one commit and fixed later, a rebased commit and a deletion.
///
/// Iteration S1 runs Mon 2026-03-02 to Fri 2026-03-13 with 2026-03-09 off, commitment 8.
/// Working days: 2,3,4,5,6,10,11,12,13 March = 9.
///
///   c1  02-27 alice   init; A 3pts S1 ready, B 5pts S1 ready, C 2pts backlog (no iteration)
///   c2  03-03 bob     A → in-progress
///   c3  03-04 alice   A → done
///   f1  03-05 carol   (branch feature, from c3) add D 3pts S1 ready
///   c4  03-05 bob     B 5 → 8 points
///   m   03-06 alice   merge feature (first parent c4)
///   c5  03-10 bob     git mv B to a new file name
///   c6  03-11 carol   D's file broken (unclosed list)
///   c7  03-12 carol   D fixed, and done
///   r   author 03-11 dave, rebased on c7 (committer 03-12): C joins S1
///   c8  03-13 bob     C deleted
struct HistoryFixture {
    let sandbox: Sandbox
    let dir: String
    var commits: [String: String] = [:]

    static let a = "B-aaaa1", b = "B-bbbb2", c = "B-cccc3", d = "B-dddd4"

    static func item(_ id: String, _ title: String, status: String, points: Int, iteration: String?, created: String) -> String {
        """
        ---
        id: \(id)
        title: \(title)
        type: story
        status: \(status)
        points: \(points)
        iteration: \(iteration ?? "")
        created: \(created)
        ---
        Text.

        """
    }

    func commit(_ message: String, author: String, date: String, committerDate: String? = nil, args: [String] = []) throws -> String {
        let env = ["GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "\(author)@example.com",
                   "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": "\(author)@example.com",
                   "GIT_AUTHOR_DATE": "\(date)T10:00:00+00:00",
                   "GIT_COMMITTER_DATE": "\(committerDate ?? date)T10:00:00+00:00"]
        try sandbox.run("/usr/bin/git", ["-C", dir, "add", "-A"])
        let result = try sandbox.run("/usr/bin/git", ["-C", dir, "commit", "-q", "-m", message] + args, environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        return try sandbox.git("-C", dir, "rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    init() throws {
        sandbox = try Sandbox()
        sandbox.today = "2026-03-13"
        sandbox.gitDate = "2026-02-26T10:00:00+00:00"  // board init, before everything else
        dir = try sandbox.makeBoard()
        let a = Self.a, b = Self.b, c = Self.c, d = Self.d
        try sandbox.write("""
            ---
            id: S1
            name: Sprint 1
            start: 2026-03-02
            end: 2026-03-13
            state: active
            days_off: [2026-03-09]
            commitment:
              date: 2026-03-02
              points: 8
            ---

            """, to: "iterations/S1.md", in: dir)
        try sandbox.write(Self.item(a, "Alpha", status: "ready", points: 3, iteration: "S1", created: "2026-02-27"), to: "backlog/\(a)-alpha.md", in: dir)
        try sandbox.write(Self.item(b, "Beta", status: "ready", points: 5, iteration: "S1", created: "2026-02-27"), to: "backlog/\(b)-beta.md", in: dir)
        try sandbox.write(Self.item(c, "Gamma", status: "backlog", points: 2, iteration: nil, created: "2026-02-27"), to: "backlog/\(c)-gamma.md", in: dir)
        commits["c1"] = try commit("c1", author: "alice", date: "2026-02-27")
        try sandbox.write(Self.item(a, "Alpha", status: "in-progress", points: 3, iteration: "S1", created: "2026-02-27"), to: "backlog/\(a)-alpha.md", in: dir)
        commits["c2"] = try commit("c2", author: "bob", date: "2026-03-03")
        try sandbox.write(Self.item(a, "Alpha", status: "done", points: 3, iteration: "S1", created: "2026-02-27"), to: "backlog/\(a)-alpha.md", in: dir)
        commits["c3"] = try commit("c3", author: "alice", date: "2026-03-04")

        try sandbox.git("-C", dir, "checkout", "-q", "-b", "feature")
        try sandbox.write(Self.item(d, "Delta", status: "ready", points: 3, iteration: "S1", created: "2026-03-05"), to: "backlog/\(d)-delta.md", in: dir)
        commits["f1"] = try commit("f1", author: "carol", date: "2026-03-05")
        try sandbox.git("-C", dir, "checkout", "-q", "main")
        try sandbox.write(Self.item(b, "Beta", status: "ready", points: 8, iteration: "S1", created: "2026-02-27"), to: "backlog/\(b)-beta.md", in: dir)
        commits["c4"] = try commit("c4", author: "bob", date: "2026-03-05")
        let merge = try sandbox.run("/usr/bin/git", ["-C", dir, "merge", "-q", "--no-ff", "--no-edit", "feature"],
                                    environment: ["GIT_AUTHOR_NAME": "alice", "GIT_AUTHOR_EMAIL": "alice@example.com",
                                                  "GIT_COMMITTER_NAME": "alice", "GIT_COMMITTER_EMAIL": "alice@example.com",
                                                  "GIT_AUTHOR_DATE": "2026-03-06T10:00:00+00:00",
                                                  "GIT_COMMITTER_DATE": "2026-03-06T10:00:00+00:00"])
        #expect(merge.status == 0, "\(merge.stderr)")
        commits["m"] = try sandbox.git("-C", dir, "rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)

        try sandbox.git("-C", dir, "mv", "backlog/\(b)-beta.md", "backlog/\(b)-beta-renamed.md")
        commits["c5"] = try commit("c5", author: "bob", date: "2026-03-10")
        try sandbox.git("-C", dir, "checkout", "-q", "-b", "topic")
        try sandbox.write(Self.item(c, "Gamma", status: "backlog", points: 2, iteration: "S1", created: "2026-02-27"), to: "backlog/\(c)-gamma.md", in: dir)
        commits["r0"] = try commit("r", author: "dave", date: "2026-03-11")
        try sandbox.git("-C", dir, "checkout", "-q", "main")
        try sandbox.write("---\nid: \(d)\ntitle: Delta\ntags: [unclosed\n---\n", to: "backlog/\(d)-delta.md", in: dir)
        commits["c6"] = try commit("c6", author: "carol", date: "2026-03-11")
        try sandbox.write(Self.item(d, "Delta", status: "done", points: 3, iteration: "S1", created: "2026-03-05"), to: "backlog/\(d)-delta.md", in: dir)
        commits["c7"] = try commit("c7", author: "carol", date: "2026-03-12")
        // Rebase topic onto main: the commit keeps author dave and author date 03-11, committed 03-12.
        let rebase = try sandbox.run("/usr/bin/git", ["-C", dir, "rebase", "-q", "main", "topic"],
                                     environment: ["GIT_COMMITTER_DATE": "2026-03-12T12:00:00+00:00"])
        #expect(rebase.status == 0, "\(rebase.stderr)")
        try sandbox.git("-C", dir, "checkout", "-q", "main")
        try sandbox.git("-C", dir, "merge", "-q", "--ff-only", "topic")
        commits["r"] = try sandbox.git("-C", dir, "rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        try sandbox.git("-C", dir, "rm", "-q", "backlog/\(c)-gamma.md")
        commits["c8"] = try commit("c8", author: "bob", date: "2026-03-13")
    }

    func workspace() throws -> Workspace { try Workspace.open(directory: dir) }

    func json(_ arguments: String...) throws -> [String: Any] {
        let result = try sandbox.board(arguments + ["--format", "json"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }
}

@Suite struct HistoryTests {
    @Test func timelineFollowsFirstParentWithRenamesBrokenFilesAndDeletes() throws {
        let f = try HistoryFixture()
        let timeline = try f.workspace().timeline()
        // Commits with item changes on the first-parent line: c1, c2, c3, c4, m, c7, r, c8.
        // c5 is only a rename (no front-matter change) and c6 only breaks a file (skipped).
        let ids = timeline.entries.map { $0.commit.id }
        #expect(ids == ["c1", "c2", "c3", "c4", "m", "c7", "r", "c8"].map { f.commits[$0]! })
        // The broken file is one warning, naming the file and the commit.
        #expect(timeline.warnings.count == 1)
        #expect(timeline.warnings.first?.path == "backlog/\(HistoryFixture.d)-delta.md")
        #expect(timeline.warnings.first?.message.contains(String(f.commits["c6"]!.prefix(7))) == true)
        // The merge (first parent) adds D, attributed to the merge's author.
        let merge = timeline.entries[4]
        #expect(merge.commit.author == "alice" && merge.changes.map(\.id) == [HistoryFixture.d] && merge.changes[0].before == nil)
        // c7 fixes D: compared with what was known before the break, only status moved.
        #expect(timeline.entries[5].changes.map(\.changedKeys) == [["status"]])
        // The rebased commit keeps its author and author date.
        #expect(timeline.entries[6].commit.author == "dave" && timeline.entries[6].commit.date == "2026-03-11")
        // After c8: A, B (renamed) and D remain.
        #expect(Set(timeline.items.keys) == [HistoryFixture.a, HistoryFixture.b, HistoryFixture.d])
        #expect(timeline.items[HistoryFixture.b]?.path == "backlog/\(HistoryFixture.b)-beta-renamed.md")
        #expect(timeline.everSeen.contains(HistoryFixture.c))
    }

    @Test func allParentsCreditsTheBranchCommitNotTheMerge() throws {
        let f = try HistoryFixture()
        let timeline = try f.workspace().timeline(allParents: true)
        let added = timeline.entries.filter { $0.changes.contains { $0.id == HistoryFixture.d && $0.before == nil } }
        #expect(added.map(\.commit.id) == [f.commits["f1"]!])
        #expect(added.first?.commit.author == "carol")
        // The merge brings nothing new: everything it shows was already read on the branch.
        #expect(!timeline.entries.contains { $0.commit.id == f.commits["m"]! })
    }

    @Test func burndownAndBurnupWorkedByHand() throws {
        let f = try HistoryFixture()
        let object = try f.json("burndown", "S1")
        #expect(object["commitment"] as? Double == 8)
        let days = object["days"] as? [[String: Any]] ?? []
        #expect(days.map { $0["date"] as? String } == dayRange("2026-03-02", "2026-03-13"))
        // Remaining = points of S1 items not done at the end of each day:
        // 02: A3+B5=8  03: 8 (A in progress)  04: B5 (A done)  05: B8 (re-estimated)
        // 06: B8+D3=11 (merge)  07-11: 11 (rename, broken D skipped)  12: B8+C2=10 (D done, C joins)
        // 13: B8 (C deleted)
        #expect(days.map { $0["remaining"] as? Double } == [8, 8, 5, 8, 11, 11, 11, 11, 11, 11, 10, 8])
        // Scope = all S1 points: 02-04: 8, 05: 3+8=11, 06-11: 14, 12: 3+8+3+2=16, 13: 14.
        #expect(days.map { $0["scope"] as? Double } == [8, 8, 8, 11, 14, 14, 14, 14, 14, 14, 16, 14])
        // Ideal: 8 × (9 − working days so far) / 9, rounded to cents, flat on 07, 08 (weekend) and 09 (off):
        // 8·8/9=7.11, 8·7/9=6.22, 8·6/9=5.33, 8·5/9=4.44, 8·4/9=3.56 ×4, 8·3/9=2.67, 8·2/9=1.78, 8/9=0.89, 0.
        #expect(days.map { $0["ideal"] as? Double } == [7.11, 6.22, 5.33, 4.44, 3.56, 3.56, 3.56, 3.56, 2.67, 1.78, 0.89, 0])
        #expect(days.map { $0["working_day"] as? Bool } == [true, true, true, true, true, false, false, false, true, true, true, true])

        // Burnup CSV: completed = scope − remaining.
        let csv = try f.sandbox.board("burndown", "S1", "--burnup", "--format", "csv", in: f.dir)
        let lines = csv.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "date,working_day,completed,scope")
        #expect(lines[3] == "2026-03-04,true,3,8")     // line 0 is the header; A done: 8 − 5
        #expect(lines[12] == "2026-03-13,true,6,14")   // A3 + D3 done of 14
        // The text chart draws bars.
        let chart = try f.sandbox.board("burndown", "S1", in: f.dir)
        #expect(chart.status == 0 && chart.stdout.contains("█") && chart.stdout.contains("2026-03-07  off"))
        // Today before the end: the chart stops at today.
        let early = try f.sandbox.board("burndown", "S1", "--format", "csv", in: f.dir, environment: ["BOARD_TODAY": "2026-03-04"])
        #expect(early.stdout.split(separator: "\n").count == 1 + 3)
    }

    @Test func scopeListsEveryChangeAfterTheStart() throws {
        let f = try HistoryFixture()
        let object = try f.json("scope", "S1")
        #expect(object["start_points"] as? Double == 8)
        let changes = object["changes"] as? [[String: Any]] ?? []
        // B re-estimated 5→8 (bob, 03-05); D added 3 by the merge (alice, 03-06); C added 2 by the rebased
        // commit (dave, authored 03-11 but landed after c7 of 03-12, so counted on 03-12); C removed 2 (bob, 03-13).
        #expect(changes.map { $0["change"] as? String } == ["re-estimated", "added", "added", "removed"])
        #expect(changes.map { $0["id"] as? String } == [HistoryFixture.b, HistoryFixture.d, HistoryFixture.c, HistoryFixture.c])
        #expect(changes.map { $0["author"] as? String } == ["bob", "alice", "dave", "bob"])
        #expect(changes.map { $0["date"] as? String } == ["2026-03-05", "2026-03-06", "2026-03-12", "2026-03-13"])
        #expect(changes.map { $0["commit"] as? String } == ["c4", "m", "r", "c8"].map { String(f.commits[$0]!.prefix(7)) })
        #expect(changes[0]["before"] as? Double == 5 && changes[0]["after"] as? Double == 8)
        // Totals: added 3+2=5, removed 2, re-estimated +3, net 5−2+3=6.
        #expect(object["added"] as? Double == 5)
        #expect(object["removed"] as? Double == 2)
        #expect(object["reestimated"] as? Double == 3)
        #expect(object["net"] as? Double == 6)
        let text = try f.sandbox.board("scope", "S1", in: f.dir)
        #expect(text.stdout.hasPrefix("S1 (2026-03-02 to 2026-03-13): 8 points at the start\n"))
        #expect(text.stdout.contains("added 5, removed 2, re-estimated +3, net +6 points"))
        // Without an argument: the active iteration.
        #expect(try f.sandbox.board("scope", in: f.dir).stdout == text.stdout)
    }

    @Test func semanticDiffBetweenRevisions() throws {
        let f = try HistoryFixture()
        // c1..c3: only A's status moved; its points stay in S1, so no net change.
        let first = try f.json("diff", "\(f.commits["c1"]!)..\(f.commits["c3"]!)")
        let rows = first["changes"] as? [[String: Any]] ?? []
        #expect(rows.count == 1)
        #expect(rows.first?["change"] as? String == "status" && rows.first?["before"] as? String == "ready"
                && rows.first?["after"] as? String == "done")
        #expect(first["summary"] as? String == "board: 0 added, 0 removed, 1 changed")
        // c3..m: B 5→8 (+3 in S1) and D added with 3 (+3 in S1): net S1 +6.
        let second = try f.json("diff", "\(f.commits["c3"]!)..\(f.commits["m"]!)")
        #expect((second["changes"] as? [[String: Any]] ?? []).map { $0["change"] as? String } == ["points", "added"])
        #expect(second["summary"] as? String == "board: 1 added, 0 removed, 1 changed; points: S1 +6")
        // The rename alone (m..c5) is no item change.
        #expect((try f.json("diff", "\(f.commits["m"]!)..\(f.commits["c5"]!)")["changes"] as? [Any])?.isEmpty == true)
        // c8 removed C (2 points, in S1 since r): S1 −2.
        let markdown = try f.sandbox.board("diff", "HEAD~1..HEAD", "--format", "markdown", in: f.dir)
        #expect(markdown.stdout.contains("| \(HistoryFixture.c) Gamma | removed |"))
        #expect(markdown.stdout.contains("board: 0 added, 1 removed, 0 changed; points: S1 -2"))

        // Work tree and index against HEAD.
        try f.sandbox.write(HistoryFixture.item(HistoryFixture.b, "Beta", status: "review", points: 8, iteration: "S2", created: "2026-02-27"),
                            to: "backlog/\(HistoryFixture.b)-beta-renamed.md", in: f.dir)
        let work = try f.json("diff")
        #expect((work["changes"] as? [[String: Any]] ?? []).map { $0["change"] as? String } == ["status", "iteration"])
        #expect(work["summary"] as? String == "board: 0 added, 0 removed, 1 changed; points: S1 -8, S2 +8")
        #expect(work["net_points"] as? [String: Double] == ["S1": -8, "S2": 8])
        #expect((try f.json("diff", "--staged")["changes"] as? [Any])?.isEmpty == true)
        try f.sandbox.git("-C", f.dir, "add", "-A")
        #expect((try f.json("diff", "--staged")["changes"] as? [Any])?.count == 2)
        #expect(try f.sandbox.board("diff", "nope..HEAD", in: f.dir).status == 2)
        // An untracked new item and a deleted one, in the work tree.
        try f.sandbox.write(HistoryFixture.item("B-eeee5", "Epsilon", status: "ready", points: 1, iteration: "S2", created: "2026-03-13"),
                            to: "backlog/B-eeee5-epsilon.md", in: f.dir)
        try FileManager.default.removeItem(atPath: f.dir + "/backlog/\(HistoryFixture.a)-alpha.md")
        let rows2 = (try f.json("diff")["changes"] as? [[String: Any]] ?? []).map { "\($0["id"]!) \($0["change"]!)" }
        #expect(rows2 == ["\(HistoryFixture.a) removed", "\(HistoryFixture.b) status", "\(HistoryFixture.b) iteration", "B-eeee5 added"])
    }

    @Test func flowCycleLeadThroughput() throws {
        let f = try HistoryFixture()
        let object = try f.json("flow", "--from", "2026-03-02", "--to", "2026-03-13")
        let cfd = object["cumulative_flow"] as? [[String: Any]] ?? []
        #expect(cfd.count == 12)
        // 03-03: A doing; B and C todo.  03-13: A and D done, B todo (C deleted).
        #expect(cfd[1]["todo"] as? Int == 2 && cfd[1]["doing"] as? Int == 1 && cfd[1]["done"] as? Int == 0)
        #expect(cfd[11]["todo"] as? Int == 1 && cfd[11]["doing"] as? Int == 0 && cfd[11]["done"] as? Int == 2)
        let items = object["items"] as? [[String: Any]] ?? []
        #expect(items.map { $0["id"] as? String } == [HistoryFixture.a, HistoryFixture.d])
        // A: doing 03-03 → done 03-04 = 1 day; created 02-27 → 03-04 = 5 days.
        // D: never in a doing status; created 03-05 → done 03-12 = 7 days.
        #expect(items[0]["cycle_days"] as? Int == 1 && items[0]["lead_days"] as? Int == 5)
        #expect(items[1]["cycle_days"] is NSNull && items[1]["lead_days"] as? Int == 7)
        // Nearest rank of [5, 7]: p50 = 1st = 5, p85 = ⌈1.7⌉ = 2nd = 7, p95 = 7.
        let lead = object["lead_time"] as? [String: Any] ?? [:]
        #expect(lead["p50"] as? Int == 5 && lead["p85"] as? Int == 7 && lead["p95"] as? Int == 7)
        #expect((object["cycle_time"] as? [String: Any])?["p50"] as? Int == 1)
        // 03-04 is in ISO week 10 of 2026 (weeks start on Monday 03-02), 03-12 in week 11.
        let weeks = object["throughput"] as? [[String: Any]] ?? []
        #expect(weeks.map { $0["week"] as? String } == ["2026-W10", "2026-W11"])
        #expect(weeks.map { $0["done"] as? Int } == [1, 1])
    }

    @Test func cacheIsReusedExtendedAndSafeToDelete() throws {
        let f = try HistoryFixture()
        let first = try f.sandbox.board("scope", "S1", "--format", "json", in: f.dir)
        let cacheDir = f.dir + "/.git/board-cache"
        // The record cache (`records-v3-…`, Workspace.load) lives in the same folder.
        let files = try FileManager.default.contentsOfDirectory(atPath: cacheDir).filter { $0.hasPrefix("timeline-") }
        #expect(files.count == 1)
        let cache = TimelineCache(gitDir: f.dir + "/.git/", prefix: "", allParents: false)
        #expect(cache.file == cacheDir + "/" + files[0])
        let cached = try #require(cache.load())
        #expect(cached.tip == f.commits["c8"]!)
        #expect(try f.sandbox.board("scope", "S1", "--format", "json", in: f.dir).stdout == first.stdout)
        // The second run reads the cache, not history: a name planted in it shows up.
        let file = URL(fileURLWithPath: cache.file)
        let original = try Data(contentsOf: file)
        var planted = cached
        for i in planted.entries.indices where planted.entries[i].commit.author == "dave" { planted.entries[i].commit.author = "planted" }
        cache.save(planted)
        #expect(try f.sandbox.board("scope", "S1", in: f.dir).stdout.contains("planted"))
        try original.write(to: file)
        // A new commit extends the cached walk: D back to 5 points on 03-13 is a re-estimate of +2.
        try f.sandbox.write(HistoryFixture.item(HistoryFixture.d, "Delta", status: "done", points: 5, iteration: "S1", created: "2026-03-05"),
                            to: "backlog/\(HistoryFixture.d)-delta.md", in: f.dir)
        _ = try f.commit("c9", author: "erin", date: "2026-03-13")
        let extended = try f.json("scope", "S1")
        #expect(extended["net"] as? Double == 8)  // 6 + 2
        // A garbled or deleted cache only costs time.
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: cacheDir + "/" + files[0]))
        #expect(try f.json("scope", "S1")["net"] as? Double == 8)
        try FileManager.default.removeItem(atPath: cacheDir)
        #expect(try f.json("scope", "S1")["net"] as? Double == 8)
    }

    @Test func flowKeepsItsSummaryByCommitAndWorkflow() throws {
        let f = try HistoryFixture()
        let workspace = try f.workspace()
        let summary = try workspace.flowSummary()
        let cache = FlowCache(gitDir: f.dir + "/.git/", prefix: "", allParents: false, tip: f.commits["c8"]!, config: workspace.config)
        #expect(cache.load() == summary)
        // The summary is what the report reads: a report from it equals one from the timeline.
        let fromTimeline = FlowReport(timeline: try workspace.timeline(), config: workspace.config, from: "2026-02-01", to: "2026-03-20")
        let fromSummary = FlowReport(summary: summary, from: "2026-02-01", to: "2026-03-20")
        #expect(fromSummary.items.map(\.id) == fromTimeline.items.map(\.id) && fromSummary.days.map(\.done) == fromTimeline.days.map(\.done))
        #expect(summary.finished.map(\.id) == [HistoryFixture.a, HistoryFixture.d] && summary.firstDay == "2026-02-27")
        // One count per day with entries: c1, c2, c3, c4, m, then c7 and r (dated 03-11, after c7: 03-12), c8.
        #expect(summary.counts.map(\.day) == ["2026-02-27", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-12", "2026-03-13"])
        #expect(summary.counts.last.map { [$0.todo, $0.doing, $0.done] } == [1, 0, 2])
        // A warm run reads the cache: a title planted in it shows up.
        var planted = summary
        planted.finished[0].title = "planted"
        cache.save(planted)
        #expect(try f.sandbox.board("flow", in: f.dir).stdout.contains("planted"))
        // Encoded and decoded whole; another key or a damaged file is refused.
        let data = FlowCache.encode(summary, key: cache.key)
        #expect(FlowCache.decode([UInt8](data), key: cache.key) == summary)
        #expect(FlowCache.decode([UInt8](data), key: "other") == nil)
        var bad = [UInt8](data)
        bad[bad.count / 2] ^= 1
        #expect(FlowCache.decode(bad, key: cache.key) == nil)
        #expect(FlowCache.decode(Array(bad.prefix(20)), key: cache.key) == nil)
        // `in-progress` counted as done: read again, so A was done on 03-03, when it entered it.
        let config = try String(contentsOfFile: f.dir + "/board.yml", encoding: .utf8)
        try config.replacingOccurrences(of: "  - name: in-progress\n    category: doing", with: "  - name: in-progress\n    category: done")
            .write(toFile: f.dir + "/board.yml", atomically: true, encoding: .utf8)
        #expect(try Workspace.open(directory: f.dir).flowSummary().finished.first?.done == "2026-03-03")
        try config.write(toFile: f.dir + "/board.yml", atomically: true, encoding: .utf8)
        // A new commit: read again at it.
        try f.sandbox.write(HistoryFixture.item(HistoryFixture.b, "Beta", status: "done", points: 8, iteration: "S1", created: "2026-02-27"),
                            to: "backlog/\(HistoryFixture.b)-beta-renamed.md", in: f.dir)
        _ = try f.commit("c9", author: "erin", date: "2026-03-14")
        #expect(try Workspace.open(directory: f.dir).flowSummary().finished.map(\.id) == [HistoryFixture.a, HistoryFixture.d, HistoryFixture.b])
    }

    @Test func scopeStartsAtTheCommitmentCommit() throws {
        let sandbox = try Sandbox()
        sandbox.gitDate = "2026-02-27T10:00:00+00:00"
        let dir = try sandbox.makeBoard()
        func at(_ time: String) -> [String: String] {
            ["GIT_AUTHOR_DATE": "2026-03-02T\(time):00+00:00", "GIT_COMMITTER_DATE": "2026-03-02T\(time):00+00:00"]
        }
        let a = addedID(try sandbox.board("add", "A", "--points", "3", "--iteration", "S1", in: dir))
        _ = addedID(try sandbox.board("add", "B", "--points", "5", "--iteration", "S1", in: dir))
        #expect(try sandbox.board("iteration", "new", "--id", "S1", "--start", "2026-03-02", "--length", "12", in: dir).status == 0)
        let start = try sandbox.board("iteration", "start", "S1", in: dir, environment: at("09:00"))
        #expect(start.status == 0, "\(start.stderr)")
        // Later on the first day: C joins (+2) and A is re-estimated 3 → 5 (+2). Both count as scope change.
        let c = addedID(try sandbox.board("add", "C", "--points", "2", "--iteration", "S1", in: dir, environment: at("11:00")))
        #expect(try sandbox.board("set", a, "points=5", in: dir, environment: at("12:00")).status == 0)
        let result = try sandbox.board("scope", "S1", "--format", "json", in: dir)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(object["start_points"] as? Double == 8)  // A 3 + B 5 at the commitment
        let changes = object["changes"] as? [[String: Any]] ?? []
        #expect(changes.map { $0["id"] as? String } == [c, a])
        #expect(changes.map { $0["change"] as? String } == ["added", "re-estimated"])
        #expect(object["net"] as? Double == 4)  // 2 + 2
        // The burndown's ideal starts from the recorded commitment (8), the scope line shows 5 + 5 + 2 = 12.
        let burndown = try sandbox.board("burndown", "S1", "--format", "csv", in: dir)
        // 10 working days (2–6 and 9–13 March, no days off): ideal 8 × 9/10 = 7.2 at the end of the first day.
        #expect(burndown.stdout == "date,working_day,ideal,remaining,scope\n2026-03-02,true,7.2,12,12\n")
    }

    @Test func boardInASubfolderOfTheRepository() throws {
        let sandbox = try Sandbox()
        sandbox.today = "2026-03-05"
        sandbox.gitDate = "2026-02-27T10:00:00+00:00"
        let repo = try sandbox.makeRepo()
        #expect(try sandbox.board("init", repo + "/team").status == 0)
        let dir = repo + "/team"
        let later = ["GIT_AUTHOR_DATE": "2026-03-03T10:00:00+00:00", "GIT_COMMITTER_DATE": "2026-03-03T10:00:00+00:00"]
        let a = addedID(try sandbox.board("add", "A", "--points", "3", "--iteration", "S1", in: dir))
        #expect(try sandbox.board("iteration", "new", "--id", "S1", "--start", "2026-03-02", "--length", "5", in: dir).status == 0)
        #expect(try sandbox.board("set", a, "points=5", in: dir, environment: later).status == 0)
        // A file outside the board folder changes nothing.
        try sandbox.write("---\nid: X-1\ntitle: not ours\n---\n", to: "backlog/X-1-x.md", in: repo)
        try sandbox.git("-C", repo, "add", "-A")
        try sandbox.git("-C", repo, "commit", "-q", "-m", "outside")
        let scope = try sandbox.board("scope", "S1", "--format", "csv", in: dir)
        // Start: A 3 (no commitment recorded, so the end of 03-02); then A 3 → 5 on 03-03.
        #expect(scope.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",").prefix(8).joined(separator: ",") }
                == ["2026-03-03,\(try sandbox.git("-C", repo, "rev-parse", "--short=7", "HEAD~1").trimmingCharacters(in: .whitespacesAndNewlines)),Test Author,re-estimated,\(a),3,5,2"])
        // HEAD~4 is board init: A arrives with 5 points in S1.
        let diff = try sandbox.board("diff", "HEAD~4..HEAD", in: dir)
        #expect(diff.stdout.contains("board: 1 added, 0 removed, 0 changed; points: S1 +5"))
    }

    @Test func allParentsBranchCommitKeepsTheMainLinesOtherFields() throws {
        let sandbox = try Sandbox()
        sandbox.gitDate = "2026-03-01T10:00:00+00:00"
        let dir = try sandbox.makeBoard()
        func save(status: String, points: Int, day: String) throws {
            // status and points far apart, so git merges the two edits without a conflict.
            try sandbox.write("---\nid: B-xxxx1\nstatus: \(status)\ntitle: X\ntype: story\nassignee: ann\ntags: [a]\npoints: \(points)\n---\n",
                              to: "backlog/B-xxxx1-x.md", in: dir)
            try sandbox.git("-C", dir, "add", "-A")
            let r = try sandbox.run("/usr/bin/git", ["-C", dir, "commit", "-q", "-m", day],
                                    environment: ["GIT_AUTHOR_DATE": "\(day)T10:00:00+00:00", "GIT_COMMITTER_DATE": "\(day)T10:00:00+00:00"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        try save(status: "ready", points: 3, day: "2026-03-02")
        try sandbox.git("-C", dir, "branch", "side")
        try save(status: "in-progress", points: 3, day: "2026-03-03")
        try sandbox.git("-C", dir, "checkout", "-q", "side")
        try save(status: "ready", points: 5, day: "2026-03-04")
        try sandbox.git("-C", dir, "checkout", "-q", "main")
        let merge = try sandbox.run("/usr/bin/git", ["-C", dir, "merge", "-q", "--no-edit", "side"],
                                    environment: ["GIT_AUTHOR_DATE": "2026-03-05T10:00:00+00:00", "GIT_COMMITTER_DATE": "2026-03-05T10:00:00+00:00"])
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(try sandbox.read("backlog/B-xxxx1-x.md", in: dir).contains("status: in-progress"))

        let all = try Workspace.open(directory: dir).timeline(allParents: true)
        // add (03-02), move on main (03-03), re-estimate on the branch (03-04); the merge adds nothing.
        #expect(all.entries.map(\.commit.date) == ["2026-03-02", "2026-03-03", "2026-03-04"])
        // On 03-04 the item is in progress (main line) with 5 points (branch): the branch's old status does not come back.
        #expect(all.items(atEndOf: "2026-03-04")["B-xxxx1"]?.status == "in-progress")
        #expect(all.items(atEndOf: "2026-03-04")["B-xxxx1"]?.points == 5)
        // First parent: the re-estimate arrives with the merge on 03-05.
        let first = try Workspace.open(directory: dir).timeline()
        #expect(first.entries.map(\.commit.date) == ["2026-03-02", "2026-03-03", "2026-03-05"])
        #expect(first.entries.last?.changes.first?.changedKeys == ["points"])
    }
}
