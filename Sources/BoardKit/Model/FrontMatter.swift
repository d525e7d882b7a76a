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
    /// The stored state, shared between copies until one of them is edited (copy on write):
    /// copying a document, or a `Record`, costs one retain instead of one per field.
    private final class Storage {
        var head: [UInt8]
        var lines: [String]
        var tail: [UInt8]
        var firstLine: Int
        var crlf: Bool
        var keys: [String] = []
        var values: [FieldValue] = []
        var lineIndexes: [Int] = []
        /// From the record cache: the board folder (ending in `/`) and the file's path in it, kept
        /// apart so that 10,000 records share one folder string and each its record's path.
        var origin: (root: String, path: String)?
        /// From the record cache: whether the body holds a checklist line (nil: read the body).
        var hasChecklist: Bool?

        init(head: [UInt8], lines: [String], tail: [UInt8], firstLine: Int, crlf: Bool, origin: (root: String, path: String)?) {
            self.head = head
            self.lines = lines
            self.tail = tail
            self.firstLine = firstLine
            self.crlf = crlf
            self.origin = origin
        }

        func copy() -> Storage {
            let other = Storage(head: head, lines: lines, tail: tail, firstLine: firstLine, crlf: crlf, origin: origin)
            other.keys = keys
            other.values = values
            other.lineIndexes = lineIndexes
            other.hasChecklist = hasChecklist
            return other
        }
    }

    private var storage: Storage

    /// Bytes before the first front-matter line: an optional BOM and the opening `---` line.
    var head: [UInt8] { storage.head }
    /// Front-matter lines without their `\n` (a `\r` of a CRLF file stays in the line).
    var lines: [String] { storage.lines }
    /// The closing `---` line and the body, untouched.
    var tail: [UInt8] { storage.tail }
    /// 1-based line number in the file of the first front-matter line.
    public var firstLine: Int { storage.firstLine }
    var crlf: Bool { storage.crlf }

    /// Top-level keys in file order, their values and 0-based indexes into `lines`.
    public var keys: [String] { storage.keys }
    public var values: [FieldValue] { storage.values }
    var lineIndexes: [Int] { storage.lineIndexes }

    /// Set on a document built from the record cache: the file's absolute path. Such a
    /// document holds fields only (no lines, no body); `body`, `data` and edits read the file again.
    public var origin: String? { storage.origin.map { $0.root + $0.path } }
    /// Set on a document from the record cache: whether its body holds a checklist line.
    var cachedHasChecklist: Bool? { storage.hasChecklist }

    /// Top-level fields in file order as Yams nodes, with their 0-based index into `lines`.
    public var fields: [(key: String, value: Node, line: Int)] {
        keys.indices.map { (keys[$0], values[$0].node, lineIndexes[$0]) }
    }

    /// Changes whenever reading front matter changes, so parsed-front-matter caches of other builds are not trusted.
    static let parserVersion = "2026-11-28"

    /// Maximum front-matter size accepted, to bound time and memory on hostile input.
    public static let maxFrontMatterBytes = 256 * 1024

    /// `topLevelOnly`: for a quick look at the top-level keys only, as the history engine takes
    /// of iteration files; a key whose value is an indented block may read as null then, and the
    /// block's YAML is not checked. Such a document is not for edits.
    public init(data: Data, path: String, topLevelOnly: Bool = false) throws {
        let bytes = [UInt8](data)
        func fail(_ line: Int?, _ message: String) -> BoardError {
            .invalidFile(Diagnostic(path: path, line: line, message: message))
        }
        if bytes.isEmpty { throw fail(1, "empty file: expected front matter starting with ---") }
        if let nul = bytes.firstIndex(of: 0) { throw fail(Self.line(at: nul, in: bytes[...]), "binary file (contains NUL bytes)") }
        guard let (firstEnd, found) = Self.delimiters(bytes) else {
            throw fail(1, "missing front matter: the file must start with a line ---")
        }
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let crlf = firstEnd > start && bytes[firstEnd - 1] == 0x0D
        guard let closing = found else { throw fail(1, "unterminated front matter: no closing --- line") }
        let fmBytes = bytes[(firstEnd + 1)..<closing]
        if fmBytes.count > Self.maxFrontMatterBytes {
            throw fail(2, "front matter is larger than \(Self.maxFrontMatterBytes / 1024) KiB")
        }
        // Split on "\n" bytes: in a Swift String "\r\n" is one Character and would not split.
        // A byte 0x0A is never inside a multi-byte UTF-8 sequence, so each line is checked alone.
        var split: [String] = []
        var lineStart = fmBytes.startIndex
        while lineStart < fmBytes.endIndex {
            let end = fmBytes[lineStart...].firstIndex(of: 0x0A) ?? fmBytes.endIndex
            guard let line = String(validating: fmBytes[lineStart..<end], as: UTF8.self) else {
                throw fail(Self.lineOfInvalidUTF8(bytes[..<closing]), "front matter is not valid UTF-8")
            }
            split.append(line)
            lineStart = end + 1
        }
        // YAML also breaks lines at a lone CR, NEL, U+2028 and U+2029; edits address lines split
        // at LF, so such a break would put an edit on the wrong line. Only CR and the lead bytes
        // of the other three (0xC2, 0xE2) need the line-by-line look.
        if fmBytes.contains(where: { $0 == 0x0D || $0 == 0xC2 || $0 == 0xE2 }), let bad = split.firstIndex(where: { line in
            line.unicodeScalars.dropLast().contains("\r")
                || line.unicodeScalars.contains { $0 == "\u{85}" || $0 == "\u{2028}" || $0 == "\u{2029}" }
        }) {
            throw fail(bad + 2, "line break other than LF or CRLF (a lone CR, NEL, U+2028 or U+2029) in front matter")
        }
        storage = Storage(head: Array(bytes[..<(firstEnd + 1)]), lines: split, tail: Array(bytes[closing...]),
                          firstLine: 2, crlf: crlf, origin: nil)
        setFields(try topLevelOnly ? FlatFrontMatter.parseTopLevel(split) ?? parseFields(path: path) : parseFields(path: path))
    }

    /// A document of fields only, from the record cache; `originRoot + path` is the file's absolute path.
    init(cachedKeys keys: [String], values: [FieldValue], lineIndexes: [Int], firstLine: Int, originRoot: String,
         path: String, hasChecklist: Bool? = nil) {
        storage = Storage(head: [], lines: [], tail: [], firstLine: firstLine, crlf: false, origin: (originRoot, path))
        storage.hasChecklist = hasChecklist
        storage.keys = keys
        storage.values = values
        storage.lineIndexes = lineIndexes
    }

    /// Only on a storage this document owns alone (after `materialize`, or in `init`).
    private func setFields(_ fields: [FlatFrontMatter.Field]) {
        storage.keys = fields.map(\.key)
        storage.values = fields.map(\.value)
        storage.lineIndexes = fields.map(\.line)
    }

    /// The whole document read again from its file (for a cache-built one); nil when the file
    /// can no longer be read (deleted or broken since it was loaded).
    private func reread() -> FrontMatterDocument? {
        guard let origin else { return self }
        guard let data = try? Workspace.readFile(origin, display: origin) else { return nil }
        return try? FrontMatterDocument(data: data, path: origin)
    }

    /// The document to edit. Commands that write read their files with `Workspace.readForWrite`,
    /// so a cache-built document is never edited; if one were, it must start from the file's bytes.
    private func rereadForEdit() -> FrontMatterDocument {
        guard let document = reread() else {
            fatalError("\(origin ?? "") cannot be read again: edits must start from Workspace.readForWrite")
        }
        return document
    }

    /// The offset of the `\n` ending the opening `---` line and of the closing line's start
    /// (nil when unterminated); nil when the file does not start with `---`.
    static func delimiters(_ bytes: [UInt8]) -> (firstEnd: Int, closing: Int?)? {
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        guard let firstEnd = bytes[start...].firstIndex(of: 0x0A),
              isDelimiter(bytes[start..<firstEnd], dash: true) else { return nil }
        var lineStart = firstEnd + 1
        while lineStart < bytes.count {
            let end = bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.count
            if isDelimiter(bytes[lineStart..<end], dash: true) || isDelimiter(bytes[lineStart..<end], dash: false) {
                return (firstEnd, lineStart)
            }
            lineStart = end + 1
        }
        return (firstEnd, nil)
    }

    /// Before an edit: replaces a cache-built document by the file's full text, and gives
    /// this document storage of its own when a copy shares it.
    private mutating func materialize() {
        if origin != nil {
            self = rereadForEdit()
        } else if !isKnownUniquelyReferenced(&storage) {
            storage = storage.copy()
        }
    }

    /// The 1-based line holding byte `offset`.
    static func line(at offset: Int, in bytes: ArraySlice<UInt8>) -> Int {
        1 + bytes[bytes.startIndex..<offset].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    /// The 1-based line of the first byte sequence that is not UTF-8, or nil when all of it is.
    static func lineOfInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> Int? {
        var number = 1
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            if String(validating: line, as: UTF8.self) == nil { return number }
            number += 1
        }
        return nil
    }

    private static func isDelimiter(_ line: ArraySlice<UInt8>, dash: Bool) -> Bool {
        var trimmed = line
        while let last = trimmed.last, last == 0x0D || last == 0x20 || last == 0x09 { trimmed.removeLast() }
        let mark: UInt8 = dash ? 0x2D : 0x2E
        return trimmed.count == 3 && trimmed.allSatisfy { $0 == mark }
    }

    private var yamlText: String { lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n" }

    /// Top-level fields: the fast flat reader when the text is simple, else Yams.
    func parseFields(path: String, fast: Bool = true) throws -> [FlatFrontMatter.Field] {
        if fast, let flat = FlatFrontMatter.parse(lines) { return flat }
        let text = yamlText
        if let line = Self.anchorLine(text) {
            throw BoardError.invalidFile(Diagnostic(path: path, line: firstLine + line,
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
        var result: [FlatFrontMatter.Field] = []
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
            result.append((name, .node(value), line))
        }
        return result
    }

    /// The 0-based line of the first anchor (`&a`) or alias (`*a`) in YAML text, nil if there is none:
    /// an `&` or `*` where a node starts (after indentation, `- `, `? `, `: `, a tag, or `[`, `{`, `,`
    /// in a flow collection), outside quoted text, comments and block scalars. `Fish & chips` is plain text.
    static func anchorLine(_ text: String) -> Int? {
        // Without `&` or `*` there is nothing to look for (most files).
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "*") }) else { return nil }
        var quote: Character?  // an open quote, which may span lines
        var flowDepth = 0
        var blockIndent: Int?  // inside a block scalar (`|`, `>`): lines indented deeper are text
        for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let chars = Array(line)
            let indent = chars.prefix { $0 == " " }.count
            if let block = blockIndent {
                if indent > block || chars.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
                blockIndent = nil
            }
            var nodeStart = quote == nil
            var previous: Character = " "
            var i = 0
            scan: while i < chars.count {
                let ch = chars[i]
                let next: Character = i + 1 < chars.count ? chars[i + 1] : " "
                defer { i += 1 }
                if let q = quote {
                    if q == "\"" && ch == "\\" { i += 1 } else if ch == q {
                        if q == "'" && next == "'" { i += 1 } else { quote = nil }
                    }
                    previous = ch
                    continue
                }
                if ch == " " || ch == "\t" || ch == "\r" { previous = ch; continue }
                if ch == "#" && (previous == " " || previous == "\t") { break scan }
                if nodeStart {
                    if ch == "&" || ch == "*" { return number }
                    if ch == "\"" || ch == "'" {
                        quote = ch
                        nodeStart = false
                    } else if ch == "[" || ch == "{" {
                        flowDepth += 1
                    } else if ch == "!" {
                        while i + 1 < chars.count && chars[i + 1] != " " { i += 1 }
                    } else if (ch == "|" || ch == ">") && flowDepth == 0 {
                        blockIndent = indent
                        break scan
                    } else if !((ch == "-" || ch == "?") && (next == " " || next == "\t")) {
                        if (ch == "]" || ch == "}") && flowDepth > 0 { flowDepth -= 1 }
                        nodeStart = false
                    }
                } else if ch == ":" && (next == " " || next == "\t" || next == "\r" || i + 1 == chars.count || flowDepth > 0) {
                    nodeStart = true
                } else if flowDepth > 0 {
                    if ch == "," || ch == "[" || ch == "{" { nodeStart = true }
                    if ch == "[" || ch == "{" { flowDepth += 1 }
                    if ch == "]" || ch == "}" { flowDepth -= 1 }
                }
                previous = ch
            }
        }
        return nil
    }

    static func diagnostic(for error: YamlError, path: String, offset: Int) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return Diagnostic(path: path, line: mark.line + offset, message: "invalid YAML: \(what)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            // The mark is the first of the keys; report the line that repeats it.
            let lines = context.text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            let prefix = String(repeating: " ", count: max(0, context.mark.column - 1)) + (duplicates.first ?? "") + ":"
            let repeated = lines.indices.dropFirst(context.mark.line).first { lines[$0].hasPrefix(prefix) }.map { $0 + 1 }
            return Diagnostic(path: path, line: (repeated ?? context.mark.line) + offset,
                              message: "duplicate key \(duplicates.joined(separator: ", "))")
        case .reader(let problem, let byte, _, let yaml):
            let line = FrontMatterDocument.line(at: min(byte ?? 0, yaml.utf8.count), in: Array(yaml.utf8)[...])
            return Diagnostic(path: path, line: line + offset, message: "invalid YAML: \(problem)")
        default:
            return Diagnostic(path: path, line: offset + 1, message: "invalid YAML: \(error)")
        }
    }

    // MARK: Reading

    public func value(_ key: String) -> Node? {
        index(of: key).map { values[$0].node }
    }

    /// A field's value without building Yams nodes.
    public func field(_ key: String) -> FieldValue? {
        index(of: key).map { values[$0] }
    }

    /// A field's text, number or list, read in place (no copy of the value).
    func string(_ key: String) -> String? { index(of: key).flatMap { storage.values[$0].string } }
    func number(_ key: String) -> Double? { index(of: key).flatMap { storage.values[$0].number } }
    func strings(_ key: String) -> [String]? { index(of: key).map { storage.values[$0].strings } }

    /// The 1-based file line of a key, for diagnostics.
    public func lineNumber(of key: String) -> Int? {
        index(of: key).map { lineIndexes[$0] + firstLine }
    }

    /// The index of a key; lengths are compared first, which is much cheaper than a string comparison.
    func index(of key: String) -> Int? {
        let count = key.utf8.count
        return storage.keys.firstIndex { $0.utf8.count == count && $0 == key }
    }

    /// The body after the closing delimiter line.
    public var body: Data {
        if let origin {
            // The cache vouches for the front matter: find the body without parsing it again.
            guard let data = try? Workspace.readFile(origin, display: origin), case let bytes = [UInt8](data),
                  let closing = Self.delimiters(bytes)?.closing else { return reread()?.body ?? Data() }
            return Self.body(tail: bytes[closing...])
        }
        return Self.body(tail: tail[...])
    }

    private static func body(tail: ArraySlice<UInt8>) -> Data {
        guard let end = tail.firstIndex(of: 0x0A) else { return Data() }
        return Data(tail[(end + 1)...])
    }

    public var data: Data {
        if origin != nil { return rereadForEdit().data }
        var out = Data(head)
        out.append(contentsOf: Array(yamlText.utf8))
        out.append(contentsOf: tail)
        return out
    }

    // MARK: Editing

    /// Sets a top-level key to a value, replacing only that key's lines
    /// (keeping a trailing comment on a one-line value), or appending the key. With
    /// `keepingFlowStyle`, a value written on one line (`{a: 1}`, `[x]`) stays on one line.
    public mutating func set(_ key: String, _ value: YAMLValue, keepingFlowStyle: Bool = false) {
        materialize()
        let eol = crlf ? "\r" : ""
        var newLines = value.lines(key: key).map { $0 + eol }
        if let index = keys.firstIndex(of: key) {
            let range = span(ofFieldAt: index)
            if keepingFlowStyle, range.count == 1, Self.valueStart(lines[range.lowerBound]).map("[{".contains) == true {
                newLines = ["\(key): \(value.rendered)" + eol]
            }
            if range.count == 1, newLines.count == 1, let comment = Self.trailingComment(lines[range.lowerBound]) {
                newLines[0] = String(newLines[0].dropLast(eol.count)) + comment + eol
            }
            storage.lines.replaceSubrange(range, with: newLines)
        } else {
            let insertAt = keys.isEmpty ? lines.count : insertionPoint(afterFieldAt: keys.count - 1)
            storage.lines.insert(contentsOf: newLines, at: insertAt)
        }
        reindex()
    }

    /// Sets (or, for nil, removes) keys inside the block mapping of a top-level key, rewriting only
    /// their lines, so that comments and the block's other lines stay as they are. False, changing
    /// nothing, when the value is no block mapping indented one way (a one-line `{...}`, say), or
    /// would be left empty: the caller then rewrites the whole value.
    public mutating func setNested(_ key: String, _ changes: [(key: String, value: YAMLValue?)]) -> Bool {
        materialize()
        guard let index = keys.firstIndex(of: key), case .node(.mapping) = values[index] else { return false }
        let range = span(ofFieldAt: index)
        // A block mapping: nothing after `key:` but a comment (not `{a: 1,` going on below).
        guard Self.valueStart(lines[range.lowerBound]).map({ $0 == "#" }) ?? true else { return false }
        let eol = crlf ? "\r" : ""
        let block = lines[(range.lowerBound + 1)..<range.upperBound].map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
        func isBlank(_ line: String) -> Bool { line.allSatisfy { $0 == " " || $0 == "\t" } }
        let indent = block.first { !isBlank($0) }?.prefix { $0 == " " }.count ?? 0
        let pad = String(repeating: " ", count: indent)
        guard indent > 0, block.allSatisfy({ isBlank($0) || $0.hasPrefix(pad) }) else { return false }
        let text = "---\n" + block.map { (isBlank($0) ? "" : String($0.dropFirst(indent))) + "\n" }.joined() + "---\n"
        guard var inner = try? FrontMatterDocument(data: Data(text.utf8), path: "") else { return false }
        for (key, value) in changes {
            if let value { inner.set(key, value) } else { inner.remove(key) }
        }
        inner.materialize()
        guard !inner.keys.isEmpty else { return false }
        let old = storage.lines
        storage.lines.replaceSubrange((range.lowerBound + 1)..<range.upperBound,
                                      with: inner.lines.map { ($0.isEmpty ? "" : pad + $0) + eol })
        // The whole front matter must still read (it does for a block mapping; this is a guard).
        guard let fields = try? parseFields(path: "") else { storage.lines = old; return false }
        setFields(fields)
        return true
    }

    /// Removes a top-level key and its value lines.
    public mutating func remove(_ key: String) {
        materialize()
        guard let index = keys.firstIndex(of: key) else { return }
        storage.lines.removeSubrange(span(ofFieldAt: index))
        reindex()
    }

    /// Lines of a field: from its key to the next key, without trailing blank or comment-only lines
    /// (in a block scalar, `|` or `>`, a line starting with `#` is text and stays in the field).
    private func span(ofFieldAt index: Int) -> Range<Int> {
        let start = lineIndexes[index]
        var end = index + 1 < keys.count ? lineIndexes[index + 1] : lines.count
        func indent(_ line: String) -> Int { line.prefix { $0 == " " }.count }
        if case .node(.scalar(let scalar)) = values[index], scalar.style == .literal || scalar.style == .folded {
            // The block's text is indented at least as far as its first non-blank line; a `#` line less indented is a comment.
            let textIndent = lines[(start + 1)..<end].first { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }.map(indent) ?? 1
            while end > start + 1 {
                let trimmed = lines[end - 1].trimmingCharacters(in: .whitespacesAndNewlines)
                guard trimmed.isEmpty || (trimmed.hasPrefix("#") && indent(lines[end - 1]) < textIndent) else { break }
                end -= 1
            }
            return start..<end
        }
        while end > start + 1 {
            let trimmed = lines[end - 1].trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.isEmpty || trimmed.hasPrefix("#") else { break }
            end -= 1
        }
        return start..<end
    }

    /// The first character after `key:` on a key's line, past spaces; nil when nothing follows.
    private static func valueStart(_ line: String) -> Character? {
        line.drop { $0 != ":" }.dropFirst().first { $0 != " " && $0 != "\t" && $0 != "\r" }
    }

    /// Where a key added after the field at `index` goes: after its lines and, for a `|+` or `>+`
    /// block, after the blank lines that follow it, which are its value's.
    private func insertionPoint(afterFieldAt index: Int) -> Int {
        var end = span(ofFieldAt: index).upperBound
        guard case .node(.scalar(let scalar)) = values[index], scalar.style == .literal || scalar.style == .folded,
              lines[lineIndexes[index]].drop(while: { $0 != "|" && $0 != ">" }).prefix(while: { !$0.isWhitespace && $0 != "#" }).contains("+")
        else { return end }
        while end < lines.count, lines[end].trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { end += 1 }
        return end
    }

    private func reindex() {
        // The edited text was produced from valid YAML and valid values, so it parses.
        if let fields = try? parseFields(path: "") { setFields(fields) }
    }

    /// ` # comment` at the end of a simple `key: value` line, with the spaces before it, if any: a `#` after a space,
    /// outside quoted text (which may itself hold ` #`, quotes or brackets).
    static func trailingComment(_ line: String) -> String? {
        let content = line.hasSuffix("\r") ? String(line.dropLast()) : line
        guard let colon = content.firstIndex(of: ":") else { return nil }
        let chars = Array(content[content.index(after: colon)...])
        var quote: Character?
        var previous: Character = " "
        var i = 0
        while i < chars.count {
            let ch = chars[i]
            if let q = quote {
                if q == "\"" && ch == "\\" {
                    i += 1
                } else if ch == q {
                    if q == "'" && i + 1 < chars.count && chars[i + 1] == "'" { i += 1 } else { quote = nil }
                }
            } else if (ch == "\"" || ch == "'") && " \t[{,".contains(previous) {
                quote = ch
            } else if ch == "#" && (previous == " " || previous == "\t") {
                var start = i  // the spaces before it too, as they were
                while start > 0 && (chars[start - 1] == " " || chars[start - 1] == "\t") { start -= 1 }
                return String(String(chars[start...]).reversed().drop { $0 == " " || $0 == "\t" }.reversed())
            }
            previous = ch
            i += 1
        }
        return nil
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

/// True for a calendar date written `YYYY-MM-DD` (not 2026-02-30).
public func isDate(_ s: String) -> Bool {
    // On bytes, no allocation: history reports call this for every item.
    var text = s
    return text.withUTF8 { b in
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return false }
        func digits(_ range: Range<Int>) -> Int? {
            var n = 0
            for i in range {
                guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
                n = n * 10 + Int(b[i] - 0x30)
            }
            return n
        }
        guard let year = digits(0..<4), let month = digits(5..<7), let day = digits(8..<10), (1...12).contains(month) else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = month == 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].contains(month) ? 30 : 31
        return (1...days).contains(day)
    }
}

