import Foundation
import Testing

@testable import BoardKit

@Suite struct ChangeTests {
    @Test func addListShowMoveSetCommitEachChange() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        try sandbox.writeRecord("objectives", "O-pay01", ["title: Online payments", "status: active"], in: dir)
        try sandbox.writeItem("B-it001", ["status: ready", "objective: O-pay01"], in: dir)
        try sandbox.commitAll(dir)
        let add = try sandbox.board("change", "add", "Train support on refunds", "--kind", "training", "--audience", "support,sales",
                                    "--owner", "erin", "--due", "2026-03-20", "--objective", "O-pay01", "--related", "B-it001",
                                    "--iteration", "2026-S05", in: dir)
        #expect(add.status == 0, "\(add.stderr)")
        let id = addedID(add)
        #expect(id.hasPrefix("C-") && id.count == 7)
        let path = "changes/\(id)-train-support-on-refunds.md"
        #expect(try sandbox.read(path, in: dir) == """
            ---
            id: \(id)
            title: Train support on refunds
            kind: training
            audience: [support, sales]
            owner: erin
            status: backlog
            due: 2026-03-20
            objective: O-pay01
            related: [B-it001]
            iteration: 2026-S05
            created: 2026-03-02
            updated: 2026-03-02
            ---

            ## Plan

            ## Notes


