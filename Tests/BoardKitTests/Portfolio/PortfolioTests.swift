import Foundation
import Testing

@testable import BoardKit

/// A portfolio of three members, worked out by hand with today = Wed 2026-03-04:
///
/// - alpha, reached by a `file://` URL of a bare clone. Closed S0 and S1 completed 6 points each;
///   S2 (Mon 03-02 .. Fri 03-13, 10 working days) is active with a commitment of 8 (A1 5 done, A2 3 open).
///   O-a1 (parent P-grow): A1 5 done, A2 3 and A3 2 open. O-a2 (parent P-stop, halted): A4 8 open.
///   O-a3 (no parent): A5 1 open. One sign-off change task not done.
/// - beta, a local path read at its HEAD commit. Closed S1, S2, S3 completed 2, 2, 4 points.
///   O-b1 (parent P-grow): B1 8 done, B2 2 open; B3 open with no objective.
/// - gamma, a URL that does not exist.
@Suite struct PortfolioTests {
    func iteration(_ id: String, _ start: String, _ end: String, _ state: String, committed: Double, completed: Double? = nil,
                   items: String = "[]") -> String {
        var text = "---\nid: \(id)\nstart: \(start)\nend: \(end)\nstate: \(state)\n"
        text += "commitment:\n  date: \(start)\n  points: \(committed.compact)\n  items: \(items)\n"
        if let completed { text += "outcome:\n  date: \(end)\n  completed_points: \(completed.compact)\n" }
        return text + "---\n"
    }

    func fixture(_ sandbox: Sandbox) throws -> (portfolio: String, alpha: String, beta: String) {
        sandbox.today = "2026-03-04"
        let portfolio = try sandbox.makeRepo("portfolio")
        #expect(try sandbox.board("portfolio", "init", portfolio, "--name", "ACME").status == 0)
        try sandbox.writeRecord("objectives", "P-grow", ["title: Grow online sales", "status: active",
                                                         "kpi:", "  baseline: 20", "  target: 60", "  current: 30"], in: portfolio)
        try sandbox.writeRecord("objectives", "P-stop", ["title: Legacy rewrite", "status: halted"], in: portfolio)
        try sandbox.commitAll(portfolio)

        let alpha = try sandbox.makeBoard("alpha")
        try sandbox.write(try sandbox.read("board.yml", in: alpha) + "portfolio: ../portfolio\n", to: "board.yml", in: alpha)
        try sandbox.writeRecord("objectives", "O-a1", ["title: Checkout", "status: active", "parent: P-grow"], in: alpha)
        try sandbox.writeRecord("objectives", "O-a2", ["title: Rewrite", "status: active", "parent: P-stop"], in: alpha)
        try sandbox.writeRecord("objectives", "O-a3", ["title: Team only", "status: active"], in: alpha)
        try sandbox.writeItem("A1", ["status: done", "objective: O-a1", "points: 5", "iteration: S2", "rank: 1"], in: alpha)
        try sandbox.writeItem("A2", ["status: in-progress", "objective: O-a1", "points: 3", "iteration: S2", "rank: 2"], in: alpha)
        try sandbox.writeItem("A3", ["status: backlog", "objective: O-a1", "points: 2", "rank: 3"], in: alpha)
        try sandbox.writeItem("A4", ["status: ready", "objective: O-a2", "points: 8", "rank: 4"], in: alpha)
        try sandbox.writeItem("A5", ["status: backlog", "objective: O-a3", "points: 1", "rank: 5"], in: alpha)
        try sandbox.writeRecord("changes", "C-1", ["title: Legal sign-off", "kind: sign-off", "status: backlog", "related: [A1]"], in: alpha)
        try sandbox.write(iteration("S0", "2026-01-19", "2026-02-01", "closed", committed: 6, completed: 6), to: "iterations/S0.md", in: alpha)
        try sandbox.write(iteration("S1", "2026-02-02", "2026-02-15", "closed", committed: 6, completed: 6), to: "iterations/S1.md", in: alpha)
        try sandbox.write(iteration("S2", "2026-03-02", "2026-03-13", "active", committed: 8,
                                    items: "[{id: A1, points: 5}, {id: A2, points: 3}]"), to: "iterations/S2.md", in: alpha)
        try sandbox.write("---\nid: S3\nstart: 2026-03-16\nend: 2026-03-29\nstate: planned\n---\n", to: "iterations/S3.md", in: alpha)
        try sandbox.commitAll(alpha)
        try sandbox.git("clone", "-q", "--bare", alpha, sandbox.path("alpha.git"))

        let beta = try sandbox.makeBoard("beta")
        try sandbox.writeRecord("objectives", "O-b1", ["title: Mobile", "status: active", "parent: P-grow"], in: beta)
        try sandbox.writeItem("B1", ["status: done", "objective: O-b1", "points: 8"], in: beta)
        try sandbox.writeItem("B2", ["status: backlog", "objective: O-b1", "points: 2"], in: beta)
        try sandbox.writeItem("B3", ["status: backlog", "points: 1"], in: beta)
        for (n, (start, end, done)) in [("2026-01-05", "2026-01-18", 2.0), ("2026-01-19", "2026-02-01", 2), ("2026-02-02", "2026-02-15", 4)].enumerated() {
            try sandbox.write(iteration("S\(n + 1)", start, end, "closed", committed: done, completed: done), to: "iterations/S\(n + 1).md", in: beta)
        }
        try sandbox.commitAll(beta)
        // Not committed: the portfolio reads the committed tree, so this 13 is never seen.
        try sandbox.writeItem("B2", ["status: backlog", "objective: O-b1", "points: 13"], in: beta)

        for args in [["alpha", "file://" + sandbox.path("alpha.git"), "--owner", "carol"], ["beta", "../beta"],
                     ["gamma", "file://" + sandbox.path("missing.git")]] {
            let added = try sandbox.board(["portfolio", "add"] + args, in: portfolio)
            #expect(added.status == 0, "\(added.stderr)")
        }
        return (portfolio, alpha, beta)
    }

