import Foundation
import Testing

@testable import BoardKit

/// Every refusal: exit code 2 (usage or input error), a message naming what is wrong, nothing changed.
@Suite struct ErrorPathTests {
    @Test(arguments: [
        (["add", "X", "--status", "nowhere"], "unknown status nowhere"),
        (["add", "X", "--type", "epic"], "unknown type epic"),
        (["add", "X", "--points", "4"], "4 points is not on the scale"),
        (["add", "   "], "the title is empty"),
        (["add", "X", "--depends-on", "B-none"], "--depends-on B-none: no item with that id"),
        (["add", "X", "--rank", "middle"], "--rank middle: expected top, bottom or a number"),
        (["show", "B-none"], "no item with id B-none"),
        (["move", "B-none", "done"], "no item with id B-none"),
        (["set", "B-none", "points=3"], "no item with id B-none"),
        (["rank", "B-none", "--top"], "no item with id B-none"),
        (["rank", "B-none"], "give exactly one of"),
        (["list", "--format", "xml"], "format"),
        (["frobnicate"], "Unexpected argument"),
    ])
    func refusedWithExitCodeTwo(arguments: [String], message: String) throws {
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
        ("id=B-2", "the id cannot be changed"),
        ("points=lots", "points=lots: expected a number"),
        ("points=4", "4 points is not on the scale"),
        ("status=nowhere", "unknown status nowhere"),
        ("title=", "title is required"),
        ("novalue", "novalue: expected KEY=VALUE"),
        ("bad key=1", "keys are letters, digits"),
        ("created=yesterday", "expected a date"),
    ])
    func setRefusesBadAssignments(assignment: String, message: String) throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let id = addedID(try sandbox.board("add", "Item", in: dir))
        let result = try sandbox.board("set", id, assignment, in: dir)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
    }

    @Test func notABoard() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeRepo()
        let result = try sandbox.board("list", in: dir)
        #expect(result.status == 2)
        #expect(result.stderr.contains("not a board: no board.yml"))
    }

    @Test func brokenBoardConfigNamesFileAndLine() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        try sandbox.write("name: X\nstatuses:\n  - name: a\n    category: sideways\n", to: "board.yml", in: dir)
        let result = try sandbox.board("list", in: dir)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("board.yml:2: error: statuses"))
    }

    @Test func missingIdentityIsAClearErrorAndWritesNothing() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        try sandbox.git("-C", dir, "config", "--unset", "user.name")
        let result = try sandbox.board("add", "Nobody", in: dir)
        #expect(result.status == 2)
        #expect(result.stderr.contains("git config user.name"))
        #expect(try sandbox.git("-C", dir, "status", "--porcelain") == "")
    }

    @Test func detachedHeadIsRefusedUnlessAllowed() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        try sandbox.git("-C", dir, "checkout", "-q", "--detach")
        let refused = try sandbox.board("add", "Detached", in: dir)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("HEAD is detached"))
        #expect(try sandbox.git("-C", dir, "status", "--porcelain") == "")
        let allowed = try sandbox.board("add", "Detached", "--detach-ok", in: dir)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(try sandbox.git("-C", dir, "log", "-1", "--format=%s").hasPrefix("board: add"))
    }

    @Test func firstCommitOnAnUnbornBranch() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeRepo()
        // A board laid down by hand in a repository with no commit yet.
        try sandbox.write(try String(contentsOfFile: Sandbox.packageRoot + "/board-template/board.yml", encoding: .utf8),
                          to: "board.yml", in: dir)
        let result = try sandbox.board("add", "First ever", in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try sandbox.git("-C", dir, "rev-list", "--count", "HEAD") == "1\n")
        // Only the item was committed; board.yml stays untracked as the user left it.
        #expect(try sandbox.git("-C", dir, "status", "--porcelain") == "?? board.yml\n")
    }

    @Test func mergeInProgressAndConflictMarkersAreRefused() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let id = addedID(try sandbox.board("add", "Contested", in: dir))
        let path = try sandbox.git("-C", dir, "ls-files", "backlog/\(id)*").trimmingCharacters(in: .newlines)
        try sandbox.git("-C", dir, "checkout", "-q", "-b", "other")
        #expect(try sandbox.board("move", id, "ready", in: dir).status == 0)
        try sandbox.git("-C", dir, "checkout", "-q", "main")
        #expect(try sandbox.board("move", id, "done", in: dir).status == 0)
        _ = try sandbox.run("/usr/bin/git", ["-C", dir, "merge", "-q", "other"])  // conflicts

        let refused = try sandbox.board("add", "During merge", in: dir)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("a merge is in progress"))

        let check = try sandbox.board("check", in: dir)
        #expect(check.status == 1)
        #expect(check.stdout.contains("\(path):5: error: unresolved merge conflict marker"))

        try sandbox.git("-C", dir, "merge", "--abort")
        try sandbox.write(try sandbox.read(path, in: dir) + "<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> other\n", to: path, in: dir)
        let marked = try sandbox.board("set", id, "points=3", in: dir)
        #expect(marked.status == 2)
        // 15 front-matter lines and 5 body lines, then the marker on line 21.
        #expect(marked.stderr.contains("\(path):21: error: unresolved merge conflict marker"))
    }

    @Test func checkReportsEveryProblemWithItsLine() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        func item(_ id: String, _ extra: String) -> String {
            "---\nid: \(id)\ntitle: Item \(id)\ntype: story\nstatus: backlog\n\(extra)---\n"
        }
        try sandbox.write(item("B-aaaaa", "points: lots\n"), to: "backlog/B-aaaaa-a.md", in: dir)
        try sandbox.write(item("B-bbbbb", "points: 4\ndepends_on: [B-ccccc]\n"), to: "backlog/B-bbbbb-b.md", in: dir)
        try sandbox.write(item("B-ccccc", "depends_on: [B-ddddd]\n"), to: "backlog/B-ccccc-c.md", in: dir)
        try sandbox.write(item("B-ddddd", "depends_on: [B-bbbbb, B-zzzzz]\n"), to: "backlog/B-ddddd-d.md", in: dir)
        try sandbox.write(item("B-aaaaa", "status: x\n").replacingOccurrences(of: "status: backlog\n", with: ""),
                          to: "backlog/B-aaaaa-dup.md", in: dir)
        try sandbox.write("---\nid: B-eeeee\ntitle: [broken\n---\n", to: "backlog/B-eeeee-e.md", in: dir)
        try sandbox.write("---\ntitle: No id\n---\n", to: "backlog/noid.md", in: dir)
        let result = try sandbox.board("check", in: dir)
        #expect(result.status == 1)
        let lines = Set(result.stdout.split(separator: "\n").map(String.init))
        let expected: Set<String> = [
            "backlog/B-aaaaa-a.md:2: error: duplicate id B-aaaaa (also in backlog/B-aaaaa-dup.md); run `board fix-ids`",
            "backlog/B-aaaaa-a.md:6: error: points must be a number, not \"lots\"",
            "backlog/B-aaaaa-dup.md:2: error: duplicate id B-aaaaa (also in backlog/B-aaaaa-a.md); run `board fix-ids`",
            "backlog/B-aaaaa-dup.md:5: error: unknown status x (the workflow is backlog, ready, in-progress, review, done)",
            "backlog/B-bbbbb-b.md:6: error: 4 is not on the point scale 0, 1, 2, 3, 5, 8, 13, 21",
            "backlog/B-bbbbb-b.md:7: error: dependency cycle: B-bbbbb → B-ccccc → B-ddddd → B-bbbbb",
            "backlog/B-ddddd-d.md:6: error: depends_on names B-zzzzz, which does not exist",
            "backlog/B-eeeee-e.md:4: error: invalid YAML: while parsing a flow sequence: did not find expected ',' or ']'",
            "backlog/noid.md:2: error: missing required key id",
            "backlog/noid.md:2: error: missing required key status",
            "backlog/noid.md:2: error: missing required key type",
        ]
        #expect(lines.subtracting(expected).isEmpty, "unexpected: \(lines.subtracting(expected))")
        #expect(expected.subtracting(lines).isEmpty, "missing: \(expected.subtracting(lines))")
        // Read commands still work on the other files, and name the broken one on stderr.
        let list = try sandbox.board("list", "-q", in: dir)
        #expect(list.status == 0)
        #expect(list.stdout.contains("B-ccccc"))
        #expect(list.stderr.contains("backlog/B-eeeee-e.md:4: error: invalid YAML"))
    }
}
