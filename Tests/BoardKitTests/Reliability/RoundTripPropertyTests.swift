import Foundation
import PropertyBased
import Testing
import Yams

@testable import BoardKit

/// Cases per property: 500 in `make test`; `BOARD_PROPERTY_CASES` raises it (`make test-long`: 10,000).
let propertyCases = ProcessInfo.processInfo.environment["BOARD_PROPERTY_CASES"].flatMap(Int.init) ?? 500

/// Texts for titles and values: ASCII, Unicode, YAML indicator characters, quotes, look-alikes of numbers and dates.
let sampleTexts = [
    "Export invoices", "café au lait", "日本語のタイトル", "Ελληνικά", "emoji 🚀 launch", "Fish & chips", "5 * 3 = 15",
    "a: b", "50% done", "x # not a comment", "say \"hi\"", "it's", "[bracketed]", "{braced}", "- dash", "yes", "no",
    "null", "~", "123", "1.5", "2026-03-02", "  padded  ", "tab\there", "back\\slash", "#hash", "@at", "`tick`",
    "|pipe", ">gt", "!bang", "%pct", "x:y", "trailing:", "Ünïcödé façade", "עברית", "∑ math ≤ 3", "&anchor-like", "*star",
    "line\u{2028}sep", "zero\u{200B}width", "a,b", "O'Brien & Sons", "---", "...", "=equals=",
]

/// Inline comments kept when a one-line value is replaced.
let sampleComments = ["# estimate", "# ü — note", "#no-space-after-hash", "# has: colon and [brackets]"]

/// One top-level key of a generated file: the comment or blank lines before it, and its own lines.
struct Chunk: Sendable {
    var before: [String]
    var key: String
    var lines: [String]
    /// The trailing comment on a one-line value, kept by `set`.
    var comment: String?
}

/// A generated item file, kept as its parts so the expected result of an edit can be built line by line.
struct GeneratedItem: Sendable, CustomStringConvertible {
    var bom: Bool
    var crlf: Bool
    var chunks: [Chunk]
    /// Comment and blank lines after the last key.
    var trailing: [String]
    var closing: String
    var body: String
    var id: String

    var eol: String { crlf ? "\r\n" : "\n" }

    var text: String {
        var lines = ["---"]
        for chunk in chunks { lines += chunk.before + chunk.lines }
        lines += trailing
        let out = lines.map { $0 + eol }.joined() + closing.replacingOccurrences(of: "\n", with: eol)
            + body.replacingOccurrences(of: "\n", with: eol)
        return (bom ? "\u{FEFF}" : "") + out
    }

    var data: Data { Data(text.utf8) }

    var description: String { text.count > 1000 ? String(text.prefix(1000)) + "… (\(text.count) characters)" : text }

    /// The model of `FrontMatterDocument.set`: only the key's own lines change; a new key goes after the last one.
    mutating func set(_ key: String, _ value: YAMLValue) {
        var lines = value.lines(key: key)
        if let i = chunks.firstIndex(where: { $0.key == key }) {
            if chunks[i].lines.count == 1, lines.count == 1, let comment = chunks[i].comment {
                lines[0] += " " + comment
            } else {
                chunks[i].comment = nil
            }
            chunks[i].lines = lines
        } else {
            // After a `|+` or `>+` block the blank lines are the block's: a new key goes after them.
            let keep = chunks.last.map { $0.lines[0].split(separator: " ").last.map { ($0.first == "|" || $0.first == ">") && $0.contains("+") } ?? false } ?? false
            let blanks = keep ? Array(trailing.prefix { $0.trimmingCharacters(in: .whitespaces).isEmpty }) : []
            trailing.removeFirst(blanks.count)
            chunks.append(Chunk(before: blanks, key: key, lines: lines, comment: nil))
        }
    }

    /// The model of `FrontMatterDocument.remove`: the key's lines go, comments before it stay.
    mutating func remove(_ key: String) {
        guard let i = chunks.firstIndex(where: { $0.key == key }) else { return }
        let before = chunks[i].before
        chunks.remove(at: i)
        if i < chunks.count { chunks[i].before = before + chunks[i].before } else { trailing = before + trailing }
    }
}

/// Helpers to draw from a seeded generator.
extension RandomNumberGenerator {
    mutating func pick<T>(_ items: [T]) -> T { items.randomElement(using: &self)! }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
}

