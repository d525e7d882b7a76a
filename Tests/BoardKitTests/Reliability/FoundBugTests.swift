import Foundation
import Testing

@testable import BoardKit

/// One test per bug the round-trip properties, the malformed corpus and the fuzzer found.
@Suite struct FoundBugTests {
    func document(_ text: String) throws -> FrontMatterDocument {
        try FrontMatterDocument(data: Data(text.utf8), path: "backlog/x.md")
    }

    /// `&` and `*` inside plain text are not anchors or aliases; at the start of a value they are.
    @Test(arguments: [
        ("title: Fish & chips\n", false), ("title: 5 * 3\n", false), ("title: \"a\" # & *\n", false),
        ("note: |\n  &not-an-anchor\n  *nor-an-alias\n", false), ("tags: [a & b, 'c * d']\n", false),
        ("title: &a x\n", true), ("tags: [*a]\n", true), ("x:\n  - &a b\n", true), ("y: !!str &a b\n", true),
        ("x: {k: *a}\n", true), ("x: 'it''s' \n&a: b\n", true),
    ])
    func anchorsAreFoundOnlyWhereANodeStarts(yaml: String, anchors: Bool) {
        #expect((FrontMatterDocument.anchorLine(yaml) != nil) == anchors)
    }

    @Test func anAmpersandInATitleIsAccepted() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let added = try sandbox.board("add", "Fish & chips", in: dir)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try sandbox.board("show", addedID(added), in: dir).stdout.contains("Fish & chips"))
    }

    /// A comment holding quotes or brackets after a quoted or flow value is kept when the value changes.
    @Test func commentsWithQuotesAndBracketsSurviveASet() throws {
        var doc = try document("---\nid: B-1\ntags: [a, b] # see [x]\ntitle: \"T\" # it's \"fine\"\n---\n")
        doc.set("tags", .list(["c"]))
        doc.set("title", .string("U"))
        #expect(String(decoding: doc.data, as: UTF8.self) == "---\nid: B-1\ntags: [c] # see [x]\ntitle: U # it's \"fine\"\n---\n")
    }

    /// A line starting with `#` inside a block scalar is text: replacing the value replaces it too.
    @Test func hashLinesInABlockScalarBelongToIt() throws {
        var doc = try document("---\nid: B-1\nnote: |\n  first\n  #second\n# a real comment\nstatus: ready\n---\n")
        doc.set("note", .string("new"))
        #expect(String(decoding: doc.data, as: UTF8.self) == "---\nid: B-1\nnote: new\n# a real comment\nstatus: ready\n---\n")
        doc.remove("note")
        #expect(String(decoding: doc.data, as: UTF8.self) == "---\nid: B-1\n# a real comment\nstatus: ready\n---\n")
    }
}

extension FoundBugTests {
    /// `points: 1.0e400` reads as infinity, which JSON cannot hold: `list --format json` printed `null` for the whole list.
    @Test func infiniteNumbersStayTextInJSON() throws {
        let record = try Record(path: "backlog/x.md", data: Data("---\nid: B-1\npoints: 1.0e400\n---\n".utf8))
        #expect(renderJSON([record.jsonObject]).contains("\"points\" : \"1.0e400\""))
    }

    /// A value nested 580 levels deep (a fuzzer finding) made `list --format json` print `null` for the whole list.
    @Test func deeplyNestedValuesDoNotEmptyTheJSON() throws {
        let text = "---\nid: B-1\nx:\n" + String(repeating: "- ", count: 580) + "a\n---\n"
        let record = try Record(path: "backlog/x.md", data: Data(text.utf8))
        let json = renderJSON([record.jsonObject])
        #expect(json.contains("\"id\" : \"B-1\"") && json.contains("nested more than 100 levels deep"))
    }

    /// A lone CR is a line break to YAML but not to the line editor (a fuzzer finding): removing a key
    /// removed the wrong line. Such files are now refused with the line, as are NEL, U+2028 and U+2029.
    @Test(arguments: ["---\nid: B-1\rx: y\n---\n", "---\nid: B-1\u{2028}x: y\n---\n", "---\nid: B-1\u{85}\n---\n"])
    func unusualLineBreaksAreRefused(text: String) {
        do {
            _ = try FrontMatterDocument(data: Data(text.utf8), path: "x.md")
            Issue.record("accepted")
        } catch BoardError.invalidFile(let d) {
            #expect(d.line == 2 && d.message.contains("line break other than LF or CRLF"))
        } catch { Issue.record("\(error)") }
        // CRLF files stay fine: their CR ends the line.
        #expect(throws: Never.self) { try FrontMatterDocument(data: Data("---\r\nid: B-1\r\n---\r\n".utf8), path: "x.md") }
    }

    /// Control characters in a title never reach the terminal raw (an escape sequence could rewrite the screen).
    @Test func controlCharactersAreShownNotSent() {
        #expect(Table.printable("a\u{1B}[2Jb\u{7}\n") == "a\\u{1b}[2Jb\\u{7}\\u{a}")
        #expect(Table.printable("done".green) == "done".green)
        #expect(Diagnostic(path: "x.md", line: 2, message: "id \"B-\u{7}\"").description == "x.md:2: error: id \"B-\\u{7}\"")
    }

    /// Lines for problems that used to have none: NUL bytes, bad UTF-8, a YAML reader error, the repeated key.
    @Test(arguments: [
        ("---\nid: a\ntitle: b\u{0}\n---\n", 3), ("---\nid: a\ntitle: a\u{7}b\n---\n", 3),
        ("---\nid: a\nx: 1\ny: 2\nx: 3\n---\n", 5),
    ])
    func problemsNameTheirLine(text: String, line: Int) {
        #expect(throws: BoardError.self) { try FrontMatterDocument(data: Data(text.utf8), path: "x.md") }
        do { _ = try FrontMatterDocument(data: Data(text.utf8), path: "x.md") } catch BoardError.invalidFile(let d) {
            #expect(d.line == line, "\(d)")
        } catch {}
    }

    /// A writer killed inside a commit leaves libgit2's `refs/heads/main.lock`: the next board run
    /// sees from `.git/board.lock` that its holder died, removes the leftover and commits. Without a
    /// dead holder the same leftover is left alone and the commit is refused.
    @Test func gitLockLeftByAKilledWriterIsRemoved() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let refLock = dir + "/.git/refs/heads/main.lock"
        try Data().write(to: URL(fileURLWithPath: refLock))
        let refused = try sandbox.board("add", "Blocked", in: dir)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("main.lock"))
        #expect(FileManager.default.fileExists(atPath: refLock))

        // A pid that no longer runs: a child that has exited and been reaped.
        let child = try sandbox.run("/bin/sh", ["-c", "echo $$"])
        let deadPID = child.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try Data((deadPID + "\n").utf8).write(to: URL(fileURLWithPath: dir + "/.git/board.lock"))
        let next = try sandbox.board("add", "After the kill", in: dir)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stderr.contains("removed") && next.stderr.contains("main.lock"))
        #expect(!FileManager.default.fileExists(atPath: refLock))
        #expect(try sandbox.git("-C", dir, "log", "-1", "--format=%s").hasPrefix("board: add"))
    }
}