    @Test func fetchStatusAndObjectives() throws {
        let sandbox = try Sandbox()
        let (portfolio, _, _) = try fixture(sandbox)
        #expect(try sandbox.read("portfolio.yml", in: portfolio).contains("  - name: alpha\n    url: file://"))

        // Before any fetch, alpha has no data.
        let early = try sandbox.json(try sandbox.board("portfolio", "status", "--format", "json", in: portfolio)) as! [String: Any]
        let earlyRows = early["members"] as! [[String: Any]]
        #expect((earlyRows[0]["error"] as? String)?.contains("not fetched yet") == true)

        let fetch = try sandbox.board("portfolio", "fetch", in: portfolio)
        #expect(fetch.status == 1)  // gamma failed; alpha still fetched
        #expect(fetch.stdout.hasPrefix("alpha: main at "))
        #expect(fetch.stderr.contains("gamma: error: cannot fetch main from file://"))
        #expect(FileManager.default.fileExists(atPath: portfolio + "/.git/board-portfolio/alpha.git/board-fetch.json"))

        let result = try sandbox.board("portfolio", "status", "--format", "json", in: portfolio)
        #expect(result.status == 1)  // gamma is a problem
        let rows = ((try sandbox.json(result) as! [String: Any])["members"] as! [[String: Any]])
        #expect(rows.map { $0["name"] as? String } == ["alpha", "beta", "gamma"])
        let (a, b, g) = (rows[0], rows[1], rows[2])
        #expect(a["iteration"] as? String == "S2")
        #expect(a["committed"] as? Int == 8)
        #expect(a["completed"] as? Int == 5)  // A1
        // As `board report` judges it on Wed 03-04, 8 of 10 working days left: the ideal is 8 × 8 / 10 = 6.4
        // and 3 points are left (not behind); at 5 points in 2 days = 2.5 a day, 20 more by the end (not short).
        #expect(a["health"] as? String == "on track")
        #expect(a["velocity"] as? Int == 6)  // (6 + 6) / 2
        #expect(a["trend"] as? String == "flat")  // 6 against 6
        // Open objectives O-a1 (3 + 2) and O-a3 (1) = 6 points; every iteration completes 6, so 1
        // iteration: the first open one, S2, ending 03-13. O-a2 is halted through P-stop.
        #expect(a["forecast"] as? [String: String] == ["p50": "2026-03-13", "p85": "2026-03-13"])
        #expect(a["unaligned"] as? Int == 1)  // A4: its objective is halted
        #expect(a["halted"] as? Int == 1)  // A4
        #expect(a["pending_sign_offs"] as? Int == 1)
        #expect(a["fetched"] is String && a["age"] as? String != "local")
        #expect(a["error"] is NSNull)

        #expect(b["iteration"] is NSNull && b["health"] is NSNull)  // every iteration closed
        #expect((b["velocity"] as? Double).map { abs($0 - 8.0 / 3) < 0.001 } == true)  // (2 + 2 + 4) / 3
        #expect(b["trend"] as? String == "up")  // 4 against (2 + 2) / 2 = 2
        // O-b1 has 2 points open (the committed 2, not the work tree's 13): one iteration of at
        // least 2 points, projected 14 days after yesterday (03-03, later than S3's end) = 03-17.
        #expect(b["forecast"] as? [String: String] == ["p50": "2026-03-17", "p85": "2026-03-17"])
        #expect(b["unaligned"] as? Int == 1)  // B3
        #expect(b["age"] as? String == "local")

        #expect((g["error"] as? String)?.hasPrefix("fetch failed: cannot fetch main") == true)

        let text = try sandbox.board("portfolio", "status", in: portfolio)
        #expect(text.stdout.contains("on track") && text.stdout.contains("5/8"))
        let csv = try sandbox.board("portfolio", "status", "--format", "csv", in: portfolio)
        #expect(csv.stdout.split(separator: "\n")[0].hasPrefix("name,owner,iteration,committed,completed,health"))
        #expect(csv.stdout.split(separator: "\n")[1].hasPrefix("alpha,carol,S2,8,5,on track,6,flat,2026-03-13,2026-03-13,1,1,1,"))

        let objectives = try sandbox.board("portfolio", "objectives", "--format", "json", in: portfolio)
        #expect(objectives.status == 1)  // gamma cannot be read
        let report = try sandbox.json(objectives) as! [String: Any]
        let rollups = report["objectives"] as! [[String: Any]]
        #expect(rollups.map { $0["id"] as? String } == ["P-grow", "P-stop"])
        let grow = rollups[0], stop = rollups[1]
        #expect(grow["boards"] as? [String] == ["alpha", "beta"])
        #expect(grow["points_done"] as? Int == 13)  // A1 5 + B1 8
        #expect(grow["points_total"] as? Int == 20)  // (5 + 3 + 2) + (8 + 2)
        #expect(grow["kpi"] as? Int == 25)  // (30 − 20) / (60 − 20)
        // 7 points left; each simulated iteration adds alpha's 6 and beta's 2 or 4 (≥ 8): one
        // iteration of 14 days from 03-04.
        #expect(grow["forecast"] as? [String: String] == ["p50": "2026-03-18", "p85": "2026-03-18"])
        #expect(grow["halted"] as? Bool == false)
        #expect(stop["boards"] as? [String] == ["alpha"])
        #expect(stop["points_total"] as? Int == 8 && stop["points_done"] as? Int == 0)
        #expect(stop["halted"] as? Bool == true && stop["open_items"] as? Int == 1)
        // 8 points at 6 a iteration: 2 iterations, 28 days from 03-04.
        #expect(stop["forecast"] as? [String: String] == ["p50": "2026-04-01", "p85": "2026-04-01"])
        let unaligned = report["unaligned"] as! [[String: String]]
        #expect(unaligned.map { "\($0["board"]!) \($0["id"]!)" } == ["alpha O-a3"])

        // Rows are cached by commit, day and the portfolio objectives' statuses: re-activating
        // P-stop shows at once (A4 is then neither halted nor unaligned).
        #expect(FileManager.default.fileExists(atPath: portfolio + "/.git/board-portfolio/alpha.status.json"))
        let stopFile = "objectives/P-stop-p-stop.md"
        try sandbox.write(try sandbox.read(stopFile, in: portfolio).replacingOccurrences(of: "status: halted", with: "status: active"),
                          to: stopFile, in: portfolio)
        let after = (try sandbox.json(try sandbox.board("portfolio", "status", "--format", "json", in: portfolio)) as! [String: Any])["members"] as! [[String: Any]]
        #expect(after[0]["halted"] as? Int == 0 && after[0]["unaligned"] as? Int == 0)
    }

