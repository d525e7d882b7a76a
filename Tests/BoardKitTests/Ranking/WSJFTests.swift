import Foundation
import Testing

@testable import BoardKit

@Suite struct WSJFTests {
    /// Current order by rank: D, G (done), C, F, A, B, H, E.
    func fixtureBoard(_ sandbox: Sandbox) throws -> String {
        let dir = try sandbox.makeBoard()
        func item(_ id: String, rank: Int, _ inputs: [String], status: String = "backlog") throws {
            try sandbox.writeItem(id, ["status: \(status)", "rank: \(rank)"] + inputs, in: dir)
        }
        let wsjf = { (v: Int, t: Int, r: Int, p: Int) in ["value: \(v)", "time_criticality: \(t)", "risk_reduction: \(r)", "points: \(p)"] }
        try item("B-d", rank: 1000, ["points: 5"])                                  // no inputs: unscored
        try item("B-g", rank: 1500, wsjf(21, 21, 21, 1), status: "done")            // (21+21+21)/1 = 63, but done
        try item("B-c", rank: 2000, wsjf(13, 8, 5, 13))                             // 26/13 = 2
        try item("B-f", rank: 3000, wsjf(21, 21, 21, 21))                           // 63/21 = 3
        try item("B-a", rank: 4000, wsjf(8, 5, 3, 8))                               // 16/8 = 2
        try item("B-b", rank: 5000, wsjf(5, 3, 1, 3))                               // 9/3 = 3
        try item("B-h", rank: 5500, wsjf(5, 3, 2, 3))                               // 10/3 = 3.33
        try item("B-e", rank: 7000, wsjf(1, 1, 1, 0))                               // job size 0: unscored
        try sandbox.commitAll(dir)
        return dir
    }