/// A YAML scalar for a text in one of the three styles, when that style can hold it.
func scalarStyles(_ text: String) -> [String] {
    var styles = ["\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        .replacingOccurrences(of: "\t", with: "\\t").replacingOccurrences(of: "\u{2028}", with: "\\L") + "\""]
    if !text.contains("\u{2028}") { styles.append("'" + text.replacingOccurrences(of: "'", with: "''") + "'") }
    if YAMLValue.scalar(text) == text { styles.append(text) }
    return styles
}

enum ItemGen {
    static let statuses = ["backlog", "ready", "in-progress", "review", "done"]
    static let unknownKeys = ["x-custom", "estimate_note", "clé", "ключ", "links", "Notes", "x_1", "über", "\"quoted key\"", "owner"]
    static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")

    /// A one-line value with an optional trailing comment, as (text, comment).
    static func inlineValue<R: RandomNumberGenerator>(_ rng: inout R) -> (String, String?) {
        let value: String
        switch rng.int(0...6) {
        case 0: value = rng.pick(["42", "-3.5", "1e3", "0x1F", "true", "false", "~", "null", "2026-03-02", "12:30"])
        case 1: value = "[" + (0..<rng.int(0...3)).map { _ in rng.pick(scalarStyles(rng.pick(sampleTexts))) }.joined(separator: ", ") + "]"
        case 2: value = "{a: 1, \"b c\": [x, 'y z'], d: {e: é}}"
        default: value = rng.pick(scalarStyles(rng.pick(sampleTexts)))
        }
        let comment = rng.chance(0.3) ? rng.pick(sampleComments) : nil
        return (value, comment)
    }