    @Test func reportAcrossBoards() throws {
        let sandbox = try Sandbox()
        let (portfolio, _, _) = try fixture(sandbox)
        _ = try sandbox.board("portfolio", "fetch", in: portfolio)
        // A title with Markdown and HTML in it is escaped.
        try sandbox.writeRecord("objectives", "P-new", ["title: \"New <b>markets</b> | *soon*\"", "status: proposed"], in: portfolio)
        let md = try sandbox.board("portfolio", "report", in: portfolio)
        #expect(md.status == 1)  // gamma cannot be read: shown with its problem
        #expect(md.stderr == "gamma: error: not fetched yet (run `board portfolio fetch`)\n")
        let lines = md.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "# ACME: portfolio report of 2026-03-04")
        #expect(lines.contains { $0.hasPrefix("| alpha | carol | S2 | 5 of 8 | on track | 6 (flat) | 2026-03-13 | 1 | 1 | 1 | ") })
        #expect(lines.contains("| beta | – | – | – | – | 2.7 (up) | 2026-03-17 | 1 | 0 | 0 | local |  |"))
        #expect(lines.contains("## P-grow Grow online sales"))
        #expect(lines.contains("| **Points done** | 13 of 20 |"))
        #expect(lines.contains("| **Status** | halted: 1 open items halted in the teams |"))
        #expect(lines.contains("| alpha | O-a1 | Checkout | active | 5 of 10 |"))
        #expect(lines.contains("## P-new New &lt;b&gt;markets&lt;/b&gt; \\| \\*soon\\*"))
        #expect(lines.contains("## Unaligned team objectives"))
        let html = try sandbox.board("portfolio", "report", "--format", "html", "-o", "out.html", in: portfolio)
        #expect(html.status == 1)
        let page = try sandbox.read("out.html", in: portfolio)
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("<section id=\"objective-P-grow\">"))
        #expect(page.contains("New &lt;b&gt;markets&lt;/b&gt;") && !page.contains("<b>markets</b>"))
    }

    @Test func lastGoodFetchIsKeptWhenTheRemoteBreaks() throws {
        let sandbox = try Sandbox()
        let (portfolio, _, _) = try fixture(sandbox)
        _ = try sandbox.board("portfolio", "fetch", in: portfolio)
        try FileManager.default.removeItem(atPath: sandbox.path("alpha.git"))
        let again = try sandbox.board("portfolio", "fetch", in: portfolio)
        #expect(again.stderr.contains("alpha: error: cannot fetch main") && again.stderr.contains("using the fetch of"))
        let rows = (try sandbox.json(try sandbox.board("portfolio", "status", "--format", "json", in: portfolio)) as! [String: Any])["members"] as! [[String: Any]]
        #expect(rows[0]["committed"] as? Int == 8)  // the last good data
        #expect((rows[0]["error"] as? String)?.hasPrefix("fetch failed:") == true)
    }

    @Test func notABoardIsReportedAndNotRecorded() throws {
        let sandbox = try Sandbox()
        let plain = try sandbox.makeRepo("plain")
        try sandbox.write("hello\n", to: "README", in: plain)
        try sandbox.commitAll(plain)
        try sandbox.git("clone", "-q", "--bare", plain, sandbox.path("plain.git"))
        let portfolio = try sandbox.makeRepo("portfolio")
        _ = try sandbox.board("portfolio", "init", portfolio)
        _ = try sandbox.board("portfolio", "add", "plain", "file://" + sandbox.path("plain.git"), in: portfolio)
        let fetch = try sandbox.board("portfolio", "fetch", in: portfolio)
        #expect(fetch.status == 1)
        #expect(fetch.stderr.contains("plain: error: not a board (no board.yml on main at "))
        #expect(!FileManager.default.fileExists(atPath: portfolio + "/.git/board-portfolio/plain.git/board-fetch.json"))
        // Adding the same name twice is a usage error.
        #expect(try sandbox.board("portfolio", "add", "plain", "../x", in: portfolio).status == 2)
    }

    @Test func haltedPortfolioObjectiveHaltsLinkedWorkInCheckAndPlan() throws {
        let sandbox = try Sandbox()
        let (_, alpha, _) = try fixture(sandbox)
        let check = try sandbox.board("check", in: alpha)
        // A4's file: 1 ---, 2 id, 3 title, 4 type, 5 status, 6 objective.
        #expect(check.stdout.contains("backlog/A4-a4.md:6: warning: objective O-a2 is halted by portfolio objective P-stop; re-link or drop the item"))
        #expect(!check.stdout.contains("A3-a3.md"))
        // A parent the portfolio does not have is reported. O-a1's file: 1 ---, 2 id, 3 title, 4 status, 5 parent.
        try sandbox.writeRecord("objectives", "O-a1", ["title: Checkout", "status: active", "parent: P-nope"], in: alpha)
        #expect(try sandbox.board("check", in: alpha).stdout.contains("objectives/O-a1-o-a1.md:5: warning: parent P-nope is not an objective of the portfolio"))
        let plan = try sandbox.board("plan", "S3", "--dry-run", "--velocity", "40", "--format", "json", in: alpha)
        let skipped = (try sandbox.json(plan) as! [String: Any])["skipped"] as! [[String: String]]
        #expect(skipped.contains(["id": "A4", "reason": "objective halted"]))

        // Without `portfolio:` in board.yml the member does not know: A4 is not halted.
        let config = try sandbox.read("board.yml", in: alpha).replacingOccurrences(of: "portfolio: ../portfolio\n", with: "")
        try sandbox.write(config, to: "board.yml", in: alpha)
        let free = try sandbox.board("plan", "S3", "--dry-run", "--velocity", "40", "--format", "json", in: alpha)
        let skippedNow = (try sandbox.json(free) as! [String: Any])["skipped"] as! [[String: String]]
        #expect(!skippedNow.contains { $0["id"] == "A4" && $0["reason"] == "objective halted" })
    }
}