    @Test func rankByWSJFHighestFirstTiesKeepOrderUnscoredAndDoneLast() throws {
        let sandbox = try Sandbox()
        let dir = try fixtureBoard(sandbox)
        let head = try sandbox.git("-C", dir, "rev-parse", "HEAD")

        // Dry run: H 3.33; F and B tie at 3 (F was above B); C and A tie at 2 (C was above A); then D, E unscored.
        let dry = try sandbox.board("rank", "--by", "wsjf", "--dry-run", in: dir)
        #expect(dry.status == 0, "\(dry.stderr)")
        let lines = dry.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(lines.dropFirst().dropLast().map { [$0[0], $0[1], $0[2]] } == [
            ["1", "B-h", "3.33"], ["2", "B-f", "3"], ["3", "B-b", "3"], ["4", "B-c", "2"], ["5", "B-a", "2"],
        ])
        #expect(dry.stdout.hasSuffix("unscored (2, order kept): B-d B-e\n"))
        #expect(try sandbox.git("-C", dir, "rev-parse", "HEAD") == head)
        #expect(try sandbox.git("-C", dir, "status", "--porcelain") == "")

        let json = try sandbox.json(try sandbox.board("rank", "--by", "wsjf", "--dry-run", "--format", "json", in: dir)) as! [[String: Any]]
        #expect(json.map { $0["id"] as? String } == ["B-h", "B-f", "B-b", "B-c", "B-a", "B-d", "B-e"])
        #expect(json[0]["wsjf"] as? Double == 10.0 / 3.0)
        #expect(json[5]["wsjf"] is NSNull)

        let run = try sandbox.board("rank", "--by", "wsjf", in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        // New ranks 1000, 2000, ... in the order H F B C A D E, then the done item G.
        let list = try sandbox.json(try sandbox.board("list", "--format", "json", in: dir)) as! [[String: Any]]
        #expect(list.map { $0["id"] as? String } == ["B-h", "B-f", "B-b", "B-c", "B-a", "B-d", "B-e", "B-g"])
        #expect(list.map { $0["rank"] as? Int } == [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000])
        // One commit; E already had rank 7000, so 7 of the 8 files changed.
        #expect(try sandbox.git("-C", dir, "rev-parse", "HEAD~1") == head)
        #expect(try sandbox.git("-C", dir, "log", "-1", "--format=%s") == "board: rank by WSJF (5 scored, 2 unscored, 7 changed)\n")
        let changed = try sandbox.git("-C", dir, "diff", "--name-only", "HEAD~1", "HEAD").split(separator: "\n").map(String.init)
        #expect(changed.count == 7 && !changed.contains { $0.hasPrefix("backlog/B-e-") })
        #expect(try sandbox.git("-C", dir, "status", "--porcelain") == "")

        // Ranking again changes nothing and makes no commit.
        let again = try sandbox.git("-C", dir, "rev-parse", "HEAD")
        #expect(try sandbox.board("rank", "--by", "wsjf", in: dir).status == 0)
        #expect(try sandbox.git("-C", dir, "rev-parse", "HEAD") == again)
    }

    @Test func listSortedByWSJFShowsTheScoreColumn() throws {
        let sandbox = try Sandbox()
        let dir = try fixtureBoard(sandbox)
        // The list sorts every listed item, done ones after the open ones: G (done) scores 63 but comes last.
        let table = try sandbox.board("list", "--sort", "wsjf", in: dir).stdout.split(separator: "\n").map(String.init)
        #expect(table[0].contains("WSJF"))
        let cells = table.dropFirst().map { $0.split(separator: " ").map(String.init) }
        #expect(cells.map { $0[0] } == ["B-h", "B-f", "B-b", "B-c", "B-a", "B-d", "B-e", "B-g"])
        #expect(cells.map { $0[4] } == ["3.33", "3", "3", "2", "2", "unscored", "unscored", "63"])
        let json = try sandbox.json(try sandbox.board("list", "--sort", "wsjf", "--status", "backlog", "--format", "json", in: dir)) as! [[String: Any]]
        #expect(json.map { $0["id"] as? String } == ["B-h", "B-f", "B-b", "B-c", "B-a", "B-d", "B-e"])
        #expect(json[1]["wsjf"] as? Double == 3)
        #expect(json[6]["wsjf"] is NSNull)
        let show = try sandbox.json(try sandbox.board("show", "B-h", "--format", "json", in: dir)) as! [String: Any]
        #expect(show["wsjf"] as? Double == 10.0 / 3.0)
        #expect(try sandbox.board("show", "B-h", in: dir).stdout.contains("WSJF: 3.33"))
        // Without --sort the list has no score column.
        #expect(!(try sandbox.board("list", in: dir).stdout.contains("WSJF")))
    }

    @Test(arguments: [
        (["rank", "--by", "value"], "--by value: the one choice is wsjf"),
        (["rank", "B-a", "--by", "wsjf"], "give no id"),
        (["rank", "B-a", "--top", "--dry-run"], "--dry-run goes with --by wsjf"),
        (["rank", "--by", "wsjf", "--top"], "give exactly one of"),
        (["rank", "--top"], "give the id"),
        (["list", "--sort", "size"], "--sort size: use rank or wsjf"),
        (["set", "B-a", "value=4"], "value 4 is not on the board's scale"),
        (["set", "B-a", "risk_reduction=much"], "risk_reduction=much: expected a number"),
    ])
    func refusals(arguments: [String], message: String) throws {
        let sandbox = try Sandbox()
        let dir = try fixtureBoard(sandbox)
        let head = try sandbox.git("-C", dir, "rev-parse", "HEAD")
        let result = try sandbox.board(arguments, in: dir)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
        #expect(try sandbox.git("-C", dir, "rev-parse", "HEAD") == head)
    }

    @Test func checkReportsInputsOffTheScale() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        // Lines: 1 ---, 2 id, 3 title, 4 type, 5 status, 6 value, 7 time_criticality
        try sandbox.writeItem("B-x", ["status: backlog", "value: 4", "time_criticality: 5"], in: dir)
        let result = try sandbox.board("check", in: dir)
        #expect(result.status == 1)
        #expect(result.stdout == "backlog/B-x-b-x.md:6: error: value 4 is not on the board's scale 0, 1, 2, 3, 5, 8, 13, 21\n")
    }

    @Test(arguments: [
        // (value, time_criticality, risk_reduction, points, score)
        ("value: 8\ntime_criticality: 5\nrisk_reduction: 3\npoints: 8\n", 2.0 as Double?),   // 16 / 8
        ("value: 1\ntime_criticality: 2\nrisk_reduction: 3\npoints: 5\n", 1.2),              // 6 / 5
        ("value: 1\ntime_criticality: 2\npoints: 5\n", nil),                                   // an input missing
        ("value: 1\ntime_criticality: 2\nrisk_reduction: 3\n", nil),                           // no job size
        ("value: 1\ntime_criticality: 2\nrisk_reduction: 3\npoints: 0\n", nil),                // job size 0
    ])
    func score(frontMatter: String, expected: Double?) throws {
        let record = try Record(path: "backlog/B-x.md", data: Data("---\nid: B-x\n\(frontMatter)---\n".utf8))
        #expect(record.wsjf == expected)
    }
}
