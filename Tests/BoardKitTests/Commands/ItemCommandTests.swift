import Foundation
import Testing

@testable import BoardKit

@Suite struct ItemCommandTests {
    @Test func initCreatesRepoTemplateAndOneCommit() throws {
        let sandbox = try Sandbox()
        let dir = sandbox.path("fresh")
        // No repository yet: board init creates it through libgit2. The identity comes from the environment.
        let result = try sandbox.board("init", dir, "--name", "Payments team",
                                       environment: ["GIT_AUTHOR_NAME": "Ann", "GIT_AUTHOR_EMAIL": "ann@example.com"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try sandbox.read("board.yml", in: dir).contains("name: Payments team"))
        for folder in ["backlog", "iterations", "objectives", "changes"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/" + folder))
        }
        #expect(try sandbox.git("-C", dir, "rev-parse", "--abbrev-ref", "HEAD") == "main\n")
        #expect(try sandbox.git("-C", dir, "log", "--format=%an <%ae>|%s") == "Ann <ann@example.com>|board: init \"Payments team\"\n")
        #expect(try sandbox.git("-C", dir, "status", "--porcelain") == "")
        #expect(try sandbox.board("init", dir).status == 2)
    }

    @Test func addListShowMoveSetRankCommitEachChange() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let a = addedID(try sandbox.board("add", "Export invoices", "--points", "3", "--tag", "billing,api", in: dir))
        let b = addedID(try sandbox.board("add", "Fix VAT rounding", "--type", "bug", "--points", "5", in: dir))
        let c = addedID(try sandbox.board("add", "Spike: PDF libs", "--type", "spike", "--rank", "top", "--depends-on", a, in: dir))
        #expect(a.hasPrefix("B-") && a.count == 7)
        #expect(Set([a, b, c]).count == 3)

        // JSON list in rank order: c (top), a, b.
        let list = try sandbox.board("list", "--format", "json", in: dir)
        let items = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as! [[String: Any]]
        #expect(items.map { $0["id"] as? String } == [c, a, b])
        #expect(items[1]["tags"] as? [String] == ["billing", "api"])
        #expect(items[0]["depends_on"] as? [String] == [a])
        #expect((items[1]["path"] as? String)?.hasPrefix("backlog/\(a)-export-invoices") == true)

        #expect(try sandbox.board("move", a, "in-progress", in: dir).status == 0)
        #expect(try sandbox.board("set", b, "assignee=bob", "points=8", in: dir).status == 0)
        #expect(try sandbox.board("rank", b, "--before", c, in: dir).status == 0)

        let table = try sandbox.board("list", in: dir).stdout.split(separator: "\n").map(String.init)
        #expect(table[0].hasPrefix("ID"))
        #expect(table.dropFirst().map { String($0.prefix(7)) } == [b, c, a])
        #expect(table[1].contains("bob") && table[1].contains(" 8 "))
        #expect(try sandbox.board("list", "--status", "in-progress", "-q", in: dir).stdout == a + "\n")

        let show = try sandbox.board("show", a, "--format", "json", in: dir)
        let object = try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as! [String: Any]
        #expect(object["status"] as? String == "in-progress")
        #expect((object["body"] as? String)?.contains("Acceptance criteria") == true)

        let log = try sandbox.git("-C", dir, "log", "--format=%s")
        #expect(log.components(separatedBy: "\n").prefix(6) == [
            "board: rank \(b) before \(c)", "board: set \(b) assignee=bob points=8",
            "board: move \(a) backlog → in-progress", "board: add \(c) \"Spike: PDF libs\"",
            "board: add \(b) \"Fix VAT rounding\"", "board: add \(a) \"Export invoices\"",
        ])
        #expect(try sandbox.git("-C", dir, "status", "--porcelain") == "")
        let fsck = try sandbox.run("/usr/bin/git", ["-C", dir, "fsck", "--strict"])
        #expect(fsck.status == 0, "\(fsck.stderr)")
        #expect(try sandbox.git("-C", dir, "log", "-1", "--format=%an <%ae> %cn") == "Test Author <author@example.com> Test Author\n")
    }

    @Test func commitsLeaveTheUsersOtherChangesAlone() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let id = addedID(try sandbox.board("add", "First", in: dir))
        try sandbox.write("notes\n", to: "notes.txt", in: dir)
        try sandbox.git("-C", dir, "add", "notes.txt")
        try sandbox.write("staged change\n", to: "notes.txt", in: dir)  // staged + unstaged versions differ
        try sandbox.write("scratch\n", to: "untracked.txt", in: dir)
        let boardFile = try sandbox.read("board.yml", in: dir)
        try sandbox.write(boardFile + "# local tweak\n", to: "board.yml", in: dir)  // unstaged edit of a tracked file
        let statusBefore = try sandbox.git("-C", dir, "status", "--porcelain")
        let stagedBefore = try sandbox.git("-C", dir, "diff", "--cached")

        #expect(try sandbox.board("move", id, "ready", in: dir).status == 0)

        #expect(try sandbox.git("-C", dir, "status", "--porcelain") == statusBefore)
        #expect(try sandbox.git("-C", dir, "diff", "--cached") == stagedBefore)
        #expect(try sandbox.git("-C", dir, "show", "--name-only", "--format=", "HEAD").hasPrefix("backlog/\(id)-first.md\n"))
        #expect(try sandbox.git("-C", dir, "show", "--name-only", "--format=", "HEAD").split(separator: "\n").count == 1)
        #expect(try sandbox.read("notes.txt", in: dir) == "staged change\n")
    }

    @Test func noCommitLeavesTheChangeInTheWorkTree() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let head = try sandbox.git("-C", dir, "rev-parse", "HEAD")
        let id = addedID(try sandbox.board("add", "Draft", "--no-commit", in: dir))
        #expect(try sandbox.git("-C", dir, "rev-parse", "HEAD") == head)
        #expect(try sandbox.git("-C", dir, "status", "--porcelain").contains("backlog/"))
        #expect(try sandbox.board("show", id, in: dir).status == 0)
    }

    @Test func editedFileKeepsEveryByteButTheChangedField() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        try sandbox.write(handWritten, to: "backlog/B-7k3qz-export.md", in: dir)
        try sandbox.git("-C", dir, "add", ".")
        try sandbox.git("-C", dir, "commit", "-q", "-m", "hand-written item")
        #expect(try sandbox.board("move", "B-7k3qz", "done", in: dir).status == 0)
        #expect(try sandbox.board("set", "B-7k3qz", "x-note=hello", in: dir).status == 0)
        #expect(try sandbox.board("rank", "B-7k3qz", "--top", in: dir).status == 0)
        let after = try sandbox.read("backlog/B-7k3qz-export.md", in: dir)
        let expected = handWritten.replacingOccurrences(of: "status: backlog", with: "status: done")
            .replacingOccurrences(of: "rank: 1500", with: "rank: 1000")  // alone on the board: top is the first step
            .replacingOccurrences(of: "unknown_list: [a, b]\n", with: "unknown_list: [a, b]\nupdated: \(sandbox.today)\nx-note: hello\n")
        #expect(after == expected)
    }

    @Test func editValidatesOnSaveAndAbortsCleanly() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let id = addedID(try sandbox.board("add", "Editable", in: dir))
        let path = try sandbox.git("-C", dir, "ls-files", "backlog/\(id)*").trimmingCharacters(in: .newlines)
        let before = try sandbox.read(path, in: dir)
        let head = try sandbox.git("-C", dir, "rev-parse", "HEAD")

        // An editor that breaks the YAML: refused, file untouched, nothing committed.
        let broken = try sandbox.board("edit", id, in: dir, environment: ["EDITOR": "sed -i 's/^status: .*/status: [oops/'"])
        #expect(broken.status == 2)
        // libyaml notices the unclosed flow sequence on the line after it (line 6).
        #expect(broken.stderr.contains(path + ":6: error: invalid YAML"))
        #expect(broken.stderr.contains("edit aborted"))
        #expect(try sandbox.read(path, in: dir) == before)
        #expect(try sandbox.git("-C", dir, "rev-parse", "HEAD") == head)

        // An unknown status is refused too.
        let unknown = try sandbox.board("edit", id, in: dir, environment: ["EDITOR": "sed -i 's/^status: .*/status: nowhere/'"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown status nowhere"))

        // A valid edit is committed.
        let good = try sandbox.board("edit", id, in: dir, environment: ["EDITOR": "sed -i 's/^title: .*/title: Renamed/'"])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(try sandbox.git("-C", dir, "log", "-1", "--format=%s").hasPrefix("board: edit \(id)"))
        #expect(try sandbox.read(path, in: dir).contains("title: Renamed\n"))
    }

    @Test func addWithEditOpensTheEditorAndCommitsOnce() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let result = try sandbox.board("add", "Via editor", "--edit", in: dir,
                                       environment: ["EDITOR": "sed -i 's/^points:$/points: 2/'"])
        #expect(result.status == 0, "\(result.stderr)")
        let id = addedID(result)
        let json = try sandbox.board("show", id, "--format", "json", in: dir).stdout
        #expect(json.contains("\"points\" : 2"))
        #expect(try sandbox.git("-C", dir, "log", "--format=%s").split(separator: "\n").count == 2)
    }

    @Test func wipLimitIsEnforcedUnlessForced() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        // The template's review status allows 2 items.
        let ids = try (0..<3).map { n in addedID(try sandbox.board("add", "Item \(n)", in: dir)) }
        #expect(try sandbox.board("move", ids[0], "review", in: dir).status == 0)
        #expect(try sandbox.board("move", ids[1], "review", in: dir).status == 0)
        let refused = try sandbox.board("move", ids[2], "review", in: dir)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("review is at its WIP limit (2 of 2)"))
        #expect(try sandbox.board("move", ids[2], "review", "--force", in: dir).status == 0)
        let check = try sandbox.board("check", in: dir)
        #expect(check.status == 1)
        #expect(check.stdout.contains("board.yml: error: review holds 3 items, over its WIP limit of 2"))
    }

    @Test func rankRenumbersWhenThereIsNoRoomLeft() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let a = addedID(try sandbox.board("add", "A", "--rank", "1", in: dir))
        let b = addedID(try sandbox.board("add", "B", "--rank", "1.0000001", in: dir))
        let c = addedID(try sandbox.board("add", "C", in: dir))
        #expect(try sandbox.board("rank", c, "--after", a, in: dir).status == 0)
        #expect(try sandbox.board("list", "-q", in: dir).stdout == [a, c, b].joined(separator: "\n") + "\n")
        let json = try sandbox.board("list", "--format", "json", in: dir).stdout
        let ranks = (try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [[String: Any]]).map { $0["rank"] as? Int }
        #expect(ranks == [1000, 2000, 3000])
    }
}