extension Node {
    /// The node's type as YAML 1.1 (Yams' default resolver) reads it, with YAML 1.2's booleans:
    /// `.str` for quoted or explicitly tagged strings; for plain scalars `.null`, `.bool`, `.int`,
    /// `.float`, `.timestamp` or `.str`, decided by plain string tests rather than regular expressions.
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
        // No keyword is longer than 5 bytes or starts with a digit: such text skips the string comparisons.
        if s.utf8.count <= 5, !(s.utf8.first.map { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ?? false) {
            switch s {
            case "", "~", "null", "Null", "NULL": return .null
            // YAML 1.2's booleans only: `no` (Norway), `y`, `on` and `off` are text, as board's
            // filters and `board.yml` read them.
            case "true", "True", "TRUE", "false", "False", "FALSE":
                return .bool
            case ".inf", ".Inf", ".INF", "+.inf", "-.inf", "+.Inf", "-.Inf", ".nan", ".NaN", ".NAN": return .float
            default: break
            }
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
        case .int, .float: return Self.number(plainText: scalar.string)
        default: return nil
        }
    }

    /// The number written as `text` (an int or float scalar).
    static func number(plainText text: String) -> Double? {
        // A number too large for a Double (1e999) is no usable number.
        (Double(text) ?? Double(text.replacingOccurrences(of: "_", with: ""))).flatMap { $0.isFinite ? $0 : nil }
    }

