import Foundation
import Testing

@testable import BoardKit
import Yams

/// A hand-written item file: unknown keys, comments, odd key order, block lists, a long body.
let handWritten = """
---
# written by hand
title: Export invoices   # keep this comment
x-custom: {nested: [1, 2], note: "a # not a comment"}
status: backlog
id: B-7k3qz
points: 3   # estimate from refinement
tags:
  - billing
  - "q3 goals"
type: story

# a comment between keys
rank: 1500
unknown_list: [a, b]
---
Some *body* text.

- [ ] first criterion
- [x] second criterion
\(String(repeating: "Long line of body text that must survive. ", count: 200))

"""

@Suite struct FrontMatterTests {
    func document(_ text: String) throws -> FrontMatterDocument {
        try FrontMatterDocument(data: Data(text.utf8), path: "backlog/x.md")
    }

    /// Lines of `after` that differ from `before`, as (before, after) pairs by position.
    func changedLines(_ before: String, _ after: String) -> [(String, String)] {
        let a = before.components(separatedBy: "\n"), b = after.components(separatedBy: "\n")
        #expect(a.count == b.count)
        return zip(a, b).filter { $0 != $1 }
    }

    @Test func readsTypedValues() throws {
        let record = Record(path: "backlog/x.md", document: try document(handWritten))
        #expect(record.id == "B-7k3qz")
        #expect(record.title == "Export invoices")
        #expect(record.points == 3)
        #expect(record.rank == 1500)
        #expect(record.tags == ["billing", "q3 goals"])
        #expect(record.checklist.map(\.done) == [false, true])
        #expect(record.document.lineNumber(of: "status") == 5)
    }

    /// The flat reader's shortcuts (plain digits, the null test) give what the Yams node of the same
    /// plain scalar gives, with Yams' own resolver as the reference for the type.
    @Test(arguments: ["0", "5", "007", "1500", "123456789012345", "1234567890123456", "99999999999999999999",
                      "-3", "+4", "1_000", "2.5", "1e3", "0x1F", "5 ", "", "~", "null", "Null", "NULL", "nil",
                      "no", "n", "N", "~x", "2026-01-05", "12:30", ".5", "abc"])
    func plainShortcutsAgreeWithTheNode(text: String) throws {
        let node = FlatFrontMatter.plainNode(text)
        #expect(FieldValue.plain(text).number == node.number)
        #expect((FieldValue.plain(text).string == nil) == (node.resolvedTag == .null))
        let yams = try #require(try Yams.compose(yaml: "v: \(text)")?["v"])
        #expect((node.resolvedTag == .null) == (yams.tag.description == Tag.Name.null.rawValue))
    }

    @Test func settingOneFieldChangesOnlyItsLine() throws {
        var doc = try document(handWritten)
        doc.set("status", .string("in-progress"))
        let after = String(decoding: doc.data, as: UTF8.self)
        let changed = changedLines(handWritten, after)
        #expect(changed.count == 1)
        #expect(changed.first?.1 == "status: in-progress")
    }

    @Test func trailingCommentSurvivesAnEdit() throws {
        var doc = try document(handWritten)
        doc.set("points", .number(5))
        let changed = changedLines(handWritten, String(decoding: doc.data, as: UTF8.self))
        #expect(changed.map(\.1) == ["points: 5   # estimate from refinement"])  // the spaces before the comment stay
    }

    @Test func blockListIsReplacedWholeAndCommentsAfterItStay() throws {
        var doc = try document(handWritten)
        doc.set("tags", .list(["billing"]))
        let after = String(decoding: doc.data, as: UTF8.self)
        #expect(after.contains("tags: [billing]\ntype: story\n\n# a comment between keys\nrank: 1500"))
        #expect(!after.contains("q3 goals"))
        let reparsed = try document(after)
        #expect(Record(path: "x", document: reparsed).tags == ["billing"])
    }

    @Test func newKeyIsAppendedAfterTheLastKey() throws {
        var doc = try document(handWritten)
        doc.set("assignee", .string("alice"))
        let after = String(decoding: doc.data, as: UTF8.self)
        #expect(after == handWritten.replacingOccurrences(of: "unknown_list: [a, b]\n", with: "unknown_list: [a, b]\nassignee: alice\n"))
    }

