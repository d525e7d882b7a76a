import Foundation
import Testing

@testable import BoardKit

@Suite struct CalendarTests {
    @Test func datesAndWorkingDays() {
        #expect(WorkCalendar.dayNumber("1970-01-01") == 0)
        #expect(WorkCalendar.dayNumber("1970-02-01") == 31)
        #expect(WorkCalendar.dayNumber("2026-02-30") == nil)
        #expect(WorkCalendar.adding(1, to: "2028-02-28") == "2028-02-29")      // leap year
        #expect(WorkCalendar.adding(1, to: "2026-02-28") == "2026-03-01")
        #expect(WorkCalendar.adding(13, to: "2026-12-25") == "2027-01-07")
        #expect(!WorkCalendar.isWeekend("2026-03-02") && WorkCalendar.isWeekend("2026-03-07") && WorkCalendar.isWeekend("2026-03-08"))
        // Mon 03-02 .. Fri 03-13 is 10 weekdays; minus a holiday on Mon 03-09 and a "day off" on Sat 03-07 = 9.
        #expect(WorkCalendar.workingDays(from: "2026-03-02", to: "2026-03-13", excluding: ["2026-03-09", "2026-03-07"]).count == 9)
        #expect(WorkCalendar.workingDays(from: "2026-03-13", to: "2026-03-02").isEmpty)
    }

    @Test(arguments: [(50, 50), (70, 70), (85, 85), (95, 95), (15, 15), (5, 5)])
    func nearestRankPercentile(percent: Int, expected: Int) {
        // Of 1...100, the p-th percentile (nearest rank: the ceil(p% × 100)-th value) is p itself.
        #expect(MonteCarlo.percentile(Array(1...100), percent) == expected)
    }

    @Test func splitMixIsRepeatableAndConstantHistoryIsExact() {
        var a = SplitMix64(seed: 7), b = SplitMix64(seed: 7), c = SplitMix64(seed: 8)
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        #expect(first != (0..<5).map { _ in c.next() })
        // Every iteration completes 4 points: 10 points take ceil(10 / 4) = 3 iterations in every trial.
        #expect(Set(MonteCarlo.iterationsToFinish(10, samples: [4], trials: 100, seed: 1)) == [3])
        // 3 iterations of 4 points and 1 item: always 12 points and 3 items.
        #expect(MonteCarlo.amounts(in: 3, samples: [[4, 1]], trials: 50, seed: 1).map(Set.init) == [[12], [3]])
    }
}

/// Two closed iterations written by hand: S1 completed 5 points in 1 item, S2 10 points in 2 items.
/// Sampling with replacement, each draw is S1 or S2 with probability 1/2.
@Suite struct ForecastTests {
    func board() throws -> (Sandbox, String) {
        let sandbox = try Sandbox()
        // Today is the day after S2 ends, so projected iterations follow S2 directly
        // (they never start before today).
        sandbox.today = "2026-02-02"
        let dir = try sandbox.makeBoard()
        let s1 = """
            ---
            id: S1
            start: 2026-01-05
            end: 2026-01-18
            state: closed
            outcome:
              completed_points: 5
              completed: [{id: B-1, points: 5}]
            ---

            """
        let s2 = """
            ---
            id: S2
            start: 2026-01-19
            end: 2026-02-01
            state: closed
            outcome:
              completed_points: 10
              completed:
                - {id: B-2, points: 5}
                - {id: B-3, points: 5}
            ---

            """
        try sandbox.write(s1, to: "iterations/S1.md", in: dir)
        try sandbox.write(s2, to: "iterations/S2.md", in: dir)
        try sandbox.write("---\nid: O-pay\ntitle: Pay online\nstatus: active\n---\n", to: "objectives/O-pay.md", in: dir)
        for (id, points, status) in [("B-4", 5, "backlog"), ("B-5", 10, "ready"), ("B-6", 8, "done")] {
            try sandbox.write("---\nid: \(id)\ntitle: T\ntype: story\nstatus: \(status)\npoints: \(points)\nobjective: O-pay\n---\n",
                              to: "backlog/\(id)-t.md", in: dir)
        }
        try sandbox.git("-C", dir, "add", "-A")
        try sandbox.git("-C", dir, "commit", "-qm", "history")
        return (sandbox, dir)
    }

