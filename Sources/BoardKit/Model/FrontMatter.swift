import Foundation
import Yams

/// A Markdown file with YAML front matter, kept as its raw bytes.
///
/// Reading goes through Yams; writing never re-serialises the document. An
/// edit replaces only the lines of the one top-level key it changes, so key
/// order, comments, unknown keys, line endings and the body survive byte for byte.
/// `@unchecked Sendable`: Yams nodes are values whose tags resolve lazily; a document is only
/// ever used by one thread at a time (parsed in parallel, then handed over whole).
public struct FrontMatterDocument: @unchecked Sendable {
    /// Bytes before the first front-matter line: an optional BOM and the opening `---` line.
    let head: [UInt8]
    /// Front-matter lines without their `\n` (a `\r` of a CRLF file stays in the line).
    var lines: [String]
    /// The closing `---` line and the body, untouched.
    let tail: [UInt8]
    /// 1-based line number in the file of the first front-matter line.
    public let firstLine: Int
    let crlf: Bool

    /// Top-level keys in file order with their values and 0-based index into `lines`.
    public private(set) var fields: [(key: String, value: Node, line: Int)] = []

    /// Maximum front-matter size accepted, to bound time and memory on hostile input.
    public static let maxFrontMatterBytes = 256 * 1024

    public init(data: Data, path: String) throws {
        let bytes = [UInt8](data)
        func fail(_ line: Int?, _ message: String) -> BoardError {
            .invalidFile(Diagnostic(path: path, line: line, message: message))
        }
        if bytes.isEmpty { throw fail(1, "empty file: expected front matter starting with ---") }
        if bytes.contains(0) { throw fail(nil, "binary file (contains NUL bytes)") }
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        guard let firstEnd = bytes[start...].firstIndex(of: 0x0A),
              Self.isDelimiter(bytes[start..<firstEnd], dash: true) else {
            throw fail(1, "missing front matter: the file must start with a line ---")
        }
        crlf = firstEnd > start && bytes[firstEnd - 1] == 0x0D
        head = Array(bytes[..<(firstEnd + 1)])
        var lineStart = firstEnd + 1
        var closing: Int?
        var lineNumber = 2
        while lineStart < bytes.count {
            let end = bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.count
            if Self.isDelimiter(bytes[lineStart..<end], dash: true) || Self.isDelimiter(bytes[lineStart..<end], dash: false) {
                closing = lineStart
                break
            }
            lineStart = end + 1
            lineNumber += 1
        }
        guard let closing else { throw fail(1, "unterminated front matter: no closing --- line") }
        let fmBytes = bytes[(firstEnd + 1)..<closing]
        if fmBytes.count > Self.maxFrontMatterBytes {
            throw fail(2, "front matter is larger than \(Self.maxFrontMatterBytes / 1024) KiB")
        }
        guard let text = String(validating: fmBytes, as: UTF8.self) else {
            throw fail(nil, "front matter is not valid UTF-8")
        }
        // Split on "\n" bytes: in a Swift String "\r\n" is one Character and would not split.
        var split = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
        if split.last == "" { split.removeLast() }
        lines = split
        tail = Array(bytes[closing...])
        firstLine = 2
        fields = try parseFields(path: path)
    }

    private static func isDelimiter(_ line: ArraySlice<UInt8>, dash: Bool) -> Bool {
        var trimmed = line
        while let last = trimmed.last, last == 0x0D || last == 0x20 || last == 0x09 { trimmed.removeLast() }
        let mark: UInt8 = dash ? 0x2D : 0x2E
        return trimmed.count == 3 && trimmed.allSatisfy { $0 == mark }
    }

