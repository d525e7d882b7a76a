import Foundation
import Testing

@testable import BoardKit

/// A board with three closed iterations (S1–S3) run through `board iteration start/close`,
/// and a planned S4 with a backlog to plan. Every expected number is worked out by hand below.
///
/// Team (board.yml template): alice and bob, 6 hours per working day each.
/// S1 2026-01-05..01-18: 10 working days, no days off              → 2 × 10      = 20 person-days
/// S2 2026-01-19..02-01: team holiday Mon 01-19 → 9 working days   → 2 × 9       = 18 person-days
/// S3 2026-02-02..02-15: alice off 02-03, 02-04 and Sat 02-07 (a weekend day, not counted twice)
///                                                                  → 8 + 10      = 18 person-days
/// S4 2026-02-16..03-01: bob off 02-16..02-19 (4 working days)      → 10 + 6      = 16 person-days
struct PlanningFixture {
    let sandbox: Sandbox
    let dir: String

    init() throws {
        sandbox = try Sandbox()
        dir = try sandbox.makeBoard()
        // id, points, iteration, rank, extra front matter, acceptance criteria?
        let items: [(String, Int?, String?, Int, String, Bool)] = [
            ("B-a", 5, "S1", 1, "", true), ("B-b", 3, "S1", 2, "", true), ("B-c", 2, "S1", 3, "", true),
            ("B-d", 3, nil, 4, "", true),                                   // added to S1 after its start
            ("B-e", 5, "S2", 5, "", true), ("B-f", 8, "S2", 6, "", true),   // e re-estimated, f removed mid-S2
            ("B-g", 2, "S2", 7, "status: done\n", true),                     // done before S2 starts
            ("B-h", 5, "S3", 8, "", true), ("B-i", 3, "S3", 9, "", true),   // i carried over to S4
            ("B-j", 5, nil, 100, "depends_on: [B-k]\n", true),               // blocked: B-k is ranked below it
            ("B-k", 3, nil, 200, "", true),
            ("B-l", 8, nil, 300, "", true),                                  // too big
            ("B-m", 2, nil, 400, "objective: O-halt\n", true),               // objective halted
            ("B-n", 3, nil, 500, "", false),                                 // no acceptance criteria: not ready
            ("B-p", 2, nil, 600, "depends_on: [B-k]\n", true),              // chain k → p → q
            ("B-q", 1, nil, 700, "depends_on: [B-p]\n", true),
            ("B-r", 1, nil, 800, "", true),                                  // too big for the last 0.7 points
        ]
        for (id, points, iteration, rank, extra, ready) in items {
            var text = "---\nid: \(id)\ntitle: Item \(id)\ntype: story\n"
            if !extra.contains("status:") { text += "status: backlog\n" }
            text += extra + "points: \(points.map(String.init) ?? "")\nrank: \(rank)\niteration: \(iteration ?? "")\n---\n"
            text += ready ? "\n## Acceptance criteria\n- [ ] works\n" : "\nNo criteria yet.\n"
            try sandbox.write(text, to: "backlog/\(id)-item.md", in: dir)
        }
        try sandbox.write("---\nid: O-halt\ntitle: Paused work\nstatus: halted\n---\n", to: "objectives/O-halt.md", in: dir)
        try sandbox.git("-C", dir, "add", "-A")
        try sandbox.git("-C", dir, "commit", "-qm", "fixture items")

        // S1..S4 by `iteration new`: each starts the day after the last one ends, 14 days long.
        #expect(try board("2026-01-02", "iteration", "new", "--start", "2026-01-05").stdout == "S1\n")
        for n in 2...4 { #expect(try board("2026-01-02", "iteration", "new").stdout == "S\(n)\n") }
        try edit("iterations/S2.md", "days_off: []", "days_off: [2026-01-19]")
        try edit("iterations/S3.md", "days_off: []", "days_off: []\ncapacity:\n  alice: {days_off: [2026-02-03, 2026-02-04, 2026-02-07]}")
        try edit("iterations/S4.md", "days_off: []",
                 "days_off: []\ncapacity:\n  bob: {capacity: 6, days_off: [2026-02-16, 2026-02-17, 2026-02-18, 2026-02-19]}")
        try sandbox.git("-C", dir, "commit", "-qam", "days off")

        // S1: commits a5 + b3 + c2 = 10; d (3) is added after the start and done; c is not done.
        try ok("2026-01-05", "iteration", "start", "S1")
        try ok("2026-01-08", "move", "B-a", "done")
        try ok("2026-01-09", "move", "B-b", "done")
        try ok("2026-01-12", "set", "B-d", "iteration=S1")
        try ok("2026-01-14", "move", "B-d", "done")
        try ok("2026-01-16", "iteration", "close", "S1")          // c moves to S2
        // S2: commits c2 + e5 + f8 = 15 (g was already done); e becomes 8 and is done, f leaves, c is done.
        try ok("2026-01-19", "iteration", "start", "S2")
        try ok("2026-01-20", "set", "B-e", "points=8")
        try ok("2026-01-22", "move", "B-e", "done")
        try ok("2026-01-23", "set", "B-f", "iteration=")
        try ok("2026-01-26", "move", "B-c", "done")
        try ok("2026-01-30", "iteration", "close", "S2")
        // S3: commits f8 + h5 + i3 = 16; f and h are done, i moves to S4.
        try ok("2026-02-02", "set", "B-f", "iteration=S3")
        try ok("2026-02-02", "iteration", "start", "S3")
        try ok("2026-02-05", "move", "B-f", "done")
        try ok("2026-02-10", "move", "B-h", "done")
        try ok("2026-02-13", "iteration", "close", "S3")
    }

    @discardableResult
    func board(_ today: String, _ arguments: String...) throws -> RunResult {
        try sandbox.board(arguments, in: dir, environment: ["BOARD_TODAY": today])
    }

    func ok(_ today: String, _ arguments: String...) throws {
        let result = try sandbox.board(arguments, in: dir, environment: ["BOARD_TODAY": today])
        #expect(result.status == 0, "board \(arguments.joined(separator: " ")): \(result.stderr)")
    }

    func edit(_ path: String, _ old: String, _ new: String) throws {
        let text = try sandbox.read(path, in: dir)
        #expect(text.contains(old))
        try sandbox.write(text.replacingOccurrences(of: old, with: new), to: path, in: dir)
    }

    func json(_ result: RunResult) throws -> [String: Any] {
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }
}

@Suite struct PlanningTests {
    @Test func iterationsRecordCommitmentAndOutcome() throws {
        let f = try PlanningFixture()
        let s1 = try f.sandbox.read("iterations/S1.md", in: f.dir)
        #expect(s1.contains("start: 2026-01-05\nend: 2026-01-18\n"))  // 14 days: 01-05 + 13
        #expect(s1.contains("state: closed"))
        #expect(s1.contains("commitment:\n  date: 2026-01-05\n  points: 10\n  items:\n    - {id: B-a, points: 5}\n"))
        #expect(s1.contains("completed_points: 11\n"))                 // a5 + b3 + d3
        #expect(s1.contains("not_completed:\n    - {id: B-c, points: 2}\n  carried_to: S2\n"))
        #expect(try f.sandbox.read("iterations/S4.md", in: f.dir).contains("start: 2026-02-16\nend: 2026-03-01\n"))
        let s2 = try f.sandbox.read("iterations/S2.md", in: f.dir)
        #expect(s2.contains("already_done: [B-g]"))
        #expect(s2.contains("completed:\n    - {id: B-c, points: 2}\n    - {id: B-e, points: 8}\n"))  // e as at close
        #expect(try f.sandbox.read("backlog/B-i-item.md", in: f.dir).contains("iteration: S4\n"))
        let log = try f.sandbox.git("-C", f.dir, "log", "--format=%s", "-3")
        #expect(log.hasPrefix("board: close iteration S3 (13 points done, 1 moved to S4)\n"))
        #expect(try f.sandbox.git("-C", f.dir, "status", "--porcelain") == "")
        // Only a planned iteration starts, only an active one closes.
        #expect(try f.board("2026-02-14", "iteration", "start", "S3").status == 2)
        #expect(try f.board("2026-02-14", "iteration", "close", "S4").status == 2)
        #expect(try f.board("2026-02-14", "check").status == 0)

        let list = try JSONSerialization.jsonObject(with: Data(try f.board("2026-02-14", "iteration", "list", "--format", "json").stdout.utf8)) as! [[String: Any]]
        #expect(list.map { $0["id"] as? String } == ["S1", "S2", "S3", "S4"])
        #expect(list.map { $0["capacity_days"] as? Int } == [20, 18, 18, 16])
        #expect(list.map { $0["working_days"] as? Int } == [10, 9, 10, 10])
        // S4 capacity in hours: alice 6 × 10 + bob 6 × 6 = 96.
        #expect(list[3]["team_capacity"] as? Int == 96)
        let show = try f.json(try f.board("2026-02-14", "iteration", "show", "S3", "--format", "json"))
        let members = show["members"] as? [[String: Any]] ?? []
        #expect(members.map { $0["available_days"] as? Int } == [8, 10])
    }

