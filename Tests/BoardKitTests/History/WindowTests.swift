import Foundation
import Testing

@testable import BoardKit

/// A report on one iteration walks history from a snapshot taken shortly before the iteration
/// started (`Timeline.base`), not from the first commit, and must say exactly what a walk from
/// the first commit says.
@Suite struct WindowTests {
    /// Two iterations, committed with the real git on fixed dates:
    ///
    ///   c1 02-20  A 3 S1, B 5 S1, C 2 backlog, D 1 backlog; S1 (03-02..03-13) and S2 (03-16..03-27) planned
    ///   c2 02-25  C re-estimated to 3
    ///   c3 03-02  S1 started (commitment 8)
    ///   c4 03-03  A in progress
    ///   c5 03-05  C joins S1
    ///   c6 03-10  A done, B re-estimated to 8
    ///   c7 03-13  S1 closed; D joins S2
    ///   c8 03-16  S2 started (commitment 1)
    ///   c9 03-18  D done; C leaves S1 for S2
    struct Fixture {
        let sandbox: Sandbox
        let dir: String
        var commits: [String] = []

        static let a = "B-aaaa1", b = "B-bbbb2", c = "B-cccc3", d = "B-dddd4"

        static func iteration(_ id: String, start: String, end: String, state: String, commitment: Int? = nil) -> String {
            "---\nid: \(id)\nname: Sprint \(id)\nstart: \(start)\nend: \(end)\nstate: \(state)\n"
                + (commitment.map { "commitment:\n  date: \(start)\n  points: \($0)\n" } ?? "") + "---\n"
        }

        func item(_ id: String, status: String, points: Int, iteration: String?) throws {
            try sandbox.write(HistoryFixture.item(id, "Item \(id)", status: status, points: points, iteration: iteration, created: "2026-02-20"),
                              to: "backlog/\(id).md", in: dir)
        }