    private var yamlText: String { lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n" }

    /// Top-level fields: the fast flat reader when the text is simple, else Yams.
    func parseFields(path: String, fast: Bool = true) throws -> [(key: String, value: Node, line: Int)] {
        if fast, let flat = FlatFrontMatter.parse(lines) { return flat }
        let text = yamlText
        if text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "*") }), Self.hasAnchors(text) {
            throw BoardError.invalidFile(Diagnostic(path: path, line: firstLine,
                                                    message: "YAML anchors and aliases are not allowed in front matter"))
        }
        let root: Node?
        do {
            // No implicit-tag regexes at parse time: plain scalars are typed on demand by
            // `Node.resolvedTag`, which is much faster than Yams' regular expressions.
            // The encoding is given: Yams' default reads the process environment on every parse.
            root = try Yams.compose(yaml: text, Resolver.basic, Constructor.default, .utf8)
        } catch let error as YamlError {
            throw BoardError.invalidFile(Self.diagnostic(for: error, path: path, offset: firstLine - 1))
        } catch {
            throw BoardError.invalidFile(Diagnostic(path: path, line: firstLine, message: "invalid YAML: \(error)"))
        }
        guard let root else { return [] }
        guard case .mapping(let mapping) = root else {
            throw BoardError.invalidFile(Diagnostic(path: path, line: (root.mark?.line ?? 1) + firstLine - 1,
                                                    message: "front matter must be a mapping of keys to values"))
        }
        var result: [(key: String, value: Node, line: Int)] = []
        for (key, value) in mapping {
            let line = (key.mark?.line ?? 1) - 1
            guard let name = key.string, case .scalar = key else {
                throw BoardError.invalidFile(Diagnostic(path: path, line: line + firstLine,
                                                        message: "front-matter keys must be plain strings"))
            }
            if let mark = key.mark, mark.column != 1 {
                throw BoardError.invalidFile(Diagnostic(path: path, line: line + firstLine,
                                                        message: "top-level key \(name) must start at column 1"))
            }
            result.append((name, value, line))
        }
        return result
    }

    /// True when the YAML uses an anchor (`&a`) or alias (`*a`) outside quoted text and comments.
    static func hasAnchors(_ text: String) -> Bool {
        for line in text.split(whereSeparator: \.isNewline) {
            var quote: Character?
            var previous: Character = " "
            for ch in line {
                if let q = quote {
                    if ch == q { quote = nil }
                } else if ch == "\"" || ch == "'" {
                    if previous == " " || previous == ":" || previous == "[" || previous == "," || previous == "-" { quote = ch }
                } else if ch == "#" && previous == " " {
                    break
                } else if (ch == "&" || ch == "*") && (previous == " " || previous == "[" || previous == ",") {
                    return true
                }
                previous = ch
            }
        }
        return false
    }

    static func diagnostic(for error: YamlError, path: String, offset: Int) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return Diagnostic(path: path, line: mark.line + offset, message: "invalid YAML: \(what)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return Diagnostic(path: path, line: context.mark.line + offset,
                              message: "duplicate key \(duplicates.joined(separator: ", "))")
        default:
            return Diagnostic(path: path, line: offset + 1, message: "invalid YAML: \(error)")
        }
    }

    // MARK: Reading

    public func value(_ key: String) -> Node? {
        // By index: iterating `fields` would copy (retain and release) every key and node on the way.
        for i in fields.indices where fields[i].key == key { return fields[i].value }
        return nil
    }

    /// The 1-based file line of a key, for diagnostics.
    public func lineNumber(of key: String) -> Int? {
        fields.first { $0.key == key }.map { $0.line + firstLine }
    }

    /// The body after the closing delimiter line.
    public var body: Data {
        guard let end = tail.firstIndex(of: 0x0A) else { return Data() }
        return Data(tail[(end + 1)...])
    }

    public var data: Data {
        var out = Data(head)
        out.append(contentsOf: Array(yamlText.utf8))
        out.append(contentsOf: tail)
        return out
    }

    // MARK: Editing

    /// Sets a top-level key to a value, replacing only that key's lines
    /// (keeping a trailing comment on a one-line value), or appending the key.
    public mutating func set(_ key: String, _ value: YAMLValue) {
        let eol = crlf ? "\r" : ""
        var newLines = value.lines(key: key).map { $0 + eol }
        if let index = fields.firstIndex(where: { $0.key == key }) {
            let range = span(ofFieldAt: index)
            if range.count == 1, newLines.count == 1, let comment = Self.trailingComment(lines[range.lowerBound]) {
                newLines[0] = String(newLines[0].dropLast(eol.count)) + " " + comment + eol
            }
            lines.replaceSubrange(range, with: newLines)
        } else {
            let insertAt = fields.isEmpty ? lines.count : span(ofFieldAt: fields.count - 1).upperBound
            lines.insert(contentsOf: newLines, at: insertAt)
        }
        reindex()
    }

    /// Removes a top-level key and its value lines.
    public mutating func remove(_ key: String) {
        guard let index = fields.firstIndex(where: { $0.key == key }) else { return }
        lines.removeSubrange(span(ofFieldAt: index))
        reindex()
    }

    /// Lines of a field: from its key to the next key, without trailing blank or comment-only lines.
    private func span(ofFieldAt index: Int) -> Range<Int> {
        let start = fields[index].line
        var end = index + 1 < fields.count ? fields[index + 1].line : lines.count
        while end > start + 1 {
            let trimmed = lines[end - 1].trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.isEmpty || trimmed.hasPrefix("#") else { break }
            end -= 1
        }
        return start..<end
    }

    private mutating func reindex() {
        // The edited text was produced from valid YAML and valid values, so it parses.
        fields = (try? parseFields(path: "")) ?? fields
    }

    /// ` # comment` at the end of a simple `key: value` line, if any.
    static func trailingComment(_ line: String) -> String? {
        let content = line.hasSuffix("\r") ? String(line.dropLast()) : line
        guard let colon = content.firstIndex(of: ":") else { return nil }
        let rest = content[content.index(after: colon)...]
        let trimmed = rest.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("\"") || trimmed.hasPrefix("'") || trimmed.hasPrefix("[") || trimmed.hasPrefix("{") {
            // Quoted and flow values may contain " #"; only keep comments after the closing mark.
            guard let closer = trimmed.first.map({ $0 == "[" ? "]" : $0 == "{" ? "}" : $0 }),
                  let end = trimmed.dropFirst().lastIndex(of: closer) else { return nil }
            let after = trimmed[trimmed.index(after: end)...].trimmingCharacters(in: .whitespaces)
            return after.hasPrefix("#") ? after : nil
        }
        guard let hash = rest.range(of: " #") else { return nil }
        return String(rest[hash.lowerBound...]).trimmingCharacters(in: .whitespaces)
    }
}

