import Foundation
import Testing

@testable import BoardKit

extension Sandbox {
    /// Writes a front-matter file `folder/ID-slug.md` from `key: value` lines.
    func writeRecord(_ folder: String, _ id: String, _ lines: [String], in dir: String) throws {
        try write("---\nid: \(id)\n" + lines.map { $0 + "\n" }.joined() + "---\nText.\n",
                  to: "\(folder)/\(id)-\(id.lowercased()).md", in: dir)
    }

    /// A work item: `title: Item ID`, `type: story`, then the given lines.
    func writeItem(_ id: String, _ lines: [String], in dir: String) throws {
        try writeRecord("backlog", id, ["title: Item \(id)", "type: story"] + lines, in: dir)
    }

    func commitAll(_ dir: String) throws {
        try git("-C", dir, "add", "-A")
        try git("-C", dir, "commit", "-q", "-m", "fixture")
    }

    func json(_ result: RunResult) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }
}

@Suite struct ObjectiveTests {
    /// Objectives in each status; items linked to each, unlinked, and linked to a missing objective.
    func fixtureBoard(_ sandbox: Sandbox) throws -> String {
        let dir = try sandbox.makeBoard()
        let statuses = ["O-actv1": "active", "O-prop1": "proposed", "O-hold1": "on-hold", "O-halt1": "halted", "O-done1": "achieved"]
        for (id, status) in statuses {
            try sandbox.writeRecord("objectives", id, ["title: Objective \(id)", "status: \(status)"], in: dir)
        }
        // Lines of an item file: 1 ---, 2 id, 3 title, 4 type, 5 status, 6 points/objective, ...
        try sandbox.writeItem("B-a1", ["status: done", "objective: O-actv1", "points: 5", "rank: 1000"], in: dir)
        try sandbox.writeItem("B-a2", ["status: ready", "objective: O-actv1", "points: 3", "rank: 2000"], in: dir)
        try sandbox.writeItem("B-a3", ["status: backlog", "objective: O-actv1", "rank: 3000"], in: dir)
        try sandbox.writeItem("B-p1", ["status: backlog", "objective: O-prop1"], in: dir)
        try sandbox.writeItem("B-h1", ["status: ready", "objective: O-hold1"], in: dir)
        try sandbox.writeItem("B-x1", ["status: ready", "objective: O-halt1", "points: 2"], in: dir)
        try sandbox.writeItem("B-x2", ["status: done", "objective: O-halt1", "points: 1"], in: dir)
        try sandbox.writeItem("B-c1", ["status: done", "objective: O-done1", "points: 8"], in: dir)
        try sandbox.writeItem("B-n1", ["status: backlog"], in: dir)
        try sandbox.writeItem("B-n2", ["status: done"], in: dir)
        try sandbox.writeItem("B-m1", ["status: backlog", "objective: O-gone1"], in: dir)
        try sandbox.commitAll(dir)
        return dir
    }

    @Test func checkReportsAlignmentOfOpenItems() throws {
        let sandbox = try Sandbox()
        let dir = try fixtureBoard(sandbox)
        let result = try sandbox.board("check", in: dir)
        #expect(result.status == 1)  // the missing objective is an error
        let expected = [
            "backlog/B-h1-b-h1.md:6: warning: objective O-hold1 is on-hold, not active; re-link or drop the item",
            "backlog/B-m1-b-m1.md:6: error: objective O-gone1 does not exist",
            "backlog/B-n1-b-n1.md:2: warning: not linked to an active objective (set objective: ID)",
            "backlog/B-p1-b-p1.md:6: warning: objective O-prop1 is proposed, not active",
            "backlog/B-x1-b-x1.md:6: warning: objective O-halt1 is halted, not active; re-link or drop the item",
        ]
        // Done items (B-a1, B-x2, B-c1, B-n2) and items of the active objective are not reported.
        #expect(result.stdout.split(separator: "\n").map(String.init) == expected)

        // alignment: strict makes the warnings errors.
        let config = try sandbox.read("board.yml", in: dir).replacingOccurrences(of: "alignment: warn", with: "alignment: strict")
        try sandbox.write(config, to: "board.yml", in: dir)
        let strict = try sandbox.board("check", in: dir)
        #expect(strict.status == 1)
        #expect(strict.stdout.split(separator: "\n").map(String.init) == expected.map { $0.replacingOccurrences(of: ": warning: ", with: ": error: ") })
    }