    /// The lines of an unknown key's value in any style: one line, block sequence or mapping, block scalar, multi-line flow.
    static func valueLines<R: RandomNumberGenerator>(key: String, _ rng: inout R) -> ([String], String?) {
        let indent = String(repeating: " ", count: rng.pick([2, 4]))
        switch rng.int(0...9) {
        case 0:
            let dash = rng.pick(["", indent])
            return (["\(key):"] + (1...rng.int(1...4)).map { _ in dash + "- " + rng.pick(scalarStyles(rng.pick(sampleTexts))) }, nil)
        case 1:
            var lines = ["\(key):", indent + "name: " + rng.pick(scalarStyles(rng.pick(sampleTexts)))]
            if rng.chance(0.5) { lines.append(indent + "# a comment inside the mapping") }
            lines += [indent + "list:", indent + indent + "- 1", indent + indent + "- " + rng.pick(scalarStyles(rng.pick(sampleTexts)))]
            lines.append(indent + "flag: " + rng.pick(["yes", "false", "~"]))
            return (lines, nil)
        case 2:
            var lines = ["\(key): " + rng.pick(["|", ">", "|-", ">+", "|2"])]
            for n in 0..<rng.int(1...4) {
                if n > 0 && rng.chance(0.2) { lines.append("") }
                lines.append(indent + rng.pick(sampleTexts + ["# not a comment in a block", "key: not a key", "---x", "& not an anchor"])
                    .trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\u{2028}", with: " "))
            }
            return (lines, nil)
        case 3:
            return (["\(key): [" + rng.pick(scalarStyles(rng.pick(sampleTexts))) + ",", indent + rng.pick(scalarStyles(rng.pick(sampleTexts))) + "]"], nil)
        case 4:
            return (["\(key):"], nil)
        default:
            let (value, comment) = inlineValue(&rng)
            return (["\(key): " + value + (comment.map { " " + $0 } ?? "")], comment)
        }
    }

    static func commentLines<R: RandomNumberGenerator>(_ rng: inout R) -> [String] {
        guard rng.chance(0.35) else { return [] }
        return (1...rng.int(1...2)).map { _ in rng.pick(["", "# comment", "  # indented comment", "#", "# ü ünïcödé ---", "   "]) }
    }

    static func body<R: RandomNumberGenerator>(_ rng: inout R) -> String {
        switch rng.int(0...5) {
        case 0: return ""
        case 1: return "\n"
        case 2:
            let line = "Long body line with ünïcödé, --- and key: value that must survive byte for byte. "
            return String(repeating: line + "\n", count: rng.int(200...1500))
        default:
            return (0..<rng.int(1...8)).map { _ in rng.pick(sampleTexts + ["---", "- [ ] criterion", "status: done", "", "```yaml", "a: *b", "\t"]) }
                .joined(separator: "\n") + rng.pick(["", "\n", "\n\n"])
        }
    }

    /// A random valid item file.
    static let item = Generator<GeneratedItem, Shrink.None<GeneratedItem>> { rng in
        let id = "B-" + String((0..<5).map { _ in rng.pick(alphabet) })
        func scalar(_ text: String, _ rng: inout any SeededRandomNumberGenerator) -> String { rng.pick(scalarStyles(text)) }
        var chunks: [Chunk] = []
        func add(_ key: String, _ lines: [String], _ comment: String? = nil, _ rng: inout any SeededRandomNumberGenerator) {
            let name = key.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            chunks.append(Chunk(before: commentLines(&rng), key: name, lines: lines, comment: comment))
        }
        let idStyle = rng.pick([id, "\"\(id)\"", "'\(id)'"])
        add("id", ["id: " + idStyle], nil, &rng)
        let title = rng.pick(sampleTexts.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty })
        let titleComment: String? = rng.chance(0.3) ? rng.pick(sampleComments) : nil
        add("title", ["title: " + scalar(title, &rng) + (titleComment.map { " " + $0 } ?? "")], titleComment, &rng)
        add("type", ["type: " + rng.pick(["story", "bug", "'task'", "\"spike\""])], nil, &rng)
        let statusComment: String? = rng.chance(0.3) ? rng.pick(sampleComments) : nil
        add("status", ["status: " + rng.pick(statuses) + (statusComment.map { " " + $0 } ?? "")], statusComment, &rng)
        if rng.chance(0.6) {
            let comment: String? = rng.chance(0.4) ? rng.pick(sampleComments) : nil
            add("points", ["points: " + rng.pick(["0", "1", "3", "5", "8", "13"]) + (comment.map { " " + $0 } ?? "")], comment, &rng)
        }
        if rng.chance(0.6) { add("rank", ["rank: " + rng.pick(["1000", "1500.5", "2e3", "-7"])], nil, &rng) }
        if rng.chance(0.5) {
            add("tags", rng.chance(0.5) ? ["tags: [billing, \"q3 goals\", 'ü']"] : ["tags:", "  - billing", "  - 'q3 goals'"], nil, &rng)
        }
        if rng.chance(0.3) { add("updated", ["updated: 2026-01-05"], nil, &rng) }
        var used = Set<String>()
        for _ in 0..<rng.int(0...5) {
            let key = rng.pick(unknownKeys)
            guard used.insert(key).inserted else { continue }
            let (lines, comment) = valueLines(key: key, &rng)
            add(key, lines, comment, &rng)
        }
        chunks.shuffle(using: &rng)
        // After a block scalar (`|`, `>`), an indented `#` line is text of the block, not a comment before the next key.
        func afterBlock(_ i: Int) -> Bool { i > 0 && ["|", ">"].contains(chunks[i - 1].lines[0].split(separator: " ").last?.first) }
        for i in chunks.indices where afterBlock(i) { chunks[i].before.removeAll { $0.hasPrefix(" ") && $0.contains("#") } }
        let closing = rng.pick(["---\n", "---\n", "---\n", "---", "...\n", "---  \n"])
        var trailing = commentLines(&rng)
        if afterBlock(chunks.count) { trailing.removeAll { $0.hasPrefix(" ") && $0.contains("#") } }
        return GeneratedItem(bom: rng.chance(0.2), crlf: rng.chance(0.3), chunks: chunks, trailing: trailing,
                             closing: closing, body: closing.hasSuffix("\n") ? body(&rng) : "", id: id)
    }
}

/// A random edit: set a value or remove a key.
enum Edit: Sendable, CustomStringConvertible {
    case set(String, YAMLValue)
    case remove(String)

    var description: String {
        switch self {
        case .set(let k, let v): return "set \(k) = \(v)"
        case .remove(let k): return "remove \(k)"
        }
    }