    func percentiles(_ sandbox: Sandbox, _ dir: String, _ arguments: String...) throws -> [[String: Any]] {
        let result = try sandbox.board(["forecast", "--format", "json"] + arguments, in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        return object["percentiles"] as? [[String: Any]] ?? []
    }

    @Test func whenIsAScopeDone() throws {
        let (sandbox, dir) = try board()
        // 15 points: two draws reach 15 unless both are S1 (5 + 5), so P(2 iterations) = 3/4; three draws
        // always do (5 + 5 + 5). The 50 % and 70 % answers are 2 (0.75 ≥ 0.70), 85 % and 95 % are 3.
        // With 10,000 trials the share of "2" is 0.75 ± 0.004, far from both 0.70 and 0.85.
        // No open iterations: the next ones are projected, 14 days each after S2 ends on 2026-02-01:
        // +2 ends 2026-02-01 + 28 days = 2026-03-01, +3 ends 2026-03-15.
        let points = try percentiles(sandbox, dir, "--points", "15")
        #expect(points.map { $0["probability"] as? Int } == [50, 70, 85, 95])
        #expect(points.map { $0["iterations"] as? Int } == [2, 2, 3, 3])
        #expect(points.map { $0["iteration"] as? String } == ["+2", "+2", "+3", "+3"])
        #expect(points.map { $0["end"] as? String } == ["2026-03-01", "2026-03-01", "2026-03-15", "2026-03-15"])
        // 3 items: S1 gives 1 item, S2 2 items; two draws give 3 or more unless both are S1: the same 2, 2, 3, 3.
        #expect(try percentiles(sandbox, dir, "--items", "3").map { $0["iterations"] as? Int } == [2, 2, 3, 3])
        // Objective O-pay: open items 5 + 10 = 15 points (B-6 is done): the same as --points 15.
        #expect(try percentiles(sandbox, dir, "--objective", "O-pay").map { $0["iterations"] as? Int } == [2, 2, 3, 3])
        // Repeatable: the default seed gives the same output every time.
        let once = try sandbox.board("forecast", "--points", "40", in: dir).stdout
        #expect(once == (try sandbox.board("forecast", "--points", "40", in: dir).stdout) && !once.isEmpty)
        // The seed is written as a number, 0 and 1 too (an NSNumber of either reads as a Bool).
        for seed in ["0", "1", "7"] {
            let json = try sandbox.board("forecast", "--points", "40", "--seed", seed, "--format", "json", in: dir).stdout
            #expect(json.contains("\"seed\" : \(seed),"), "\(json)")
        }
        #expect(try sandbox.board("forecast", "--points", "5", "--items", "2", in: dir).status == 2)
        // An open iteration is the first future one: 5 points always take 1 iteration (every sample is ≥ 5),
        // which is S3, ending 2026-02-15.
        try sandbox.write("---\nid: S3\nstart: 2026-02-02\nend: 2026-02-15\nstate: planned\n---\n", to: "iterations/S3.md", in: dir)
        let next = try percentiles(sandbox, dir, "--points", "5")
        #expect(next.map { $0["iteration"] as? String } == ["S3", "S3", "S3", "S3"])
        #expect(next.first?["end"] as? String == "2026-02-15")
    }

    @Test func howMuchByADate() throws {
        let (sandbox, dir) = try board()
        // By 2026-03-01 two projected iterations end (02-15, 03-01). Two draws total 10 points (both S1,
        // p = 1/4), 15 (p = 1/2) or 20 (p = 1/4). The amount reached with probability p is the (100 − p)th
        // percentile: 50 % → 50th percentile = 15 (P(≤ 10) = 0.25 < 0.5 ≤ 0.75); 70 % → 30th = 15;
        // 85 % → 15th = 10; 95 % → 5th = 10. Items: 2, 3 or 4 with the same odds → 3, 3, 2, 2.
        let result = try sandbox.board("forecast", "--until", "2026-03-01", "--format", "json", in: dir)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(object["iterations"] as? Int == 2)
        let rows = object["percentiles"] as? [[String: Any]] ?? []
        #expect(rows.map { $0["points"] as? Int } == [15, 15, 10, 10])
        #expect(rows.map { $0["items"] as? Int } == [3, 3, 2, 2])
        // With today a month later, projected iterations start from today instead: by 2026-03-01 none
        // ends yet (the first ends 2026-03-01 + 14 days), so nothing is reached.
        sandbox.today = "2026-03-01"
        #expect(try percentiles(sandbox, dir, "--until", "2026-03-01").allSatisfy { $0["points"] as? Int == 0 })
        sandbox.today = "2026-02-02"
        // A day earlier only one iteration ends: 5 or 10 points → 50 % reaches 5 (50th percentile of
        // an even split is the lower value), 95 % reaches 5.
        let before = try percentiles(sandbox, dir, "--until", "2026-02-28")
        #expect(before.last?["points"] as? Int == 5)
    }
}