        mutating func commit(_ date: String) throws {
            let env = ["GIT_AUTHOR_NAME": "alice", "GIT_AUTHOR_EMAIL": "alice@example.com", "GIT_COMMITTER_NAME": "alice",
                       "GIT_COMMITTER_EMAIL": "alice@example.com", "GIT_AUTHOR_DATE": "\(date)T10:00:00+00:00",
                       "GIT_COMMITTER_DATE": "\(date)T10:00:00+00:00"]
            try sandbox.run("/usr/bin/git", ["-C", dir, "add", "-A"])
            let result = try sandbox.run("/usr/bin/git", ["-C", dir, "commit", "-q", "-m", "c\(commits.count + 1)"], environment: env)
            #expect(result.status == 0, "\(result.stderr)")
            commits.append(try sandbox.git("-C", dir, "rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines))
        }

        /// `before` runs ahead of each commit with its number, to bend the history.
        init(before: (Int, Fixture) throws -> Void = { _, _ in }, dates: [String: String] = [:]) throws {
            sandbox = try Sandbox()
            // `board init` on a later day than the history it holds, as the benchmark's generator does.
            sandbox.gitDate = "2026-04-01T10:00:00+00:00"
            dir = try sandbox.makeBoard()
            for (n, date) in Self.dates.enumerated() {
                try write(step: n + 1)
                try before(n + 1, self)
                try commit(dates["c\(n + 1)"] ?? date)
            }
        }

        static let dates = ["2026-02-20", "2026-02-25", "2026-03-02", "2026-03-03", "2026-03-05", "2026-03-10", "2026-03-13",
                            "2026-03-16", "2026-03-18"]

        /// The files of commit `n` (c1 to c9).
        func write(step n: Int) throws {
            let a = Self.a, b = Self.b, c = Self.c, d = Self.d
            func iteration(_ id: String, state: String, commitment: Int? = nil) throws {
                let (start, end) = id == "S1" ? ("2026-03-02", "2026-03-13") : ("2026-03-16", "2026-03-27")
                try sandbox.write(Self.iteration(id, start: start, end: end, state: state, commitment: commitment), to: "iterations/\(id).md", in: dir)
            }
            switch n {
            case 1:
                try item(a, status: "ready", points: 3, iteration: "S1")
                try item(b, status: "ready", points: 5, iteration: "S1")
                try item(c, status: "backlog", points: 2, iteration: nil)
                try item(d, status: "backlog", points: 1, iteration: nil)
                try iteration("S1", state: "planned")
                try iteration("S2", state: "planned")
            case 2: try item(c, status: "backlog", points: 3, iteration: nil)
            case 3: try iteration("S1", state: "active", commitment: 8)
            case 4: try item(a, status: "in-progress", points: 3, iteration: "S1")
            case 5: try item(c, status: "ready", points: 3, iteration: "S1")
            case 6:
                try item(a, status: "done", points: 3, iteration: "S1")
                try item(b, status: "in-progress", points: 8, iteration: "S1")
            case 7:
                try iteration("S1", state: "closed", commitment: 8)
                try item(d, status: "ready", points: 1, iteration: "S2")
            case 8: try iteration("S2", state: "active", commitment: 1)
            default:
                try item(d, status: "done", points: 1, iteration: "S2")
                try item(c, status: "ready", points: 3, iteration: "S2")
            }
        }

        func workspace() throws -> Workspace { try Workspace.open(directory: dir) }

        func removeCache() { try? FileManager.default.removeItem(atPath: dir + "/.git/board-cache") }
    }

    /// Burndown and scope of an iteration as JSON text, to compare two timelines' reports.
    static func reports(_ workspace: Workspace, _ id: String, _ timeline: Timeline) throws -> String {
        let iteration = try workspace.iteration(id)
        let (commitment, days) = workspace.burndown(iteration, timeline: timeline)
        let scope = ScopeReport(iteration: iteration, timeline: timeline)
        return renderJSON(["commitment": commitment, "days": days.map(\.jsonObject), "start": scope.startPoints,
                           "scope": scope.changes.map(\.jsonObject)] as [String: Any])
    }

    /// Each iteration's reports from a cold walk for it, and from a cold walk of all history.
    static func compare(_ f: Fixture, _ ids: [String] = ["S1", "S2"]) throws -> [String: Timeline] {
        var windows: [String: Timeline] = [:]
        for id in ids {
            let workspace = try f.workspace()
            f.removeCache()
            let window = try workspace.timeline(for: try workspace.iteration(id))
            f.removeCache()
            let full = try workspace.timeline()
            #expect(full.base == nil)
            #expect(try reports(workspace, id, window) == (try reports(workspace, id, full)), "\(id)")
            windows[id] = window
        }
        return windows
    }

    @Test func aWindowGivesTheReportsOfAFullWalk() throws {
        let f = try Fixture()
        let windows = try Self.compare(f)
        // S1's window starts at c2 (its commitment is c3's), S2's at c7; both skip `board init`'s
        // commit, dated after all of them, as it changes no item.
        #expect(windows["S1"]?.base?.commit == f.commits[1])
        #expect(windows["S1"]?.base?.floor == "2026-02-25")
        #expect(windows["S2"]?.base?.commit == f.commits[6])
        #expect(windows["S2"]?.base?.started == ["S1"])
        // The snapshot holds every item; then comes c9 (c8 changes no item).
        #expect(windows["S2"]?.entries.first?.changes.count == 4)
        #expect(windows["S2"]?.entries.map(\.commit.id) == [f.commits[6], f.commits[8]])
        // S2's scope: C joined after the start; S1's: C joined, B re-estimated, C left after the end.
        let workspace = try f.workspace()
        let s2 = ScopeReport(iteration: try workspace.iteration("S2"), timeline: windows["S2"]!)
        #expect(s2.startPoints == 1 && s2.changes.map(\.kind) == [.added] && s2.changes.first?.id == Fixture.c)
        let s1 = ScopeReport(iteration: try workspace.iteration("S1"), timeline: windows["S1"]!)
        #expect(s1.startPoints == 8 && s1.changes.map(\.kind) == [.added, .reestimated])
    }

    @Test func theCachesServeLaterIterationsAndAllOfHistory() throws {
        var f = try Fixture()
        let workspace = try f.workspace()
        let window = TimelineCache(gitDir: f.dir + "/.git/", prefix: "", allParents: false, window: true)
        let full = TimelineCache(gitDir: f.dir + "/.git/", prefix: "", allParents: false)
        f.removeCache()
        let s2 = try workspace.timeline(for: try workspace.iteration("S2"))
        #expect(window.load() == s2 && full.load() == nil)
        // S1 started before S2's snapshot: a walk of its own, whose snapshot serves S2 as well.
        let s1 = try workspace.timeline(for: try workspace.iteration("S1"))
        #expect(s1.base?.commit == f.commits[1] && window.load() == s1)
        #expect(try workspace.timeline(for: try workspace.iteration("S2")) == s1)
        // A report on all of history walks it all and keeps that beside the window.
        let all = try workspace.timeline()
        #expect(all.base == nil && full.load() == all && window.load() == s1)
        #expect(try workspace.timeline(for: try workspace.iteration("S2")) == s1)
        // A report on an iteration the window does not cover takes the full walk, and extends it.
        try f.sandbox.write(Fixture.iteration("S0", start: "2026-02-23", end: "2026-02-27", state: "closed"), to: "iterations/S0.md", in: f.dir)
        try f.commit("2026-03-19")
        let s0 = try workspace.timeline(for: try workspace.iteration("S0"))
        #expect(s0.base == nil && s0.tip == f.commits.last && full.load() == s0 && window.load() == s1)
        // Without the full walk, S0 is walked from the first commit again: its snapshot would be c1,
        // too early in history to spare much.
        try FileManager.default.removeItem(atPath: full.file)
        let again = try workspace.timeline(for: try workspace.iteration("S0"))
        #expect(again == s0 && full.load() == s0)
    }

    @Test func aCachedWindowGrowsWithNewCommits() throws {
        var f = try Fixture()
        let workspace = try f.workspace()
        f.removeCache()
        _ = try workspace.timeline(for: try workspace.iteration("S2"))
        try f.item(Fixture.b, status: "done", points: 8, iteration: "S2")
        try f.commit("2026-03-20")
        try f.sandbox.git("-C", f.dir, "rm", "-q", "backlog/\(Fixture.d).md")
        try f.commit("2026-03-21")
        let grown = try workspace.timeline(for: try workspace.iteration("S2"))
        #expect(grown.base?.commit == f.commits[6] && grown.tip == f.commits.last)
        f.removeCache()
        #expect(grown == (try workspace.timeline(for: try workspace.iteration("S2"))))
        _ = try Self.compare(f)
    }

    @Test(arguments: [
        ("an item file that cannot be read", 2),
        ("an id in two files", 2),
    ])
    func aSnapshotThatAWalkWouldNotHoldFallsBackToAFullWalk(_ what: String, at commit: Int) throws {
        let f = try Fixture(before: { n, f in
            // The twin is gone again by S2's snapshot; the broken file is rewritten by c6.
            if n == 5, what.hasPrefix("an id") { try FileManager.default.removeItem(atPath: f.dir + "/backlog/twin.md") }
            guard n == commit else { return }
            if what.hasPrefix("an item") {
                try f.sandbox.write("---\nid: \(Fixture.b)\ntags: [unclosed\n---\n", to: "backlog/\(Fixture.b).md", in: f.dir)
            } else {
                try f.sandbox.write(HistoryFixture.item(Fixture.a, "Twin", status: "ready", points: 2, iteration: "S1", created: "2026-02-20"),
                                    to: "backlog/twin.md", in: f.dir)
            }
        })
        let windows = try Self.compare(f)
        #expect(windows["S1"]?.base == nil, "\(what)")
        #expect(windows["S2"]?.base != nil, "\(what): fixed again by S2")
    }

    @Test func commitsDatedOutOfOrderAreRead() throws {
        // c5 is dated after S2's start: its change counts from its own date, so S2's window starts before it.
        let late = try Fixture(dates: ["c5": "2026-03-20"])
        let windows = try Self.compare(late)
        #expect(windows["S2"]?.base?.commit == late.commits[3])
        // c3, S1's commitment, and c4 are dated before c2: a walk from the first commit dates c4's
        // change by c2, which a snapshot at c2 cannot tell, so S1 is read from the first commit.
        let early = try Fixture(dates: ["c3": "2026-02-24", "c4": "2026-02-24"])
        #expect(try Self.compare(early)["S1"]?.base == nil)
    }

    @Test func anItemMovedOutOfTheBacklogLeavesIt() throws {
        // c2 moves D's file into iterations/ (git pairs the two paths as a rename): D is gone from then on.
        let f = try Fixture(before: { n, f in
            if n == 2 { try f.sandbox.git("-C", f.dir, "mv", "backlog/\(Fixture.d).md", "iterations/\(Fixture.d).md") }
            if n == 5 { try f.sandbox.git("-C", f.dir, "mv", "iterations/\(Fixture.d).md", "backlog/\(Fixture.d).md") }
        })
        let full = try f.workspace().timeline()
        let moves = full.entries.filter { $0.changes.contains { $0.id == Fixture.d } }.map(\.commit.id)
        #expect(moves == [0, 1, 4, 6, 8].map { f.commits[$0] })
        #expect(full.entries[1].changes.first { $0.id == Fixture.d }?.after == nil)
        _ = try Self.compare(f)
    }

    @Test func aCachedWindowExtendedByACommitDatedBeforeItIsWalkedAgain() throws {
        var f = try Fixture()
        try f.sandbox.write(Fixture.iteration("S3", start: "2026-04-06", end: "2026-04-17", state: "planned"), to: "iterations/S3.md", in: f.dir)
        try f.commit("2026-03-25")
        let workspace = try f.workspace()
        f.removeCache()
        // S3 has not started: its snapshot is the last commit, with `board init`'s date (04-01) the latest.
        let before = try workspace.timeline(for: try workspace.iteration("S3"))
        #expect(before.base?.commit == f.commits.last && before.base?.floor == "2026-04-01" && before.entries.count == 1)
        // A change dated before that: a walk from the first commit dates it by the changes before it.
        try f.item(Fixture.a, status: "review", points: 3, iteration: "S3")
        try f.commit("2026-03-20")
        let after = try workspace.timeline(for: try workspace.iteration("S3"))
        let full = try workspace.timeline()
        #expect(after.base == nil)
        #expect(after == full)
        #expect(TimelineCache(gitDir: f.dir + "/.git/", prefix: "", allParents: false, window: true).load() == nil)
    }

    @Test func aGeneratedHistoryGivesTheSameReportsForEveryIteration() throws {
        let sandbox = try Sandbox()
        let dir = sandbox.path("generated")
        let result = try sandbox.board("dev", "generate", dir, "--items", "120", "--iterations", "8", "--commits", "200")
        #expect(result.status == 0, "\(result.stderr)")
        let workspace = try Workspace.open(directory: dir)
        let full = try workspace.timeline()
        for k in 1...8 {
            try? FileManager.default.removeItem(atPath: dir + "/.git/board-cache")
            let window = try workspace.timeline(for: try workspace.iteration("S\(k)"))
            // The snapshot is the plan commit before the start, which added the iteration's items;
            // the window holds what the full walk holds from there on. S1 and S2 start in the first
            // quarter of history: walked in full.
            if k <= 2 { #expect(window == full, "S\(k)"); continue }
            let at = try #require(full.entries.firstIndex { $0.commit.id == window.base?.commit }, "S\(k)")
            #expect(window.entries.dropFirst().map(\.commit.id) == full.entries[(at + 1)...].map(\.commit.id), "S\(k)")
            #expect(at > 40, "S\(k)")
            #expect(try Self.reports(workspace, "S\(k)", window) == (try Self.reports(workspace, "S\(k)", full)), "S\(k)")
        }
    }
}
