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
        // Each line is read as UTF-8 bytes through an unsafe buffer (string and substring indices
        // cost more than the tests themselves); only keys and values become strings.
        var fields: [Field] = []
        // The keys apart, so that the duplicate test below copies no field.
        var keys: [String] = []
        var blockItems: [FieldValue]?  // collecting `- x` lines under the last key
        var blockIndent: Int?  // theirs: all at the first one's (Yams refuses less, and reads more as its text)
        func closeBlock() {
            guard let items = blockItems else { return }
            fields[fields.count - 1].value = .list(items, flow: false)
            (blockItems, blockIndent) = (nil, nil)
        }
        for index in lines.indices {
            var raw = lines[index]
            let read = raw.withUTF8 { all -> Bool in
                let line = Bytes(all.last == 0x0D ? UnsafeBufferPointer(rebasing: all.dropLast()) : all)
                if !isPrintable(line.bytes) { return false }
                let start = line.skipSpaces(from: 0)
                if start == line.count || line[start] == UInt8(ascii: "#") { return true }
                if line[0] == UInt8(ascii: " ") {
                    // Only a block-list item under a key with no value of its own.
                    guard blockItems != nil, line.has("- ", at: start), (blockIndent ?? start) == start,
                          let item = scalar(line, line.skipSpaces(from: start + 2)..<line.count, inList: false) else { return false }
                    blockItems!.append(item)
                    blockIndent = start
                    return true
                }
                closeBlock()
                guard let colon = line.first(UInt8(ascii: ":"), in: 0..<line.count), colon > 0,
                      line.bytes[..<colon].allSatisfy(isKeyByte) else { return false }
                let key = line.string(0..<colon)
                // Duplicate keys go to Yams (which reports them); a linear search beats a set for a dozen keys.
                guard !keys.contains(key) else { return false }
                keys.append(key)
                guard colon + 1 == line.count || line[colon + 1] == UInt8(ascii: " ") else { return false }
                let value = line.skipSpaces(from: colon + 1)
                if value == line.count || line[value] == UInt8(ascii: "#") {
                    // Null, unless block-list lines follow.
                    let next = lines[(index + 1)...].first { l in
                        let t = l.utf8.drop { $0 == UInt8(ascii: " ") || $0 == 0x0D }
                        return !t.isEmpty && t.first != UInt8(ascii: "#")
                    }
                    fields.append((key, .plain(""), index))
                    if let next, next.utf8.first == UInt8(ascii: " ") { blockItems = [] }
                    return true
                }
                let parsed = line[value] == UInt8(ascii: "[") ? flowList(line, value..<line.count) : scalar(line, value..<line.count, inList: false)
                guard let parsed else { return false }
                fields.append((key, parsed, index))
                return true
            }
            if !read { return nil }
        }
        closeBlock()
        return fields
    }

    /// A line's bytes, and the few questions the reader asks of them.
    struct Bytes {
        let bytes: UnsafeBufferPointer<UInt8>
        init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        var count: Int { bytes.count }
        subscript(i: Int) -> UInt8 { bytes[i] }
        /// The first index at or after `i` that is not a space.
        func skipSpaces(from i: Int) -> Int {
            var i = i
            while i < count && bytes[i] == UInt8(ascii: " ") { i += 1 }
            return i
        }
        func first(_ byte: UInt8, in range: Range<Int>) -> Int? { range.first { bytes[$0] == byte } }
        func has(_ text: StaticString, at i: Int) -> Bool {
            let n = text.utf8CodeUnitCount
            return i + n <= count && (0..<n).allSatisfy { bytes[i + $0] == text.utf8Start[$0] }
        }
        func string(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
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
    static func isPrintable(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var previous: UInt8 = 0
        var beforePrevious: UInt8 = 0
        for b in line {
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

    /// A one-line scalar (the bytes of `line` in `range`), with an optional trailing ` # comment`;
    /// nil for anything unusual.
    static func scalar(_ line: Bytes, _ range: Range<Int>, inList: Bool) -> FieldValue? {
        // Nothing, or only a comment: null, which Yams reads.
        guard let start = range.first, line[start] != UInt8(ascii: "#") else { return nil }
        let first = line[start]
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            guard let close = line.first(first, in: (start + 1)..<range.upperBound) else { return nil }
            if first == UInt8(ascii: "\""), line.first(UInt8(ascii: "\\"), in: (start + 1)..<close) != nil { return nil }
            let after = line.skipSpaces(from: close + 1)
            if after < range.upperBound && !(line[after] == UInt8(ascii: "#") && line[after - 1] == UInt8(ascii: " ")) { return nil }
            return .quoted(line.string((start + 1)..<close), double: first == UInt8(ascii: "\""))
        }
        // In a flow list, a leading `:` marks a value (`[:x]` is a mapping).
        if inList && first == UInt8(ascii: ":") { return nil }
        if indicatorBytes.contains(first) {
            // A leading `-` is plain only when more than a space follows (`-5`, `-x`).
            guard first == UInt8(ascii: "-"), start + 1 < range.upperBound, line[start + 1] != UInt8(ascii: " ") else { return nil }
        }
        // The value ends at " #"; ": ", tabs, a final ":" or (in a list) brackets and commas decline.
        var end = range.upperBound
        var previous: UInt8 = 0
        for i in range {
            let b = line[i]
            if b == UInt8(ascii: "#") && previous == UInt8(ascii: " ") { end = i - 1; break }
            if b == UInt8(ascii: "\t") || (previous == UInt8(ascii: ":") && b == UInt8(ascii: " ")) { return nil }
            if inList && (b == UInt8(ascii: ",") || b == UInt8(ascii: "[") || b == UInt8(ascii: "]")
                          || b == UInt8(ascii: "{") || b == UInt8(ascii: "}")) { return nil }
            previous = b
        }
        while end > start, line[end - 1] == UInt8(ascii: " ") { end -= 1 }
        if end == start || line[end - 1] == UInt8(ascii: ":") { return nil }
        return .plain(line.string(start..<end))
    }

    private static let indicatorBytes = Set("[]{}&*!|>%@`,?-".utf8)

    /// `[a, "b c", 3]` (the bytes of `line` in `range`, from its `[`) with an optional trailing
    /// comment; nil for nested or unusual lists.
    static func flowList(_ line: Bytes, _ range: Range<Int>) -> FieldValue? {
        guard let close = range.last(where: { line[$0] == UInt8(ascii: "]") }) else { return nil }
        let after = line.skipSpaces(from: close + 1)
        if after < range.upperBound && line[after] != UInt8(ascii: "#") { return nil }
        let inner = (range.lowerBound + 1)..<close
        if inner.contains(where: { line[$0] == UInt8(ascii: "[") || line[$0] == UInt8(ascii: "{") || line[$0] == UInt8(ascii: "#") }) { return nil }
        var items: [FieldValue] = []
        guard inner.contains(where: { line[$0] != UInt8(ascii: " ") }) else { return .list(items, flow: true) }
        var partStart = inner.lowerBound
        while partStart <= inner.upperBound {
            let partEnd = line.first(UInt8(ascii: ","), in: partStart..<inner.upperBound) ?? inner.upperBound
            let start = line.skipSpaces(from: partStart)
            var end = partEnd
            while end > start && line[end - 1] == UInt8(ascii: " ") { end -= 1 }
            // A quoted item holds no quote of its kind before its last character.
            guard start < end else { return nil }
            let quote = line[start]
            if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'"), end - start >= 2,
               line.first(quote, in: (start + 1)..<(end - 1)) != nil { return nil }
            guard let item = scalar(line, start..<end, inList: true) else { return nil }
            items.append(item)
            partStart = partEnd + 1
        }
        return .list(items, flow: true)
    }
}