    @Test func boardWithoutObjectivesIsNotCheckedForAlignmentUnlessStrict() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        try sandbox.writeItem("B-n1", ["status: backlog"], in: dir)
        #expect(try sandbox.board("check", in: dir).stdout == "")
        let config = try sandbox.read("board.yml", in: dir).replacingOccurrences(of: "alignment: warn", with: "alignment: strict")
        try sandbox.write(config, to: "board.yml", in: dir)
        let strict = try sandbox.board("check", in: dir)
        #expect(strict.status == 1)
        #expect(strict.stdout == "backlog/B-n1-b-n1.md:2: error: not linked to an active objective (set objective: ID)\n")
    }

    @Test func haltedObjectivesOpenItemsAreListedAndExcludedFromPlanning() throws {
        let sandbox = try Sandbox()
        let dir = try fixtureBoard(sandbox)
        let board = try Workspace.open(directory: dir).snapshot()
        #expect(board.haltedObjectiveIDs == ["o-hold1", "o-halt1"])
        // Ready items of halted / on-hold objectives are left out of planning; others are not.
        let ready = board.items.filter { $0.status == "ready" }.sorted { $0.id < $1.id }
        #expect(ready.map(\.id) == ["B-a2", "B-h1", "B-x1"])
        #expect(ready.map(board.isHalted) == [false, true, true])

        let show = try sandbox.board("show", "O-halt1", "--format", "json", in: dir)  // an item id is not an objective
        #expect(show.status == 2)
        let json = try sandbox.json(try sandbox.board("objective", "show", "o-halt1", "--format", "json", in: dir)) as! [String: Any]
        #expect(json["halted_open_items"] as? [String] == ["B-x1"])  // B-x2 is done
        #expect(json["items"] as? [String] == ["B-x1", "B-x2"])
        let text = try sandbox.board("objective", "show", "O-halt1", in: dir).stdout
        #expect(text.contains("Objective halted: 1 open item is left out of planning"))
        #expect(text.contains("B-x1") && !text.contains("B-x2"))
        let active = try sandbox.json(try sandbox.board("objective", "show", "O-actv1", "--format", "json", in: dir)) as! [String: Any]
        #expect(active["halted_open_items"] as? [String] == [])
        #expect(active["items"] as? [String] == ["B-a1", "B-a2", "B-a3"])  // by rank
    }

    @Test func listShowsPointsOpenItemsAndKPIProgress() throws {
        let sandbox = try Sandbox()
        let dir = try fixtureBoard(sandbox)
        let path = "objectives/O-actv1-o-actv1.md"
        let kpi = "kpi:\n  name: Online share\n  unit: \"%\"\n  baseline: 20\n  target: 60\n  current: 35\n"
        try sandbox.write(try sandbox.read(path, in: dir).replacingOccurrences(of: "status: active\n", with: "status: active\n" + kpi), to: path, in: dir)
        let list = try sandbox.json(try sandbox.board("objective", "list", "--format", "json", in: dir)) as! [[String: Any]]
        // Ordered by status (proposed, active, on-hold, halted, achieved).
        #expect(list.map { $0["id"] as? String } == ["O-prop1", "O-actv1", "O-hold1", "O-halt1", "O-done1"])
        let active = list[1]["progress"] as! [String: Any]
        // B-a1 done 5; B-a2 ready 3; B-a3 no points: 5 of 5 + 3 = 8 points done, 2 items open.
        #expect(active["points_done"] as? Double == 5)
        #expect(active["points_total"] as? Double == 8)
        #expect(active["items_open"] as? Int == 2)
        // (35 - 20) / (60 - 20) = 15 / 40 = 37.5 %
        #expect(active["kpi_percent"] as? Double == 37.5)
        #expect(active["forecast"] is NSNull)
        let halted = list[3]["progress"] as! [String: Any]
        #expect(halted["points_done"] as? Double == 1)  // B-x2
        #expect(halted["points_total"] as? Double == 3)  // 2 + 1
        #expect(halted["items_open"] as? Int == 1)

        let table = try sandbox.board("objective", "list", in: dir).stdout.split(separator: "\n").map(String.init)
        #expect(table[0].hasPrefix("ID") && !table[0].contains("FORECAST"))
        let row = table.first { $0.hasPrefix("O-actv1") } ?? ""
        #expect(row.contains(" 5/8 ") && row.contains("20 → 35 → 60 % (38%)"))
        #expect(try sandbox.board("objective", "list", "--status", "halted,on-hold", "-q", in: dir).stdout == "O-hold1\nO-halt1\n")
    }

    @Test func forecastAppearsOnlyWithVelocityHistory() throws {
        let sandbox = try Sandbox()
        let dir = try fixtureBoard(sandbox)
        for (id, points, end) in [("2026-S01", 10, "2026-01-16"), ("2026-S02", 6, "2026-01-30")] {
            try sandbox.write("---\nid: \(id)\nstate: closed\nend: \(end)\noutcome:\n  completed_points: \(points)\n---\n",
                              to: "iterations/\(id).md", in: dir)
        }
        let list = try sandbox.json(try sandbox.board("objective", "list", "--format", "json", in: dir)) as! [[String: Any]]
        let active = list.first { $0["id"] as? String == "O-actv1" }!["progress"] as! [String: Any]
        // Velocity (10 + 6) / 2 = 8; remaining 8 - 5 = 3 points → 1 iteration of 14 days from 2026-03-02.
        #expect(active["forecast"] as? String == "2026-03-16")
        #expect(try sandbox.board("objective", "list", in: dir).stdout.contains("FORECAST"))
    }

    @Test func addSetAndMeasurementsThroughTheCommands() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let add = try sandbox.board("objective", "add", "Grow online payments", "--owner", "carol", "--status", "active",
                                    "--kpi", "Online share", "--unit", "%", "--baseline", "20", "--target", "60",
                                    "--current", "30", "--horizon", "2026-12-31", in: dir)
        #expect(add.status == 0, "\(add.stderr)")
        let id = addedID(add)
        #expect(id.hasPrefix("O-") && id.count == 7)
        let path = "objectives/\(id)-grow-online-payments.md"
        #expect(try sandbox.read(path, in: dir) == """
            ---
            id: \(id)
            title: Grow online payments
            owner: carol
            status: active
            kpi:
              name: Online share
              unit: "%"
              baseline: 20
              target: 60
              current: 30
              measurements:
                - {date: 2026-03-02, value: 30}
            horizon: 2026-12-31
            created: 2026-03-02
            updated: 2026-03-02
            ---

            ## Business case


            """)
        let set = try sandbox.board("objective", "set", id, "kpi.current=50", "owner=dave", in: dir, environment: ["BOARD_TODAY": "2026-03-09"])
        #expect(set.status == 0, "\(set.stderr)")
        let text = try sandbox.read(path, in: dir)
        #expect(text.contains("  current: 50\n  measurements:\n    - {date: 2026-03-02, value: 30}\n    - {date: 2026-03-09, value: 50}\n"))
        #expect(text.contains("owner: dave\n") && text.contains("updated: 2026-03-09\n"))
        #expect(try sandbox.git("-C", dir, "log", "--format=%s") .hasPrefix("board: set \(id) kpi.current=50 owner=dave\nboard: add \(id) \"Grow online payments\"\n"))
        #expect(try sandbox.git("-C", dir, "status", "--porcelain") == "")
        let show = try sandbox.json(try sandbox.board("objective", "show", id, "--format", "json", in: dir)) as! [String: Any]
        // (50 - 20) / (60 - 20) = 30 / 40 = 75 %
        #expect((show["progress"] as? [String: Any])?["kpi_percent"] as? Double == 75)
        #expect(try sandbox.board("check", in: dir).stdout == "")
    }

    @Test(arguments: [
        (["objective", "add", "X", "--status", "paused"], "unknown objective status paused"),
        (["objective", "add", "X", "--horizon", "soon"], "--horizon soon: expected a date"),
        (["objective", "add", " "], "the title is empty"),
        (["objective", "show", "O-none"], "no objective with id O-none"),
        (["objective", "set", "O-none", "status=active"], "no objective with id O-none"),
    ])
    func refusals(arguments: [String], message: String) throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let head = try sandbox.git("-C", dir, "rev-parse", "HEAD")
        let result = try sandbox.board(arguments, in: dir)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
        #expect(try sandbox.git("-C", dir, "rev-parse", "HEAD") == head)
    }

    @Test func setRefusesAnUnknownObjectiveStatus() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let id = addedID(try sandbox.board("objective", "add", "X", in: dir))
        let result = try sandbox.board("objective", "set", id, "status=ready", in: dir)
        #expect(result.status == 2)
        #expect(result.stderr.contains("unknown objective status ready"))
    }

    @Test func kpiFieldsCanBeSetOneByOne() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let id = addedID(try sandbox.board("objective", "add", "Fewer tickets", "--owner", "carol", in: dir))
        let path = "objectives/\(id)-fewer-tickets.md"
        #expect(try sandbox.read(path, in: dir).contains("owner: carol\nstatus: proposed\nkpi:\nhorizon:\n"))
        #expect(try sandbox.board("objective", "set", id, "kpi.name=Tickets a week", "kpi.baseline=200", "kpi.target=50", in: dir).status == 0)
        #expect(try sandbox.read(path, in: dir).contains("kpi:\n  name: Tickets a week\n  baseline: 200\n  target: 50\nhorizon:\n"))
        #expect(try sandbox.board("objective", "set", id, "kpi.baseline=", in: dir).status == 0)
        #expect(try sandbox.read(path, in: dir).contains("kpi:\n  name: Tickets a week\n  target: 50\nhorizon:\n"))
        let bad = try sandbox.board("objective", "set", id, "owner.name=x", in: dir)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("owner.name: owner is not a mapping"))
    }

    @Test func checkReportsBadObjectiveFiles() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        // Lines: 1 ---, 2 id, 3 title, 4 status, 5 horizon, 6 kpi ...
        try sandbox.writeRecord("objectives", "O-bad01", ["title: Bad", "status: paused", "horizon: soon",
                                                         "kpi:", "  baseline: low", "  target: 10"], in: dir)
        try sandbox.writeRecord("objectives", "O-bad02", ["status: active"], in: dir)
        let result = try sandbox.board("check", in: dir)
        #expect(result.status == 1)
        #expect(result.stdout.split(separator: "\n").map(String.init) == [
            "objectives/O-bad01-o-bad01.md:4: error: unknown objective status paused (use proposed, active, on-hold, halted, achieved)",
            "objectives/O-bad01-o-bad01.md:5: error: horizon must be a date YYYY-MM-DD, not \"soon\"",
            "objectives/O-bad01-o-bad01.md:6: error: kpi.baseline must be a number, not \"low\"",
            "objectives/O-bad02-o-bad02.md:2: error: missing required key title",
        ])
    }

    @Test(arguments: [
        // (baseline, target, value, percent): (value - baseline) / (target - baseline) × 100
        (20.0, 60.0, 35.0, 37.5),      // 15 / 40
        (100.0, 50.0, 75.0, 50.0),     // lower is better: -25 / -50
        (10.0, 20.0, 5.0, -50.0),      // worse than the baseline: -5 / 10
        (10.0, 20.0, 26.0, 160.0),     // past the target: 16 / 10
    ])
    func kpiPercentOfTheWay(baseline: Double, target: Double, value: Double, percent: Double) {
        #expect(KPI(baseline: baseline, target: target, current: value).percent == percent)
    }

    @Test func kpiPercentNeedsBaselineTargetAndAValue() {
        #expect(KPI(baseline: 10, target: 10, current: 10).percent == nil)
        #expect(KPI(baseline: 10, target: 20).percent == nil)
        var measured = KPI(baseline: 10, target: 20)
        measured.measurements = [("2026-03-01", 12), ("2026-03-08", 15)]
        #expect(measured.percent == 50)  // latest measurement 15: 5 / 10
    }
}
