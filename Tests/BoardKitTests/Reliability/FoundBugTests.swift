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
        #expect(FrontMatterDocument.hasAnchors(yaml) == anchors)
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