    /// What an untagged plain scalar is as a JSON value.
    enum PlainJSON {
        case int(Int), double(Double), bool(Bool), null, string(String)
    }

    static func plainJSON(plainText s: String) -> PlainJSON {
        switch classify(plain: s) {
        case .int: return Int(s).map(PlainJSON.int) ?? .string(s)
        case .float: return number(plainText: s).map(PlainJSON.double) ?? .string(s)  // JSON has no infinity or NaN
        case .bool: return .bool(["true", "True", "TRUE"].contains(s))
        case .null: return .null
        default: return .string(s)
        }
    }

    /// An untagged plain scalar as a JSON value.
    static func plainValue(plainText s: String) -> Any {
        switch plainJSON(plainText: s) {
        case .int(let n): return n
        case .double(let d): return d
        case .bool(let b): return b
        case .null: return NSNull()
        case .string(let s): return s
        }
    }

    /// The node as a plain Swift value for JSON: String, Int, Double, Bool, NSNull, arrays and dictionaries.
    public var plainValue: Any { plainValue(depth: 0) }

    /// Deeper than 100 levels a value is given as a note: JSON writers refuse very deep nesting,
    /// and one hand-made file must not empty a whole `--format json` listing.
    private func plainValue(depth: Int) -> Any {
        if depth > 100 { return "(nested more than 100 levels deep)" }
        switch self {
        case .scalar(let scalar):
            switch resolvedTag {
            case .int: return Int(scalar.string) ?? scalar.string
            case .float: return number.flatMap { $0.isFinite ? $0 : nil } ?? scalar.string  // JSON has no infinity or NaN
            case .bool: return ["true", "True", "TRUE"].contains(scalar.string)
            case .null: return NSNull()
            default: return scalar.string
            }
        case .sequence(let seq): return seq.map { $0.plainValue(depth: depth + 1) }
        case .mapping(let map):
            var dict: [String: Any] = [:]
            for (k, v) in map { dict[k.string ?? "\(k)"] = v.plainValue(depth: depth + 1) }
            return dict
        case .alias: return NSNull()
        }
    }
}
