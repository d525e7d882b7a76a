import Yams

/// A fast reader for the flat front matter that `board` writes and people usually type:
/// `key: scalar`, `key: [a, "b"]`, `key:` with a block list of scalars, comments and blank lines.
///
/// Anything beyond that (nested mappings, block scalars, escapes, anchors, tags, duplicate keys,
/// odd indentation) returns nil and the caller parses the text with Yams, which also produces
/// the error messages. A test checks that both readers agree on every fixture.
enum FlatFrontMatter {
    typealias Field = (key: String, value: FieldValue, line: Int)

    // Yams' `Constructor.default` builds its tables on every access: make them once.
    nonisolated(unsafe) static let constructor = Constructor.default
    static func tag(_ name: Tag.Name) -> Tag { Tag(name, .basic, constructor) }

    static func parse(_ lines: [String]) -> [Field]? {
        // Byte tests throughout: Character (grapheme) scanning dominated `board list` (docs/benchmarks.md).
        var fields: [Field] = []
        // The keys apart, so that the duplicate test below copies no field.
        var keys: [String] = []
        var blockItems: [FieldValue]?  // collecting `- x` lines under the last key
        func closeBlock() {
            guard let items = blockItems else { return }
            fields[fields.count - 1].value = .list(items, flow: false)
            blockItems = nil
        }
        for (index, raw) in lines.enumerated() {
            let line = raw.utf8.last == 0x0D ? Substring(raw.dropLast()) : Substring(raw)
            if !isPrintable(line) { return nil }
            let trimmed = dropSpaces(line)
            if trimmed.isEmpty || trimmed.utf8.first == UInt8(ascii: "#") { continue }
            if line.utf8.first == UInt8(ascii: " ") {
                // Only a block-list item under a key with no value of its own.
                guard blockItems != nil, trimmed.utf8.starts(with: "- ".utf8),
                      let item = scalar(trimmed[trimmed.utf8.index(trimmed.startIndex, offsetBy: 2)...], inList: false) else { return nil }
                blockItems!.append(item)
                continue
            }
            closeBlock()
            guard let colon = line.utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
            let key = String(line[..<colon])
            // Duplicate keys go to Yams (which reports them); a linear search beats a set for a dozen keys.
            guard !key.isEmpty, key.utf8.allSatisfy(isKeyByte), !keys.contains(key) else { return nil }
            keys.append(key)
            let rest = line[line.utf8.index(after: colon)...]
            guard rest.isEmpty || rest.utf8.first == UInt8(ascii: " ") else { return nil }
            let value = dropSpaces(rest)
            if value.isEmpty || value.utf8.first == UInt8(ascii: "#") {
                // Null, unless block-list lines follow.
                let next = lines[(index + 1)...].first { l in
                    let t = l.utf8.drop { $0 == UInt8(ascii: " ") || $0 == 0x0D }
                    return !t.isEmpty && t.first != UInt8(ascii: "#")
                }
                fields.append((key, .plain(""), index))
                if let next, next.utf8.first == UInt8(ascii: " ") { blockItems = [] }
                continue
            }
            if value.utf8.first == UInt8(ascii: "[") {
                guard let list = flowList(value) else { return nil }
                fields.append((key, list, index))
            } else {
                guard let node = scalar(value, inList: false) else { return nil }
                fields.append((key, node, index))
            }
        }
        closeBlock()
        return fields
    }