/// A value `board` writes into front matter.
public enum YAMLValue: Equatable, Sendable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case list([String])
    /// A calendar date `YYYY-MM-DD`, written plain.
    case date(String)
    case null
    /// A mapping in key order; written as a block under its key (flow style `{k: v}` inside a sequence).
    indirect case map([YAMLPair])
    /// A sequence of any values; written as a block list.
    indirect case seq([YAMLValue])

    /// The lines of `key: value`, a block for non-empty maps and sequences.
    public func lines(key: String) -> [String] {
        switch self {
        case .map(let pairs) where !pairs.isEmpty:
            return ["\(key):"] + pairs.flatMap { $0.value.lines(key: $0.key).map { "  " + $0 } }
        case .seq(let items) where !items.isEmpty:
            return ["\(key):"] + items.map { "  - " + $0.rendered }
        default:
            let text = rendered
            return [text.isEmpty ? "\(key):" : "\(key): \(text)"]
        }
    }

    /// The value as one line: a scalar, or a flow sequence or mapping.
    public var rendered: String {
        switch self {
        case .map(let pairs): return "{" + pairs.map { "\(Self.scalar($0.key)): \($0.value.rendered)" }.joined(separator: ", ") + "}"
        case .seq(let items): return "[" + items.map(\.rendered).joined(separator: ", ") + "]"
        case .string(let s): return Self.scalar(s)
        case .number(let n): return Self.format(n)
        case .bool(let b): return b ? "true" : "false"
        case .list(let items): return "[" + items.map(Self.scalar).joined(separator: ", ") + "]"
        case .date(let d): return isDate(d) ? d : Self.scalar(d)
        case .null: return ""
        }
    }

    public static func format(_ n: Double) -> String {
        if n == n.rounded(), abs(n) < 1e15 { return String(Int(n)) }
        return String(n)
    }

    /// A string as a plain scalar when that reads back as the same string, else double-quoted.
    static func scalar(_ s: String) -> String {
        if isPlainSafe(s) { return s }
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                    || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0xFEFF {
                    out += String(format: "\\u%04X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static func isPlainSafe(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, let last = s.unicodeScalars.last else { return false }
        if first == " " || last == " " { return false }
        if "-?:,[]{}#&*!|>'\"%@`~".unicodeScalars.contains(first) { return false }
        if s.contains(": ") || s.contains(" #") || s.hasSuffix(":") { return false }
        if s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0.value > 0x7E && !$0.properties.isAlphabetic && !$0.properties.isMath }) {
            return false
        }
        if s.contains(",") || s.contains("[") || s.contains("]") || s.contains("{") || s.contains("}") { return false }
        // Would Yams read it as something other than a string (number, bool, null, date)?
        guard let node = try? Yams.compose(yaml: "k: " + s, Resolver.basic), case .mapping(let m) = node,
              let v = m["k"], case .scalar(let scalar) = v, scalar.string == s else { return false }
        return v.resolvedTag == .str
    }
}