    @Test func velocityFromClosedIterations() throws {
        let f = try PlanningFixture()
        let v = try f.json(try f.board("2026-02-14", "velocity", "--format", "json"))
        #expect(Set(v.keys) == ["window", "average", "median", "iterations"])
        #expect(v["window"] as? Int == 3)
        let rows = v["iterations"] as? [[String: Any]] ?? []
        #expect(rows.map { Set($0.keys) } == Array(repeating: ["id", "committed", "completed", "added", "removed", "carried_over", "capacity_days"], count: 3))
        func column(_ key: String) -> [Int?] { rows.map { $0[key] as? Int } }
        #expect(rows.map { $0["id"] as? String } == ["S1", "S2", "S3"])
        #expect(column("committed") == [10, 15, 16])     // a5+b3+c2; c2+e5+f8; f8+h5+i3
        #expect(column("completed") == [11, 10, 13])     // a5+b3+d3; c2+e8 (g done before: not counted); f8+h5
        #expect(column("added") == [3, 0, 0])            // d
        #expect(column("removed") == [0, 8, 0])          // f left S2
        #expect(column("carried_over") == [2, 0, 3])     // c; none; i
        #expect(column("capacity_days") == [20, 18, 18])
        // average (11 + 10 + 13) / 3 = 34/3 = 11.3333; median of 10, 11, 13 = 11
        #expect(abs((v["average"] as? Double ?? 0) - 34.0 / 3) < 0.001)
        #expect(v["median"] as? Int == 11)
        // --last 2: S2 and S3: average (10 + 13) / 2 = 11.5, median 11.5
        let last2 = try f.json(try f.board("2026-02-14", "velocity", "--last", "2", "--format", "json"))
        #expect(last2["window"] as? Int == 2 && last2["average"] as? Double == 11.5 && last2["median"] as? Double == 11.5)
        // points per person-day: 34 / (20 + 18 + 18) = 0.607 → shown as 0.61
        let text = try f.board("2026-02-14", "velocity").stdout
        #expect(text.contains("0.61"))
        #expect(text.contains("min:") && text.contains("max:"))
    }