    static func random<R: RandomNumberGenerator>(_ rng: inout R) -> Edit {
        let text = rng.pick(sampleTexts)
        switch rng.int(0...12) {
        case 0: return .set("status", .string(rng.pick(ItemGen.statuses)))
        case 1: return .set("points", .number(rng.pick([0, 1, 2, 3, 5, 8, 13, 21])))
        case 2: return .set("rank", .number(rng.pick([1000, 1500.25, -3, 0.1, 1e20, 123456789.125, 1e-7])))
        case 3: return .set("tags", .list((0..<rng.int(0...3)).map { _ in rng.pick(sampleTexts) }))
        case 4: return .set(rng.pick(["assignee", "title"]), .string(text.trimmingCharacters(in: .whitespaces).isEmpty ? "x" : text))
        case 5: return .set("updated", .date("2026-03-0\(rng.int(1...9))"))
        case 6: return .set(rng.pick(ItemGen.unknownKeys.filter { !$0.hasPrefix("\"") }), .string(text))
        case 7: return .set("x-custom", .map([YAMLPair("note", .string(text)), YAMLPair("n", .number(2)),
                                              YAMLPair("list", .seq([.string(text), .bool(true)]))]))
        case 8: return .set("links", .seq([.map([YAMLPair("id", .string("B-2m8kd")), YAMLPair("points", .number(3))]), .string(text)]))
        case 9: return .set(rng.pick(["iteration", "owner", "Notes"]), rng.pick([.null, .bool(false), .date("2026-12-31")]))
        case 10: return .set("x_1", .string("multi\nline \u{7} text"))
        default:
            let key = rng.pick(["points", "rank", "tags", "updated", "assignee", "absent"] + ItemGen.unknownKeys)
            return .remove(key.trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
        }
    }
}

/// True when a parsed node holds exactly the value `board` was asked to write.
func holds(_ node: Node?, _ value: YAMLValue) -> Bool {
    guard let node else { return false }
    switch value {
    case .string(let s): return node.scalar?.string == s && node.resolvedTag == .str
    case .date(let d): return node.scalar?.string == d
    case .number(let n):
        return (node.resolvedTag == .int && node.int.map(Double.init) == n) || (node.resolvedTag == .float && node.float == n)
    case .bool(let b): return node.resolvedTag == .bool && node.bool == b
    case .null: return node.resolvedTag == .null
    case .list(let items): return node.sequence.map { $0.count == items.count && $0.compactMap(\.string) == items } ?? false
    case .seq(let items):
        guard let seq = node.sequence, seq.count == items.count else { return false }
        return zip(seq, items).allSatisfy { holds($0, $1) }
    case .map(let pairs):
        guard let map = node.mapping, map.count == pairs.count else { return false }
        return zip(map, pairs).allSatisfy { $0.key.string == $1.key && holds($0.value, $1.value) }
    }
}

@Suite struct RoundTripPropertyTests {
    @Test func generatedFilesParse() async {
        await propertyCheck(count: propertyCases, input: ItemGen.item) { item in
            let doc = try FrontMatterDocument(data: item.data, path: "backlog/x.md")
            #expect(doc.data == item.data, "reading and writing back without an edit changes nothing")
            #expect(doc.fields.map(\.key) == item.chunks.map(\.key))
            #expect(Record(path: "backlog/x.md", document: doc).id == item.id)
        }
    }

    /// Edits through `Record.set` / `remove`: the bytes are exactly the input with only the edited keys' lines
    /// changed, and reading the output again gives the edited values.
    @Test func recordEditsChangeOnlyTheirLines() async {
        let edits = Generator<[Edit], Shrink.None<[Edit]>> { rng in (0..<rng.int(1...4)).map { _ in Edit.random(&rng) } }
        await propertyCheck(count: propertyCases, input: ItemGen.item, edits) { item, edits in
            var record = try Record(path: "backlog/x.md", data: item.data)
            var expected = item
            for edit in edits {
                switch edit {
                case .set(let key, let value): record.set(key, value); expected.set(key, value)
                case .remove(let key): record.remove(key); expected.remove(key)
                }
            }
            #expect(firstDifference(String(decoding: record.document.data, as: UTF8.self), expected.text) == nil, "edits: \(edits)")
            let reread = try Record(path: "backlog/x.md", data: record.document.data)
            expectValues(reread, after: edits)
        }
    }