    @Test func removingAKeyLeavesTheRest() throws {
        var doc = try document(handWritten)
        doc.remove("rank")
        let after = String(decoding: doc.data, as: UTF8.self)
        #expect(after == handWritten.replacingOccurrences(of: "rank: 1500\n", with: ""))
    }

    @Test func crlfAndBOMSurvive() throws {
        let text = "\u{FEFF}---\r\nid: B-1\r\ntitle: T\r\nstatus: backlog\r\n---\r\nbody\r\n"
        var doc = try document(text)
        doc.set("status", .string("done"))
        #expect(String(decoding: doc.data, as: UTF8.self) == text.replacingOccurrences(of: "status: backlog", with: "status: done"))
        doc.set("points", .number(2))
        #expect(String(decoding: doc.data, as: UTF8.self).contains("status: done\r\npoints: 2\r\n---\r\n"))
    }

    @Test(arguments: [
        ("plain text", "plain text"),
        ("Fix: login", "\"Fix: login\""),
        ("123", "\"123\""),
        ("true", "\"true\""),
        ("null", "\"null\""),
        ("- dash", "\"- dash\""),
        ("has \"quotes\"", "has \"quotes\""),
        ("tab\there", "\"tab\\there\""),
        ("#hash", "\"#hash\""),
        ("", "\"\""),
    ])
    func stringsAreQuotedOnlyWhenNeeded(input: String, rendered: String) throws {
        #expect(YAMLValue.string(input).rendered == rendered)
        var doc = try document("---\nid: B-1\n---\n")
        doc.set("title", .string(input))
        #expect(Record(path: "x", document: try document(String(decoding: doc.data, as: UTF8.self))).title == input)
    }