    @Test func planFillsTheNextIterationToTheForecast() throws {
        let f = try PlanningFixture()
        let plan = try f.json(try f.board("2026-02-14", "plan", "--dry-run", "--format", "json"))
        #expect(plan["iteration"] as? String == "S4")
        // forecast = average 34/3 × (S4's 16 person-days ÷ mean (20 + 18 + 18) / 3 = 56/3) = 34 × 16 / 56 = 9.7143
        #expect(abs((plan["forecast_points"] as? Double ?? 0) - 9.7143) < 0.0001)
        #expect(plan["capacity_days"] as? Int == 16)
        // i (carried over) 3 → 3; k 3 → 6; p 2 (needs k, taken) → 8; q 1 (needs p) → 9; 0.71 left.
        let selected = plan["selected"] as? [[String: Any]] ?? []
        #expect(selected.map { $0["id"] as? String } == ["B-i", "B-k", "B-p", "B-q"])
        #expect(selected.map { $0["points"] as? Int } == [3, 3, 2, 1])
        let skipped = plan["skipped"] as? [[String: Any]] ?? []
        #expect(skipped.map { "\($0["id"] ?? ""): \($0["reason"] ?? "")" } == [
            "B-j: blocked by B-k",       // ranked above k, so k is not taken yet
            "B-l: too big",              // 8 > 9.71 - 6 = 3.71 left
            "B-m: objective halted",
            "B-n: not ready",            // no acceptance criteria
            "B-r: too big",              // 1 > 9.71 - 9 = 0.71 left
        ])
        #expect(try f.sandbox.git("-C", f.dir, "status", "--porcelain") == "")  // dry run: nothing written