/// One key and value of a `YAMLValue.map`.
public struct YAMLPair: Equatable, Sendable {
    public var key: String
    public var value: YAMLValue

    public init(_ key: String, _ value: YAMLValue) {
        self.key = key
        self.value = value
    }
}

/// True for a calendar date written `YYYY-MM-DD`.
public func isDate(_ s: String) -> Bool {
    let parts = s.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
          let month = Int(parts[1]), let day = Int(parts[2]), Int(parts[0]) != nil else { return false }
    return (1...12).contains(month) && (1...31).contains(day)
}

extension Node {
    /// The node's type as YAML 1.1 (Yams' default resolver) reads it: `.str` for quoted or
    /// explicitly tagged strings; for plain scalars `.null`, `.bool`, `.int`, `.float`,
    /// `.timestamp` or `.str`, decided by plain string tests rather than regular expressions.
    public var resolvedTag: Tag.Name {
        guard case .scalar(let scalar) = self else { return Tag.Name(rawValue: tag.description) }
        if scalar.style != .plain { return .str }
        // Yams rewrites an implicit tag in place once anything resolves it (its `.basic` resolver
        // gives `str`), so a plain scalar tagged `str` is classified too; an explicit `!!str` on a
        // plain scalar is read like an untagged one.
        let explicit = scalar.tag.description
        if !explicit.isEmpty && explicit != "!" && explicit != Tag.Name.str.rawValue { return Tag.Name(rawValue: explicit) }
        return Self.classify(plain: scalar.string)
    }

    private static let floatBytes = Set("0123456789+-.eE_".utf8)

    static func classify(plain s: String) -> Tag.Name {
        switch s {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES", "no", "No", "NO",
             "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N":
            return .bool
        case ".inf", ".Inf", ".INF", "+.inf", "-.inf", "+.Inf", "-.Inf", ".nan", ".NaN", ".NAN": return .float
        default: break
        }
        guard let first = s.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
                || first == UInt8(ascii: ".") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return .str }
        if Int(s) != nil { return .int }
        if isDate(s) { return .timestamp }
        if s.utf8.allSatisfy(floatBytes.contains), Double(s.replacingOccurrences(of: "_", with: "")) != nil { return .float }
        return .str
    }

    /// A plain scalar's number, or nil.
    public var number: Double? {
        guard case .scalar(let scalar) = self else { return nil }
        switch resolvedTag {
        case .int, .float:
            let text = scalar.string
            return Double(text) ?? Double(text.replacingOccurrences(of: "_", with: ""))
        default: return nil
        }
    }

    /// The node as a plain Swift value for JSON: String, Int, Double, Bool, NSNull, arrays and dictionaries.
    public var plainValue: Any {
        switch self {
        case .scalar(let scalar):
            switch resolvedTag {
            case .int: return Int(scalar.string) ?? scalar.string
            case .float: return number ?? scalar.string
            case .bool: return ["true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"].contains(scalar.string)
            case .null: return NSNull()
            default: return scalar.string
            }
        case .sequence(let seq): return seq.map { $0.plainValue }
        case .mapping(let map):
            var dict: [String: Any] = [:]
            for (k, v) in map { dict[k.string ?? "\(k)"] = v.plainValue }
            return dict
        case .alias: return NSNull()
        }
    }
}