    @Test(arguments: [
        ("", 1, "empty file"),
        ("no front matter\n", 1, "missing front matter"),
        ("---\nid: B-1\n", 1, "unterminated front matter"),
        ("---\nid: B-1\ntitle: [unclosed\n---\n", 4, "invalid YAML"),
        ("---\nid: B-1\nid: B-2\n---\n", 3, "duplicate key"),  // the line that repeats the key
        ("---\n- a\n- b\n---\n", 2, "must be a mapping"),
        ("---\na: &x [1]\nb: *x\n---\n", 2, "anchors and aliases"),
    ])
    func badFrontMatterNamesTheLine(text: String, line: Int, message: String) {
        #expect {
            _ = try document(text)
        } throws: { error in
            guard case BoardError.invalidFile(let d) = error else { return false }
            return d.path == "backlog/x.md" && d.line == line && d.message.contains(message)
        }
    }

    @Test func nestedValuesAreWrittenAsBlocksAndReadBack() throws {
        var doc = try document("---\nid: I-1\nstate: active\n---\nbody\n")
        let commitment = YAMLValue.map([
            YAMLPair("date", .date("2026-03-02")),
            YAMLPair("points", .number(8)),
            YAMLPair("items", .seq([.map([YAMLPair("id", .string("B-1")), YAMLPair("points", .number(5))]),
                                    .map([YAMLPair("id", .string("B-2")), YAMLPair("points", .number(3))])])),
        ])
        doc.set("commitment", commitment)
        doc.set("state", .string("closed"))
        let text = String(decoding: doc.data, as: UTF8.self)
        #expect(text == """
            ---
            id: I-1
            state: closed
            commitment:
              date: 2026-03-02
              points: 8
              items:
                - {id: B-1, points: 5}
                - {id: B-2, points: 3}
            ---
            body

            """)
        let reread = try document(text)
        guard case .mapping(let m)? = reread.value("commitment"), case .sequence(let items)? = m["items"] else {
            Issue.record("commitment did not read back as a mapping with a sequence")
            return
        }
        #expect(items.count == 2)
        #expect(items[1]["points"]?.int == 3)
        // Replacing the block replaces all of its lines.
        doc.set("commitment", .null)
        #expect(String(decoding: doc.data, as: UTF8.self) == "---\nid: I-1\nstate: closed\ncommitment:\n---\nbody\n")
    }

    /// The fast flat reader and Yams must read every document the same way (or the fast one declines).
    @Test(arguments: [
        handWritten,
        "---\nid: B-1\ntitle: Fix: login\n---\n",
        "---\nid: B-1\ntitle: \"Fix: login\"\npoints: 3\nrank: 1062.5\ntags: [a, \"b c\", 'd']\n---\n",
        "---\nid: B-1\nassignee:\ntags: []\ndone: yes\nflag: off\nnone: ~\nn: -4\nf: 1e3\nd: 2026-03-02\nv: 1.0.2\n---\n",
        "---\nid: B-1\ntags:\n  - a\n  - 'b'\n# between\n  - \"c\"\nnext: x # comment\n---\n",
        "---\nid: B-1\ncapacity:\n  alice: 6\n---\n",
        "---\nid: B-1\r\ntitle: CRLF # c\r\ntags:\r\n  - x\r\n---\r\n",
        "---\nid: B-1\nquote: 'it''s'\nesc: \"a\\tb\"\nurl: http://x.y/z#frag\nhash: a#b\n---\n",
        "---\nid: B-1\nlist: [a, [b]]\nmulti: first\n  second\n---\n",
    ])
    func fastReaderAgreesWithYams(text: String) throws {
        let lines = text.components(separatedBy: "\n").dropFirst().prefix { $0 != "---" && $0 != "---\r" }.map { $0 }
        guard let yams = try? FrontMatterDocument(data: Data(text.utf8), path: "x").parseFields(path: "x", fast: false) else {
            // Invalid YAML: the fast reader must decline, so Yams reports the error.
            #expect(FlatFrontMatter.parse(lines) == nil)
            return
        }
        guard let fast = FlatFrontMatter.parse(lines) else { return }
        #expect(fast.map(\.key) == yams.map(\.key))
        #expect(fast.map(\.line) == yams.map(\.line))
        #expect(fast.map { Self.describe($0.value.node) } == yams.map { Self.describe($0.value.node) })
    }

    /// Generated documents of tricky lines: whatever the fast reader reads, Yams reads the same.
    @Test func fastReaderAgreesWithYamsOnGeneratedDocuments() throws {
        let values = ["x", "Fix: login", "a:b", "a #c", "a# b", "'q'", "'it''s'", "\"d\" # c", "\"a\\tb\"", "[a, b]", "[ ]", "[]",
                      "['a, b', c]", "[\"x\", 'y']", "[a,]", "[a, [b]]", "-5", "- x", "-", "~", "null", "yes", "3.5", "1e3",
                      "2026-03-02", "http://x/y#z", "é ü", "表", "a\tb", "&a", "*a", "!tag x", "|", ">", "{a: 1}", "@x", "`x`",
                      "%x", "?x", "x:", "x: y", "'unclosed", "\"unclosed", "# only", "a  ", "'a' x", "[a] # c", "[a]x",
                      "[:x]", "[a, :b]", ":x", " x", "  [a]"]
        let shapes = ["K: V", "K:V", "K:  V", "K: V\r", "K:", "K: # c", "K:\n  - V\n  - V", "K:\n  -V", "K:\n  - #c",
                      "K:\n    - V\n  - V", "# comment", "", "  ", " K: V", "K : V"]
        var generator = SplitMix(seed: 7)
        var read = 0
        for _ in 0..<3000 {
            var lines: [String] = []
            for n in 0..<Int.random(in: 1...4, using: &generator) {
                let line = shapes.randomElement(using: &generator)!.replacingOccurrences(of: "K", with: "k\(n)")
                for part in line.components(separatedBy: "\n") {
                    lines.append(part.replacingOccurrences(of: "V", with: values.randomElement(using: &generator)!))
                }
            }
            let text = "---\n" + lines.joined(separator: "\n") + "\n---\n"
            let yams = try? FrontMatterDocument(data: Data(text.utf8), path: "x").parseFields(path: "x", fast: false)
            guard let fast = FlatFrontMatter.parse(lines) else { continue }
            read += 1
            guard let yams else {
                Issue.record("the fast reader read what Yams refuses: \(text)")
                continue
            }
            #expect(fast.map(\.key) == yams.map(\.key), "\(text)")
            #expect(fast.map(\.line) == yams.map(\.line), "\(text)")
            #expect(fast.map { Self.describe($0.value.node) } == yams.map { Self.describe($0.value.node) }, "\(text)")
        }
        #expect(read > 500)
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s): return "\(node.resolvedTag.rawValue):\(s.string)"
        case .sequence(let seq): return "[" + seq.map(describe).joined(separator: ",") + "]"
        default: return "other"
        }
    }

    @Test func fastReaderDeclinesWhatItDoesNotHandle() throws {
        for text in ["a: b\u{7}c", "a: b\u{85}c", "a: \u{FFFF}", "a: b\rc", "a: {b: 1}", "a: |\n  text", "a: &x 1", "a:\n  b: 1", "a: 'it''s'", "a: \"\\n\"", "a: 1\na: 2", "\"q\": 1"] {
            #expect(FlatFrontMatter.parse(text.components(separatedBy: "\n")) == nil, "\(text)")
        }
    }

    /// The top-level reader (history's look at iteration files) finds Yams' keys and flat values;
    /// a nested block reads as null, and what it cannot place goes to Yams.
    @Test(arguments: [
        "---\nid: S1\nstate: active\ncommitment:\n  date: 2026-03-02\n  items:\n    - {id: B-1, points: 5}\n# note\n\n  points: 5\nend: 2026-03-13\n---\n",
        "---\nid: S1\ncapacity: # per member\n  alice: 6\n  bob: [1, 2]\ntags:\n  - a\n---\n",
        "---\nid: S1\r\ncommitment:\r\n  points: 8\r\n\r\nstate: closed\r\n---\r\n",
        "---\nid: S1\ncommitment:\n  points: 8\n---\n",
    ])
    func topLevelReaderFindsYamsKeys(text: String) throws {
        let lines = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(Substring($0)) }
            .dropFirst().prefix { $0 != "---" && $0 != "---\r" }.map { $0 }
        let yams = try FrontMatterDocument(data: Data(text.utf8), path: "x").parseFields(path: "x", fast: false)
        #expect(FlatFrontMatter.parse(lines) == nil)
        let top = try #require(FlatFrontMatter.parseTopLevel(lines))
        #expect(top.map(\.key) == yams.map(\.key))
        #expect(top.map(\.line) == yams.map(\.line))
        for (mine, theirs) in zip(top, yams) {
            if case .mapping = theirs.value.node { #expect(mine.value.string == nil, "\(mine.key)") } else {
                #expect(mine.value.strings == theirs.value.strings, "\(mine.key)")
            }
        }
        let document = try FrontMatterDocument(data: Data(text.utf8), path: "x", topLevelOnly: true)
        #expect(document.keys == yams.map(\.key) && document.string("id") == "S1")
    }

    @Test func topLevelReaderDeclinesWhatItCannotPlace() {
        for text in ["a: |\n  text", "a:\n  b: 1\nc: [unclosed", "a: 1\n  b", "a:\n  b: 1\n\"q\": 1", "a:\n  b: 1\na: 2", "a:\n  b: \"x\ny\""] {
            #expect(FlatFrontMatter.parseTopLevel(text.components(separatedBy: "\n")) == nil, "\(text)")
        }
    }

    /// board.yml is read with typed values as before, merge keys included.
    @Test func boardConfigReadsTypedValuesAndMergeKeys() throws {
        let plain = try BoardConfig(data: Data("""
            name: X
            iteration_length: 10
            points: [1, 2.5]
            statuses:
              - {name: todo, category: todo}
              - {name: done, category: done, wip: 3}
            definition_of_ready:
              points: true

            """.utf8))
        #expect(plain.iterationLength == 10 && plain.points == [1, 2.5] && plain.statuses.last?.wip == 3)
        #expect(plain.definitionOfReady?.points == true)
        let merged = try BoardConfig(data: Data("""
            name: X
            statuses:
              - name: todo
                <<: {category: todo, wip: 2}
              - {name: done, category: done}

            """.utf8))
        #expect(merged.statuses.first?.category == .todo && merged.statuses.first?.wip == 2)
        #expect(throws: BoardError.self) { try BoardConfig(data: Data("# only a comment\n".utf8)) }
    }

    @Test func slugsAreSafe() {
        #expect(slugify("Export invoices (PDF)!") == "export-invoices-pdf")
        #expect(slugify("../../etc/passwd") == "etc-passwd")
        #expect(slugify("Café crème") == "cafe-creme")
        #expect(slugify("\u{0007}\u{0000}") == "item")
        #expect(!slugify(String(repeating: "a b ", count: 100)).contains("/"))
        #expect(slugify(String(repeating: "word ", count: 100)).count <= 48)
        #expect(isValidID("B-7k3qz"))
        #expect(!isValidID("../B-1"))
        #expect(!isValidID("B/1"))
        #expect(!isValidID("B-1\n"))
    }
}