            """)
        let memo = addedID(try sandbox.board("change", "add", "Announce new refund flow", "--kind", "communication", in: dir))

        // Due-date order, undated last; filters like items'.
        let list = try sandbox.json(try sandbox.board("change", "list", "--format", "json", in: dir)) as! [[String: Any]]
        #expect(list.map { $0["id"] as? String } == [id, memo])
        #expect(list[0]["audience"] as? [String] == ["support", "sales"])
        #expect(try sandbox.board("change", "list", "--iteration", "2026-S05", "-q", in: dir).stdout == id + "\n")
        #expect(try sandbox.board("change", "list", "--kind", "communication", "-q", in: dir).stdout == memo + "\n")
        #expect(try sandbox.board("change", "list", "--related", "B-it001", "-q", in: dir).stdout == id + "\n")

        #expect(try sandbox.board("change", "move", id, "in-progress", in: dir).stdout == "\(id): backlog → in-progress\n")
        #expect(try sandbox.board("change", "set", id, "audience=support", "points=2", in: dir).status == 0)
        let show = try sandbox.board("change", "show", id, in: dir)
        #expect(show.stdout.contains("Related items:") && show.stdout.contains("B-it001  ready"))
        let object = try sandbox.json(try sandbox.board("change", "show", id, "--format", "json", in: dir)) as! [String: Any]
        #expect(object["status"] as? String == "in-progress")
        #expect(object["audience"] as? [String] == ["support"])
        #expect((object["body"] as? String)?.contains("## Plan") == true)

        // The item shows the change tasks that accompany it.
        let item = try sandbox.json(try sandbox.board("show", "B-it001", "--format", "json", in: dir)) as! [String: Any]
        #expect(item["changes"] as? [String] == [id])
        #expect(try sandbox.board("show", "B-it001", in: dir).stdout.contains("Change tasks:\nID"))

        let log = try sandbox.git("-C", dir, "log", "--format=%s").split(separator: "\n").prefix(4)
        #expect(Array(log) == [
            "board: set \(id) audience=support points=2", "board: move \(id) backlog → in-progress",
            "board: add \(memo) \"Announce new refund flow\"", "board: add \(id) \"Train support on refunds\"",
        ])
        #expect(try sandbox.git("-C", dir, "status", "--porcelain") == "")
        // Only change files were committed by the change commands.
        #expect(try sandbox.git("-C", dir, "diff", "--name-only", "HEAD~4", "HEAD").split(separator: "\n").allSatisfy { $0.hasPrefix("changes/") })
        #expect(try sandbox.board("check", in: dir).stdout == "")
    }

    @Test func changeTasksIgnoreItemWIPLimits() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        // review has a WIP limit of 2, filled by items.
        try sandbox.writeItem("B-r1", ["status: review"], in: dir)
        try sandbox.writeItem("B-r2", ["status: review"], in: dir)
        try sandbox.commitAll(dir)
        let id = addedID(try sandbox.board("change", "add", "Sign-off", "--kind", "sign-off", in: dir))
        #expect(try sandbox.board("change", "move", id, "review", in: dir).status == 0)
    }

    @Test(arguments: [
        (["change", "add", "X", "--kind", "party"], "unknown change kind party"),
        (["change", "add", "X", "--status", "nowhere"], "unknown status nowhere"),
        (["change", "add", "X", "--due", "friday"], "--due friday: expected a date"),
        (["change", "add", "X", "--related", "B-none"], "--related B-none: no item with that id"),
        (["change", "add", "X", "--objective", "O-none"], "--objective O-none: no objective with that id"),
        (["change", "add", ""], "the title is empty"),
        (["change", "show", "C-none"], "no change with id C-none"),
        (["change", "move", "C-none", "done"], "no change with id C-none"),
        (["change", "set", "C-none", "owner=x"], "no change with id C-none"),
    ])
    func refusals(arguments: [String], message: String) throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let head = try sandbox.git("-C", dir, "rev-parse", "HEAD")
        let result = try sandbox.board(arguments, in: dir)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
        #expect(try sandbox.git("-C", dir, "rev-parse", "HEAD") == head)
        #expect(try sandbox.git("-C", dir, "status", "--porcelain") == "")
    }

    @Test(arguments: [
        ("kind=party", "unknown change kind party"),
        ("status=nowhere", "unknown status nowhere"),
        ("due=soon", "due=soon: expected a date"),
        ("id=C-other", "the id cannot be changed"),
    ])
    func setAndMoveRefuseBadValues(assignment: String, message: String) throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let id = addedID(try sandbox.board("change", "add", "Memo", in: dir))
        let result = try sandbox.board("change", "set", id, assignment, in: dir)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
        let move = try sandbox.board("change", "move", id, "nowhere", in: dir)
        #expect(move.status == 2 && move.stderr.contains("unknown status nowhere"))
    }

    @Test func checkWarnsAboutMissingChangeTasksAndLateSignOffs() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let config = try sandbox.read("board.yml", in: dir).replacingOccurrences(of: "  tags: []\n", with: "  tags: [org-change]\n")
        try sandbox.write(config, to: "board.yml", in: dir)
        // Item lines: 1 ---, 2 id, 3 title, 4 type, 5 status, 6 ...
        try sandbox.writeItem("B-need1", ["status: ready", "needs_change: true"], in: dir)           // no task: warning
        try sandbox.writeItem("B-need2", ["status: ready", "tags: [org-change]"], in: dir)           // tag, no task: warning
        try sandbox.writeItem("B-need3", ["status: ready", "needs_change: true"], in: dir)           // has a task
        try sandbox.writeItem("B-need4", ["status: ready", "needs_change: false"], in: dir)          // does not need one
        try sandbox.writeItem("B-done1", ["status: done"], in: dir)
        try sandbox.writeItem("B-done2", ["status: done"], in: dir)
        try sandbox.writeItem("B-open1", ["status: ready"], in: dir)
        // Change lines: 1 ---, 2 id, 3 title, 4 kind, 5 status, 6 related
        try sandbox.writeRecord("changes", "C-task1", ["title: Train", "kind: training", "status: backlog", "related: [B-need3]"], in: dir)
        try sandbox.writeRecord("changes", "C-sign1", ["title: Finance sign-off", "kind: sign-off", "status: review",
                                                      "related: [B-done1, B-done2]"], in: dir)   // all done, not signed: warning
        try sandbox.writeRecord("changes", "C-sign2", ["title: Legal sign-off", "kind: sign-off", "status: review",
                                                      "related: [B-done1, B-open1]"], in: dir)   // one still open
        try sandbox.writeRecord("changes", "C-sign3", ["title: HR sign-off", "kind: sign-off", "status: done",
                                                      "related: [B-done1]"], in: dir)            // signed off
        try sandbox.writeRecord("changes", "C-sign4", ["title: No items", "kind: sign-off", "status: backlog"], in: dir)
        try sandbox.writeRecord("changes", "C-bad01", ["title: Broken", "kind: party", "status: nowhere", "related: [B-gone]",
                                                      "objective: O-gone", "due: friday"], in: dir)
        let result = try sandbox.board("check", in: dir)
        #expect(result.status == 1)
        #expect(result.stdout.split(separator: "\n").map(String.init) == [
            "backlog/B-need1-b-need1.md:6: warning: needs a change task but none is related to B-need1 (board change add ... --related B-need1)",
            "backlog/B-need2-b-need2.md:6: warning: needs a change task but none is related to B-need2 (board change add ... --related B-need2)",
            "changes/C-bad01-c-bad01.md:4: error: unknown change kind party (use communication, training, process, sign-off, other)",
            "changes/C-bad01-c-bad01.md:5: error: unknown status nowhere (the workflow is backlog, ready, in-progress, review, done)",
            "changes/C-bad01-c-bad01.md:6: error: related names B-gone, which does not exist",
            "changes/C-bad01-c-bad01.md:7: error: objective O-gone does not exist",
            "changes/C-bad01-c-bad01.md:8: error: due must be a date YYYY-MM-DD, not \"friday\"",
            "changes/C-sign1-c-sign1.md:5: warning: sign-off is not done (status review) but all its related items are done (B-done1, B-done2)",
        ])
    }

    @Test func changeTasksCarryNoPointsAndStayOutOfVelocityUnlessConfigured() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let id = addedID(try sandbox.board("change", "add", "Memo", in: dir))
        #expect(!(try sandbox.read("changes/\(id)-memo.md", in: dir).contains("points")))
        #expect(try Workspace.open(directory: dir).config.changesCountInVelocity == false)
        let config = try sandbox.read("board.yml", in: dir)
            .replacingOccurrences(of: "count_in_velocity: false", with: "count_in_velocity: true")
        try sandbox.write(config, to: "board.yml", in: dir)
        #expect(try Workspace.open(directory: dir).config.changesCountInVelocity == true)
    }
}