        let text = try f.board("2026-02-14", "plan")
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("planned 9 of 9.7 points; remaining 0.7"))
        for id in ["B-k", "B-p", "B-q"] {
            #expect(try f.sandbox.read("backlog/\(id)-item.md", in: f.dir).contains("iteration: S4\n"))
        }
        #expect(try f.sandbox.read("backlog/B-l-item.md", in: f.dir).contains("iteration: S4") == false)
        #expect(try f.sandbox.read("iterations/S4.md", in: f.dir).contains("plan:\n  date: 2026-02-14\n  forecast_points: 9.71\n"))
        let commit = try f.sandbox.git("-C", f.dir, "log", "-1", "--format=%B%n--%n", "--name-only")
        #expect(commit.hasPrefix("board: plan S4 (4 items, 9 of 9.7 points)\n\nB-i 3 Item B-i\nB-k 3 Item B-k\n"))
        #expect(commit.contains("B-j blocked by B-k"))
        #expect(try f.sandbox.git("-C", f.dir, "show", "--name-only", "--format=", "HEAD").split(separator: "\n").sorted()
                == ["backlog/B-k-item.md", "backlog/B-p-item.md", "backlog/B-q-item.md", "iterations/S4.md"])
        #expect(try f.sandbox.git("-C", f.dir, "status", "--porcelain") == "")
        // Starting S4 commits exactly the plan: 3 + 3 + 2 + 1 = 9 points.
        #expect(try f.board("2026-02-16", "iteration", "start", "S4").stdout == "S4 started: 4 items, 9 points committed\n")
    }

    @Test func planWithoutHistoryNeedsAVelocity() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        try sandbox.write("---\nid: B-x\ntitle: X\ntype: story\nstatus: backlog\npoints: 5\nrank: 1\n---\n- [ ] done\n",
                          to: "backlog/B-x-x.md", in: dir)
        try sandbox.git("-C", dir, "add", "-A")
        try sandbox.git("-C", dir, "commit", "-qm", "x")
        #expect(try sandbox.board("plan", "--dry-run", in: dir).status == 2)                 // no iteration
        #expect(try sandbox.board("iteration", "new", "--id", "2026-S01", in: dir).stdout == "2026-S01\n")
        let none = try sandbox.board("plan", "--dry-run", in: dir)
        #expect(none.status == 2 && none.stderr.contains("--velocity"))                     // hours, no history
        #expect(try sandbox.board("plan", "--capacity-only", "--dry-run", in: dir).status == 2)
        let given = try sandbox.board("plan", "--velocity", "4", "--dry-run", "--format", "json", in: dir)
        let object = try JSONSerialization.jsonObject(with: Data(given.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(object["forecast_points"] as? Int == 4)
        #expect((object["skipped"] as? [[String: Any]])?.first?["reason"] as? String == "too big")  // 5 > 4
        // With capacity in points and no history, capacity is the forecast, and the output says so:
        // 2 members × 1 point × 10 working days (2026-03-02..03-15) = 20.
        let config = try sandbox.read("board.yml", in: dir)
        try sandbox.write(config.replacingOccurrences(of: "capacity_unit: hours", with: "capacity_unit: points")
            .replacingOccurrences(of: "capacity: 6", with: "capacity: 1"), to: "board.yml", in: dir)
        let points = try sandbox.board("plan", "--dry-run", in: dir)
        #expect(points.stdout.contains("forecast 20 points (no closed iterations yet: team capacity in points)"))
    }

    @Test func checkReportsBadIterationFilesWithTheirLine() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        try sandbox.write("---\nid: S1\nstart: 2026-03-13\nend: 2026-03-02\nstate: running\n---\n", to: "iterations/S1.md", in: dir)
        try sandbox.write("---\nid: B-x\ntitle: X\ntype: story\nstatus: backlog\niteration: S9\n---\n", to: "backlog/B-x-x.md", in: dir)
        let result = try sandbox.board("check", in: dir)
        #expect(result.status == 1)
        #expect(result.stdout.contains("iterations/S1.md:4: error: end 2026-03-02 is before start 2026-03-13"))
        #expect(result.stdout.contains("iterations/S1.md:5: error: unknown state running"))
        #expect(result.stdout.contains("backlog/B-x-x.md:6: warning: iteration S9 does not exist"))
        #expect(try sandbox.board("iteration", "new", "--start", "2026-02-30", in: dir).status == 2)
        #expect(try sandbox.board("iteration", "new", "--id", "S1", in: dir).status == 2)   // exists
        #expect(try sandbox.board("iteration", "show", "S7", in: dir).status == 2)
    }
}
