import Foundation
import Testing

@testable import BoardKit

/// Items of a board as JSON objects keyed by `imported_from`.
private func itemsByOrigin(_ sandbox: Sandbox, _ dir: String) throws -> [String: [String: Any]] {
    let list = try sandbox.board("list", "--format", "json", in: dir)
    let items = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as! [[String: Any]]
    var byOrigin: [String: [String: Any]] = [:]
    for item in items {
        if let from = item["imported_from"] as? String { byOrigin[from] = item }
    }
    return byOrigin
}

private func body(_ sandbox: Sandbox, _ dir: String, _ id: String) throws -> String {
    let show = try sandbox.board("show", id, "--format", "json", in: dir)
    let object = try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as! [String: Any]
    return object["body"] as? String ?? ""
}

/// A board file's front matter as plain values.
private func frontMatter(_ sandbox: Sandbox, _ dir: String, _ path: String) throws -> [String: Any] {
    try Record(path: path, data: Data(sandbox.read(path, in: dir).utf8)).jsonObject
}

private func commitCount(_ sandbox: Sandbox, _ dir: String) throws -> Int {
    Int(try sandbox.git("-C", dir, "rev-list", "--count", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
}

private let fixtures = Sandbox.packageRoot + "/Tests/BoardKitTests/Fixtures"

@Suite struct ImportTests {
    @Test func backlogMDImportsFieldByFieldInOneCommit() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let run = try sandbox.board("import", "backlog-md", fixtures + "/backlog-md", "--format", "json", in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        // tasks/ 3 + completed/ 1 + drafts/ 1 = 5 imported; archive/tasks/ 1 skipped.
        #expect((summary["imported"] as! [[String: Any]]).count == 5)
        let skipped = summary["skipped"] as! [[String: Any]]
        #expect(skipped.map { $0["source"] as? String } == ["TASK-4"])
        #expect(skipped.first?["detail"] as? String == "archived")
        // "To Do" is config.yml's first status (todo) and "Done" its last (done): neither is reported.
        let unmapped = (summary["unmapped"] as! [[String: Any]]).map { "\($0["field"]!)|\($0["value"]!)|\($0["mapped_to"]!)" }
        #expect(unmapped == ["status|In Review|backlog", "depends_on|TASK-2.1 → TASK-9|(dropped: not imported)"])

        // init + import = 2 commits; the import commit holds exactly the 5 item files.
        #expect(try commitCount(sandbox, dir) == 2)
        #expect(try sandbox.git("-C", dir, "log", "-1", "--format=%s") == "board: import 5 items from backlog-md\n")
        #expect(try sandbox.git("-C", dir, "show", "--name-only", "--format=", "HEAD").split(separator: "\n").count == 5)
        #expect(try sandbox.git("-C", dir, "status", "--porcelain") == "")
        #expect(try sandbox.board("check", in: dir).status == 0)

        let items = try itemsByOrigin(sandbox, dir)
        #expect(items.count == 5)
        let t1 = try #require(items["TASK-1"]), t2 = try #require(items["TASK-2"])
        let t21 = try #require(items["TASK-2.1"]), t3 = try #require(items["TASK-3"]), d1 = try #require(items["DRAFT-1"])
        let id2 = try #require(t2["id"] as? String)

        #expect(t1["title"] as? String == "Export invoices as PDF")
        #expect(t1["type"] as? String == "task")
        #expect(t1["status"] as? String == "in-progress")
        #expect(t1["rank"] as? Int == 2000)
        #expect(t1["assignee"] as? String == "alice")
        #expect(t1["assignees"] as? [String] == ["alice", "bob"])
        #expect(t1["tags"] as? [String] == ["billing", "api", "release-1-0"])
        #expect(t1["depends_on"] as? [String] == [id2])
        #expect(t1["created"] as? String == "2026-01-05")
        #expect(t1["updated"] as? String == "2026-01-08")
        #expect(t1["priority"] as? String == "high")
        #expect(t1["references"] as? [String] == ["docs/invoices.md"])
        let body1 = try body(sandbox, dir, t1["id"] as! String)
        #expect(body1.contains("- [ ] #1 The PDF matches the invoice on screen\n- [x] #2 Totals include VAT\n"))
        #expect(body1.contains("Customers download invoices as PDF."))

        #expect(t2["title"] as? String == "Fix VAT rounding: half-up")
        #expect(t2["type"] as? String == "bug")
        #expect(t2["status"] as? String == "backlog")
        #expect(t2["rank"] as? Int == 1000)
        #expect(t2["priority"] as? String == "medium")
        #expect(t2["created"] as? String == "2026-01-03")

        #expect(t21["parent"] as? String == id2)
        #expect(t21["depends_on"] as? [String] == [])
        #expect(t21["rank"] == nil)
        #expect(t21["status"] as? String == "backlog")

        #expect(t3["status"] as? String == "done")
        #expect(t3["assignee"] as? String == "bob")
        #expect(t3["tags"] as? [String] == ["infra", "release-1-0"])
        #expect(t3["rank"] as? Int == 500)

        #expect(d1["status"] as? String == "backlog")
        #expect(d1["tags"] as? [String] == ["ui", "draft"])

        // Running it again adds nothing: all 5 are matched by imported_from.
        let again = try sandbox.board("import", "backlog-md", fixtures + "/backlog-md", "--format", "json", in: dir)
        #expect(again.status == 0, "\(again.stderr)")
        let second = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as! [String: Any]
        #expect((second["imported"] as! [Any]).isEmpty)
        #expect((second["skipped"] as! [Any]).count == 6)
        #expect(try commitCount(sandbox, dir) == 2)
    }

    @Test func backlogMDDryRunMapAndMilestonesAsIterations() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let own = addedID(try sandbox.board("add", "Our own item", in: dir))  // rank 1000
        let args = ["import", "backlog-md", fixtures + "/backlog-md/backlog", "--map", "In Review=review", "--milestones-as", "iterations"]
        let dry = try sandbox.board(args + ["--dry-run"], in: dir)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("==> iterations/m-1.md <=="))
        #expect(dry.stdout.contains("imported_from: TASK-1\n"))
        #expect(dry.stdout.contains("Would import 5 items and 1 iterations; skipped 1."))
        #expect(try commitCount(sandbox, dir) == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/backlog").filter { $0.hasSuffix(".md") }.count == 1)

        let run = try sandbox.board(args, in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.contains("In Review"))  // mapped by --map
        #expect(run.stdout.contains("depends_on  TASK-2.1 → TASK-9  (dropped: not imported)"))
        let items = try itemsByOrigin(sandbox, dir)
        #expect(items["TASK-2"]?["status"] as? String == "review")
        // Ordinals go below the board's own item (rank 1000): 1000 + 500, 1000 + 1000, 1000 + 2000.
        #expect(items["TASK-3"]?["rank"] as? Int == 1500)
        #expect(items["TASK-2"]?["rank"] as? Int == 2000)
        #expect(items["TASK-1"]?["rank"] as? Int == 3000)
        #expect(try sandbox.board("list", "-q", in: dir).stdout.hasPrefix(own + "\n"))
        #expect(items["TASK-1"]?["iteration"] as? String == "m-1")
        #expect(items["TASK-3"]?["iteration"] as? String == "m-1")
        #expect(items["TASK-1"]?["tags"] as? [String] == ["billing", "api"])
        let iteration = try frontMatter(sandbox, dir, "iterations/m-1.md")
        #expect(iteration["name"] as? String == "Release 1.0")
        // TASK-1 is in progress, so the milestone is open: the first open one is active. It starts
        // at its first item's creation (TASK-3, 2026-01-02) and lasts iteration_length 14 days: 2 + 13 = 15.
        #expect(iteration["state"] as? String == "active")
        #expect(iteration["start"] as? String == "2026-01-02")
        #expect(iteration["end"] as? String == "2026-01-15")
        #expect(iteration["commitment"] == nil)
        #expect(try sandbox.board("check", in: dir).status == 0)
    }

    @Test func jiraCSVImportsItemsAndSprintsFieldByField() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let run = try sandbox.board("import", "jira-csv", fixtures + "/jira.csv", "--map", "Awaiting QA=review",
                                    "--format", "json", in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        #expect((summary["imported"] as! [Any]).count == 6)
        #expect((summary["iterations"] as! [[String: Any]]).map { $0["id"] as? String } == ["pay-sprint-1", "pay-sprint-2"])
        // 4 points is not on the scale 0,1,2,3,5,8,...: it goes up to 5, reported.
        let unmapped = (summary["unmapped"] as! [[String: Any]]).map { "\($0["field"]!)|\($0["value"]!)|\($0["mapped_to"]!)" }
        #expect(unmapped == ["points|PAY-5: 4|5"])
        #expect(try commitCount(sandbox, dir) == 2)
        #expect(try sandbox.git("-C", dir, "log", "-1", "--format=%s") == "board: import 6 items, 2 iterations from jira-csv jira.csv\n")
        #expect(try sandbox.git("-C", dir, "status", "--porcelain") == "")
        #expect(try sandbox.board("check", in: dir).status == 0)

        let items = try itemsByOrigin(sandbox, dir)
        let epic = try #require(items["PAY-1"]), card = try #require(items["PAY-2"]), refund = try #require(items["PAY-3"])
        let flicker = try #require(items["PAY-4"]), receipts = try #require(items["PAY-5"]), giftCard = try #require(items["PAY-6"])
        let epicID = try #require(epic["id"] as? String), cardID = try #require(card["id"] as? String)

        #expect(epic["type"] as? String == "story")
        #expect(epic["status"] as? String == "backlog")
        #expect(epic["points"] is NSNull)
        #expect(epic["rank"] as? Int == 1000)
        #expect(epic["created"] as? String == "2026-02-01")
        #expect(try body(sandbox, dir, epicID).contains("The checkout epic."))

        #expect(card["title"] as? String == "Pay by card, with 3-D Secure")
        #expect(card["type"] as? String == "story")
        #expect(card["status"] as? String == "done")
        #expect(card["points"] as? Int == 5)
        #expect(card["rank"] as? Int == 2000)
        #expect(card["assignee"] as? String == "alice")
        #expect(card["priority"] as? String == "high")
        #expect(card["tags"] as? [String] == ["payments", "frontend"])
        #expect(card["iteration"] as? String == "pay-sprint-1")
        #expect(card["epic"] as? String == epicID)
        #expect(card["created"] as? String == "2026-02-02")
        #expect(card["resolved"] as? String == "2026-02-13")
        #expect(try body(sandbox, dir, cardID).contains(
            "Customers pay by card.\nThey see \"Paid\" at once.\n\n- [ ] 3-D Secure challenge works\n"))

        #expect(refund["status"] as? String == "in-progress")
        #expect(refund["points"] as? Int == 3)
        #expect(refund["iteration"] as? String == "pay-sprint-2")  // the last of its two Sprint columns
        #expect(refund["depends_on"] as? [String] == [cardID])  // PAY-2 blocks PAY-3
        #expect(refund["related"] as? [String] == [cardID])
        #expect(refund["tags"] as? [String] == ["payments"])

        #expect(flicker["type"] as? String == "bug")
        #expect(flicker["status"] as? String == "done")  // "Closed", Status Category Done
        #expect(flicker["priority"] as? String == "low")

        #expect(receipts["type"] as? String == "task")
        #expect(receipts["status"] as? String == "review")
        #expect(receipts["points"] as? Int == 5)
        #expect(receipts["assignee"] is NSNull)

        #expect(giftCard["type"] as? String == "task")  // Sub-task
        #expect(giftCard["parent"] as? String == refund["id"] as? String)  // Parent id 10003 is PAY-3
        #expect(giftCard["rank"] as? Int == 6000)  // sixth row: 6 × 1000
        #expect(giftCard["created"] as? String == "2026-02-21")
        #expect(giftCard["iteration"] is NSNull)

        func front(_ path: String) throws -> [String: Any] { try frontMatter(sandbox, dir, path) }
        // Sprint 1: PAY-2 (5, done), PAY-3 (3, carried over to sprint 2), PAY-4 (2, done): closed.
        // It ends on its last resolution, 2026-02-13, and starts 14 days earlier: 13 - 13 = 2026-01-31.
        let s1 = try front("iterations/pay-sprint-1.md")
        #expect(s1["name"] as? String == "PAY Sprint 1")
        #expect(s1["state"] as? String == "closed")
        #expect(s1["start"] as? String == "2026-01-31")
        #expect(s1["end"] as? String == "2026-02-13")
        let commitment = try #require(s1["commitment"] as? [String: Any])
        #expect(commitment["points"] as? Int == 10)  // 5 + 3 + 2
        #expect((commitment["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [cardID, refund["id"] as? String, flicker["id"] as? String])
        let outcome = try #require(s1["outcome"] as? [String: Any])
        #expect(outcome["completed_points"] as? Int == 7)  // 5 + 2
        #expect(outcome["date"] as? String == "2026-02-13")
        #expect((outcome["completed"] as? [[String: Any]])?.map { $0["id"] as? String } == [cardID, flicker["id"] as? String])
        #expect((outcome["not_completed"] as? [[String: Any]])?.map { $0["points"] as? Int } == [3])
        // Sprint 2: PAY-3 and PAY-5 are open: active, from the day after sprint 1 for 14 days: 14 + 13 = 27.
        let s2 = try front("iterations/pay-sprint-2.md")
        #expect(s2["state"] as? String == "active")
        #expect(s2["start"] as? String == "2026-02-14")
        #expect(s2["end"] as? String == "2026-02-27")
        #expect(s2["commitment"] == nil)

        // Again: nothing imported, the sprints are kept, no new commit.
        let again = try sandbox.board("import", "jira-csv", fixtures + "/jira.csv", "--format", "json", in: dir)
        let second = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as! [String: Any]
        #expect((second["imported"] as! [Any]).isEmpty)
        #expect((second["skipped"] as! [Any]).count == 6)  // the 6 items; no item is new, so no sprint is looked at
        #expect((second["iterations"] as! [Any]).isEmpty)
        #expect(try commitCount(sandbox, dir) == 2)
    }

    @Test func jiraServerSprintCellsGiveStateDatesAndGoal() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let s7 = "com.atlassian.greenhopper.service.sprint.Sprint@1a2b[id=7,rapidViewId=2,state=CLOSED,name=Team A, Sprint 7,"
            + "goal=Ship it,startDate=2026-01-05T09:00:00.000Z,endDate=2026-01-16T17:00:00.000Z,completeDate=2026-01-16T16:30:00.000Z,sequence=7]"
        let s8 = "com.atlassian.greenhopper.service.sprint.Sprint@9f[id=8,rapidViewId=2,state=ACTIVE,name=Team A, Sprint 8,"
            + "goal=<null>,startDate=2026-01-19T09:00:00.000Z,endDate=2026-01-30T17:00:00.000Z,completeDate=<null>,sequence=8]"
        let csv = "Issue key,Summary,Status,Resolved,Story Points,Sprint,Sprint\r\n"
            + "S-1,Alpha,Done,2026-01-09 12:00,3,\"\(s7)\",\r\n"
            + "S-2,Beta,In Progress,,2,\"\(s7)\",\"\(s8)\"\r\n"
        try sandbox.write(csv, to: "server.csv", in: sandbox.root.path)
        let run = try sandbox.board("import", "jira-csv", sandbox.path("server.csv"), in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let items = try itemsByOrigin(sandbox, dir)
        #expect(items["S-1"]?["iteration"] as? String == "team-a-sprint-7")
        #expect(items["S-2"]?["iteration"] as? String == "team-a-sprint-8")
        #expect(items["S-1"]?["resolved"] as? String == "2026-01-09")
        let s7File = try frontMatter(sandbox, dir, "iterations/team-a-sprint-7.md")
        #expect(s7File["name"] as? String == "Team A, Sprint 7")
        #expect(s7File["state"] as? String == "closed")
        #expect(s7File["goal"] as? String == "Ship it")
        #expect(s7File["start"] as? String == "2026-01-05")
        #expect(s7File["end"] as? String == "2026-01-16")  // completeDate
        #expect((s7File["commitment"] as? [String: Any])?["points"] as? Int == 5)  // 3 + 2
        #expect((s7File["outcome"] as? [String: Any])?["completed_points"] as? Int == 3)  // S-1 only
        let s8File = try frontMatter(sandbox, dir, "iterations/team-a-sprint-8.md")
        #expect(s8File["state"] as? String == "active")
        #expect(s8File["start"] as? String == "2026-01-19")
        #expect(s8File["end"] as? String == "2026-01-30")
        #expect(s8File["goal"] == nil)
        #expect(try sandbox.board("check", in: dir).status == 0)
    }

    @Test func jiraCSVErrorsAndQuiet() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let wrongField = try sandbox.board("import", "jira-csv", fixtures + "/jira.csv", "--points-field", "Effort", in: dir)
        #expect(wrongField.status == 2)
        #expect(wrongField.stderr.contains("--points-field Effort"))
        try sandbox.write("Name,Value\na,b\n", to: "other.csv", in: sandbox.root.path)
        let notJira = try sandbox.board("import", "jira-csv", sandbox.path("other.csv"), in: dir)
        #expect(notJira.status == 2)
        #expect(notJira.stderr.contains("other.csv:1: error: no Issue key column"))
        #expect(try sandbox.board("import", "jira-csv", fixtures + "/jira.csv", "--map", "QA", in: dir).status == 2)
        #expect(try sandbox.board("import", "jira-csv", fixtures + "/jira.csv", "--map", "QA=nope", in: dir).status == 2)
        #expect(try sandbox.board("import", "backlog-md", sandbox.root.path, in: dir).status == 2)
        // A key twice in one file: imported once, the second skipped.
        try sandbox.write("Issue key,Summary,Status\nX-1,First,To Do\nX-1,Again,To Do\n", to: "twice.csv", in: sandbox.root.path)
        let twice = try sandbox.board("import", "jira-csv", sandbox.path("twice.csv"), in: dir)
        #expect(twice.status == 0, "\(twice.stderr)")
        #expect(twice.stdout.split(separator: "\n").contains { $0.hasPrefix("X-1") && $0.contains(" skipped ") && $0.hasSuffix("duplicate key in the source") })
        #expect(twice.stdout.contains("Imported 1 items and 0 iterations; skipped 1."))
        // --quiet prints the new ids only, one per line.
        let quiet = try sandbox.board("import", "jira-csv", fixtures + "/jira.csv", "-q", in: dir)
        let ids = quiet.stdout.split(separator: "\n")
        #expect(ids.count == 6)
        #expect(ids.allSatisfy { $0.hasPrefix("B-") && $0.count == 7 })
    }
}
