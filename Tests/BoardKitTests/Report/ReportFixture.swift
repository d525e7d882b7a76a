import Foundation
import Testing

@testable import BoardKit

/// A board with two closed iterations and an active one, built with `board` commands on fixed
/// days (BOARD_TODAY and the git dates move together), reported on 2026-03-09 (a Monday).
///
/// S1 2026-02-02..02-15: commits s1a 5 + s1b 3 = 8, both done        → committed 8, completed 8
/// S2 2026-02-16..03-01: commits s2a 8 + s2b 5 = 13, s2a done          → committed 13, completed 8
///                       s2b (in progress) is carried over to S3
/// S3 2026-03-02..03-15 (active), started 03-02, committing
///    s2b 5 + pdf 3 + vat 2 + xss 1 + mail 3 + csv 2 + drop 1 = 17 points; then
///    03-03 vat done; 03-04 drop leaves S3 (−1), pdf in progress; 03-05 late (2) is added (+2);
///    03-06 mail re-estimated 3 → 5 (+2), xss done; 03-09 s2b, pdf, csv to review (3 > WIP 2).
struct ReportFixture {
    static let reportDay = "2026-03-09"
    let sandbox: Sandbox
    let dir: String

    init() throws {
        sandbox = try Sandbox()
        sandbox.today = "2026-01-30"
        sandbox.gitDate = "2026-01-30T09:00:00+00:00"
        dir = try sandbox.makeBoard()
        try edit("board.yml", "name: My board", "name: Payments team")
        // id, title, points, status, objective, rank, assignee, extra front matter
        let items: [(String, String, Int, String, String?, Int, String?, String)] = [
            ("B-s1a", "Invoice list", 5, "ready", nil, 100, nil, ""),
            ("B-s1b", "Invoice search", 3, "ready", nil, 200, nil, ""),
            ("B-s2a", "Payment page", 8, "ready", nil, 300, nil, ""),
            ("B-s2b", "Card payments", 5, "ready", nil, 400, "bob", ""),
            ("B-pdf", "Export invoices as PDF", 3, "ready", "O-pay", 500, "alice", ""),
            ("B-vat", "Fix VAT rounding", 2, "ready", "O-pay", 600, "bob", "type: bug\n"),
            ("B-xss", "\"<script>alert(1)</script>\"", 1, "ready", "O-pay", 700, nil, ""),
            ("B-mail", "Email invoices", 3, "backlog", "O-pay", 800, nil, "depends_on: [B-pdf]\n"),
            ("B-csv", "Legacy CSV export", 2, "ready", "O-old", 900, nil, ""),
            ("B-drop", "Dark mode", 1, "backlog", "O-pay", 1000, nil, ""),
        ]
        let iterations = ["B-s1a": "S1", "B-s1b": "S1", "B-s2a": "S2", "B-s2b": "S2"]
        for (id, title, points, status, objective, rank, assignee, extra) in items {
            var text = "---\nid: \(id)\ntitle: \(title)\n"
            text += extra.contains("type:") ? "" : "type: story\n"
            text += "status: \(status)\npoints: \(points)\nrank: \(rank)\n"
            text += "assignee: \(assignee ?? "")\niteration: \(iterations[id] ?? "S3")\nobjective: \(objective ?? "")\n" + extra
            text += "---\n\n## Acceptance criteria\n- [ ] works\n"
            try sandbox.write(text, to: "backlog/\(id)-item.md", in: dir)
        }
        try sandbox.write("""
            ---
            id: O-pay
            title: Grow online payments
            owner: carol
            status: active
            kpi:
              name: Online share
              unit: "%"
              baseline: 20
              target: 60
              current: 35
            horizon: 2026-12-31
            ---
            More customers pay **online**: [the plan](https://example.com/plan), <b>raw</b> HTML stays text.

            """, to: "objectives/O-pay.md", in: dir)
        try sandbox.write("---\nid: O-old\ntitle: Legacy exports\nstatus: on-hold\n---\n", to: "objectives/O-old.md", in: dir)
        let changes = [
            ("C-train", "Train support on refunds", "training", "in-progress", "erin", "2026-03-06"),
            ("C-sign", "Finance sign-off for PDF invoices", "sign-off", "ready", "carol", "2026-03-13"),
            ("C-mail", "Announce PDF invoices", "communication", "done", "dave", "2026-03-04"),
        ]
        for (id, title, kind, status, owner, due) in changes {
            try sandbox.write("---\nid: \(id)\ntitle: \(title)\nkind: \(kind)\nstatus: \(status)\nowner: \(owner)\ndue: \(due)\nobjective: O-pay\n---\n",
                              to: "changes/\(id)-task.md", in: dir)
        }
        try sandbox.git("-C", dir, "add", "-A")
        try sandbox.git("-C", dir, "commit", "-qm", "fixture items")
        #expect(try board("2026-01-30", "iteration", "new", "--start", "2026-02-02", "--goal", "Customers find invoices").stdout == "S1\n")
        #expect(try board("2026-01-30", "iteration", "new", "--goal", "Customers pay by card").stdout == "S2\n")
        #expect(try board("2026-01-30", "iteration", "new", "--goal", "Invoices get paid").stdout == "S3\n")
        // Markdown and an ampersand in the goal (quoted: a plain ` &` or ` *` would read as YAML anchor or alias).
        try edit("iterations/S3.md", "goal: Invoices get paid", "goal: \"Invoices *leave* the building & get paid\"")
        try sandbox.git("-C", dir, "commit", "-qam", "S3 goal")

        try ok("2026-02-02", "iteration", "start", "S1")
        try ok("2026-02-05", "move", "B-s1a", "done")
        try ok("2026-02-10", "move", "B-s1b", "done")
        try ok("2026-02-13", "iteration", "close", "S1")
        try ok("2026-02-16", "iteration", "start", "S2")
        try ok("2026-02-18", "move", "B-s2b", "in-progress")
        try ok("2026-02-20", "move", "B-s2a", "done")
        try ok("2026-02-27", "iteration", "close", "S2")          // s2b moves to S3
        try ok("2026-03-02", "iteration", "start", "S3")
        try ok("2026-03-03", "move", "B-vat", "done")
        try ok("2026-03-04", "set", "B-drop", "iteration=")
        try ok("2026-03-04", "move", "B-pdf", "in-progress")
        step("2026-03-05")
        try sandbox.write("""
            ---
            id: B-late
            title: Refund button
            type: story
            status: ready
            points: 2
            rank: 1100
            iteration: S3
            objective: O-pay
            blocked: Waiting for the bank's refund API
            ---

            """, to: "backlog/B-late-refund-button.md", in: dir)
        try sandbox.git("-C", dir, "add", "-A")
        try sandbox.git("-C", dir, "commit", "-qm", "Add the refund button")
        try ok("2026-03-06", "set", "B-mail", "points=5")
        try ok("2026-03-06", "move", "B-xss", "done")
        try ok("2026-03-09", "move", "B-s2b", "review")
        try ok("2026-03-09", "move", "B-pdf", "review")
        try ok("2026-03-09", "move", "B-csv", "review", "--force")
    }

    /// Sets "today" and the git dates to a day, at 10:00 UTC.
    func step(_ day: String) {
        sandbox.today = day
        sandbox.gitDate = "\(day)T10:00:00+00:00"
    }

    @discardableResult
    func board(_ today: String, _ arguments: String...) throws -> RunResult {
        step(today)
        return try sandbox.board(arguments, in: dir)
    }

    func ok(_ today: String, _ arguments: String...) throws {
        step(today)
        let result = try sandbox.board(arguments, in: dir)
        #expect(result.status == 0, "board \(arguments.joined(separator: " ")): \(result.stderr)")
    }

    func edit(_ path: String, _ old: String, _ new: String) throws {
        let text = try sandbox.read(path, in: dir)
        #expect(text.contains(old))
        try sandbox.write(text.replacingOccurrences(of: old, with: new), to: path, in: dir)
    }

    /// `board report` on the report day.
    func report(_ arguments: String...) throws -> RunResult {
        step(Self.reportDay)
        return try sandbox.board(["report"] + arguments, in: dir)
    }
}