    /// As `parse`, but a key whose indented block `parse` cannot read (a nested mapping, say)
    /// reads as null, its block left out. A block is the lines after a key line up to the next
    /// line that starts in column 1 and is not a comment.
    static func parseTopLevel(_ lines: [String]) -> [Field]? {
        if let flat = parse(lines) { return flat }
        var kept = lines
        var start = 0
        while start < lines.count {
            var end = start + 1
            while end < lines.count, lines[end].utf8.first.map({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "#") || $0 == 0x0D }) ?? true {
                end += 1
            }
            let line = lines[start]
            // A key with nothing but a comment after its colon, and a block `parse` declines: blanked
            // (not removed, so that line numbers stay).
            if let first = line.utf8.first, first != UInt8(ascii: " "), first != UInt8(ascii: "#"),
               let colon = line.utf8.firstIndex(of: UInt8(ascii: ":")),
               case let value = dropSpaces(line[line.utf8.index(after: colon)...]),
               value.utf8.allSatisfy({ $0 == 0x0D }) || value.utf8.first == UInt8(ascii: "#"),
               end > start + 1, parse(Array(lines[start..<end])) == nil {
                for i in (start + 1)..<end { kept[i] = "" }
            }
            start = end
        }
        return parse(kept)
    }

    /// YAML allows only printable characters: no C0 or C1 controls (but tab), DEL, U+FFFE or U+FFFF.
    /// Lines holding others go to Yams, which reports them.
    static func isPrintable(_ line: Substring) -> Bool {
        var previous: UInt8 = 0
        var beforePrevious: UInt8 = 0
        for b in line.utf8 {
            if (b < 0x20 && b != 0x09) || b == 0x7F { return false }
            if previous == 0xC2 && b >= 0x80 && b <= 0x9F { return false }
            if beforePrevious == 0xEF && previous == 0xBF && (b == 0xBE || b == 0xBF) { return false }
            beforePrevious = previous
            previous = b
        }
        return true
    }

    /// The text after its leading spaces.
    private static func dropSpaces(_ s: Substring) -> Substring {
        s[(s.utf8.firstIndex { $0 != UInt8(ascii: " ") } ?? s.endIndex)...]
    }

    private static func isKeyByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D
    }

    static func plainNode(_ s: String) -> Node { .scalar(Node.Scalar(s, tag(.implicit), .plain)) }

    /// A one-line scalar, with an optional trailing ` # comment`; nil for anything unusual.
    static func scalar(_ text: Substring, inList: Bool) -> FieldValue? {
        let utf8 = text.utf8
        guard let first = utf8.first else { return nil }
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            let open = utf8.index(after: utf8.startIndex)
            guard let close = utf8[open...].firstIndex(of: first) else { return nil }
            let content = text[open..<close]
            if first == UInt8(ascii: "\"") && content.utf8.contains(UInt8(ascii: "\\")) { return nil }
            let after = dropSpaces(text[utf8.index(after: close)...])
            if !after.isEmpty && !(after.utf8.first == UInt8(ascii: "#") && utf8[utf8.index(before: after.startIndex)] == UInt8(ascii: " ")) {
                return nil
            }
            return .quoted(String(content), double: first == UInt8(ascii: "\""))
        }
        if indicatorBytes.contains(first) {
            // A leading `-` is plain only when more than a space follows (`-5`, `-x`).
            let second = utf8.dropFirst().first
            guard first == UInt8(ascii: "-"), let second, second != UInt8(ascii: " ") else { return nil }
        }
        // Byte scan: the value ends at " #"; ": ", tabs, a final ":" or (in a list) brackets and commas decline.
        let bytes = text.utf8
        var end = bytes.endIndex
        var previous: UInt8 = 0
        for i in bytes.indices {
            let b = bytes[i]
            if b == UInt8(ascii: "#") && previous == UInt8(ascii: " ") { end = bytes.index(before: i); break }
            if b == UInt8(ascii: "\t") || (previous == UInt8(ascii: ":") && b == UInt8(ascii: " ")) { return nil }
            if inList && (b == UInt8(ascii: ",") || b == UInt8(ascii: "[") || b == UInt8(ascii: "]")
                          || b == UInt8(ascii: "{") || b == UInt8(ascii: "}")) { return nil }
            previous = b
        }
        // Trailing spaces off, by bytes (a space is one byte; Character tests cost grapheme breaking).
        while end > bytes.startIndex, bytes[bytes.index(before: end)] == UInt8(ascii: " ") { end = bytes.index(before: end) }
        if end == bytes.startIndex || bytes[bytes.index(before: end)] == UInt8(ascii: ":") { return nil }
        return .plain(String(Substring(bytes[bytes.startIndex..<end])))
    }

    private static let indicatorBytes = Set("[]{}&*!|>%@`,?-".utf8)

    /// `[a, "b c", 3]` with an optional trailing comment; nil for nested or unusual lists.
    static func flowList(_ text: Substring) -> FieldValue? {
        guard let close = text.utf8.lastIndex(of: UInt8(ascii: "]")) else { return nil }
        let after = dropSpaces(text[text.utf8.index(after: close)...])
        if !after.isEmpty && after.utf8.first != UInt8(ascii: "#") { return nil }
        let inner = text[text.utf8.index(after: text.startIndex)..<close]
        if inner.utf8.contains(where: { $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "#") }) { return nil }
        var items: [FieldValue] = []
        if !inner.utf8.allSatisfy({ $0 == UInt8(ascii: " ") }) {
            for part in inner.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
                let item = dropSpaces(Substring(part))
                var end = item
                while end.last == " " { end = end.dropLast() }
                guard !end.isEmpty, (end.first == "\"" || end.first == "'") ? !end.dropFirst().dropLast().contains(end.first!) : true,
                      let node = scalar(end, inList: true) else { return nil }
                items.append(node)
            }
        }
        return .list(items, flow: true)
    }
}