    /// The same through the `Workspace` operations behind `board move`, `set` and `rank`
    /// (each also stamps `updated` with today when the file changed).
    @Test func workspaceEditsChangeOnlyTheirLines() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("board-prop-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let template = try Data(contentsOf: URL(fileURLWithPath: Sandbox.packageRoot + "/board-template/board.yml"))
        let workspace = Workspace(root: root, config: try BoardConfig(data: template), repository: nil)
        // A neighbour with rank 5000: ranking before it gives ceil(5000/1000)*1000 - 1000 = 4000, after it 5000 + 1000 = 6000.
        try atomicWrite(Data("---\nid: B-other\ntitle: Other\ntype: task\nstatus: backlog\nrank: 5000\n---\n".utf8),
                        to: root + "/backlog/B-other-other.md")
        let operations = Generator<Int, Shrink.None<Int>> { rng in rng.int(0...1_000_000) }
        let noCommit = WriteOptions(commit: false)
        await propertyCheck(count: propertyCases, input: ItemGen.item, operations) { item, seed in
            var rng = SplitMix(seed: UInt64(seed))
            let path = "backlog/\(item.id)-generated.md"
            try atomicWrite(item.data, to: workspace.absolute(path))
            defer { unlink(workspace.absolute(path)) }
            var expected = item
            var edits: [Edit] = []
            switch rng.int(0...3) {
            case 0:
                let status = rng.pick(ItemGen.statuses)
                _ = try workspace.moveItem(item.id, to: status, options: noCommit)
                edits = [.set("status", .string(status))]
            case 1:
                let choices: [(RankPosition, Double)] = [
                    (.top, 4000), (.bottom, 6000), (.before("B-other"), 4000), (.after("b-OTHER"), 6000), (.value(2500.5), 2500.5),
                ]
                let (position, rank) = rng.pick(choices)
                _ = try workspace.rankItem(item.id, position, options: noCommit)
                edits = [.set("rank", .number(rank))]
            default:
                var assignments: [String] = []
                for _ in 0..<rng.int(1...3) {
                    let text = rng.pick(sampleTexts).trimmingCharacters(in: .whitespaces)
                    switch rng.int(0...5) {
                    case 0:
                        let p = rng.pick([0, 1, 2, 3, 5, 8, 13, 21])
                        assignments.append("points=\(p)"); edits.append(.set("points", .number(Double(p))))
                    case 1:
                        assignments.append("assignee=\(text)"); edits.append(.set("assignee", .string(text)))
                    case 2:
                        let tags = sampleTexts.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.contains(",") && !$0.isEmpty && !$0.hasPrefix("[") }
                        let chosen = (0..<rng.int(1...3)).map { _ in rng.pick(tags) }
                        assignments.append("tags=" + chosen.joined(separator: ",")); edits.append(.set("tags", .list(chosen)))
                    case 3:
                        assignments.append("iteration=2026-S05"); edits.append(.set("iteration", .string("2026-S05")))
                    case 4:
                        let key = rng.pick(["points", "rank", "tags", "x-custom", "Notes"])
                        assignments.append("\(key)="); edits.append(.remove(key))
                    default:
                        assignments.append("title=\(text)"); edits.append(.set("title", .string(text)))
                    }
                }
                _ = try workspace.setFields(item.id, assignments, options: noCommit)
            }
            for edit in edits {
                switch edit {
                case .set(let key, let value): expected.set(key, value)
                case .remove(let key): expected.remove(key)
                }
            }
            if expected.text != item.text { expected.set("updated", .date(Workspace.today)) }
            let written = try Data(contentsOf: URL(fileURLWithPath: workspace.absolute(path)))
            #expect(firstDifference(String(decoding: written, as: UTF8.self), expected.text) == nil, "edits: \(edits)")
            expectValues(try Record(path: path, data: written), after: edits)
        }
    }

    func expectValues(_ record: Record, after edits: [Edit], sourceLocation: SourceLocation = #_sourceLocation) {
        var final: [String: Edit] = [:]
        for edit in edits {
            switch edit {
            case .set(let key, _), .remove(let key): final[key] = edit
            }
        }
        for (key, edit) in final {
            switch edit {
            case .set(_, let value):
                #expect(holds(record.document.value(key), value), "\(key): \(String(describing: record.document.value(key))) is not \(value)",
                        sourceLocation: sourceLocation)
            case .remove:
                #expect(!record.has(key), "\(key) was removed", sourceLocation: sourceLocation)
            }
        }
    }
}

/// The first line where two texts differ, with its number, or nil when they are equal.
func firstDifference(_ actual: String, _ expected: String) -> String? {
    guard actual != expected else { return nil }
    // Split on "\n" scalars: a Swift String keeps "\r\n" together as one Character.
    func lines(_ s: String) -> [String] { s.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) } }
    let a = lines(actual), b = lines(expected)
    for n in 0..<max(a.count, b.count) where n >= a.count || n >= b.count || a[n] != b[n] {
        return "line \(n + 1): got \(n < a.count ? a[n].debugDescription : "end of file"), expected \(n < b.count ? b[n].debugDescription : "end of file")"
    }
    return "differ"
}

/// A small seeded generator for choices made inside one property case.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
