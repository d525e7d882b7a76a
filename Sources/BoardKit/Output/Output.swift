import Foundation
import Yams
@preconcurrency import Rainbow

/// Output format chosen with `--format`.
public enum OutputFormat: String, CaseIterable, Sendable {
    case text, json
}

/// Terminal facts. Colour comes from Rainbow, which already colours only when
/// stdout is a TTY, `NO_COLOR` is unset and `TERM` is not `dumb`.
public enum Terminal {
    public static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 }
    /// True when Rainbow colours what it is given.
    public static var colours: Bool { Rainbow.enabled && Rainbow.outputTarget == .console }
}

/// A plain text table with aligned columns; numbers are right-aligned.
public struct Table {
    public var headers: [String]
    public var rows: [[String]]
    /// Columns to right-align (by index); by default those whose cells are all numbers.
    /// All-empty headers print no header line.
    public var rightAligned: Set<Int>?

    public init(headers: [String], rows: [[String]] = [], rightAligned: Set<Int>? = nil) {
        self.headers = headers
        self.rows = rows
        self.rightAligned = rightAligned
    }

    /// True for text of printable ASCII only, whose width is its length.
    static func isPlain(_ s: String) -> Bool {
        func plain(_ bytes: some Sequence<UInt8>) -> Bool { bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F } }
        return s.utf8.withContiguousStorageIfAvailable(plain) ?? plain(s.utf8)
    }

    /// Display width of a cell without ANSI colour codes.
    static func width(_ s: String) -> Int {
        if isPlain(s) { return s.utf8.count }
        var count = 0
        var inEscape = false
        for scalar in s.unicodeScalars {
            if inEscape { if scalar == "m" { inEscape = false }; continue }
            if scalar == "\u{1B}" { inEscape = true; continue }
            if scalar.properties.generalCategory == .nonspacingMark { continue }
            count += scalar.properties.isEmojiPresentation || (0x1100...0x115F).contains(scalar.value)
                || (0x2E80...0xA4CF).contains(scalar.value) || (0xAC00...0xD7A3).contains(scalar.value)
                || (0xF900...0xFAFF).contains(scalar.value) || (0xFF00...0xFF60).contains(scalar.value) ? 2 : 1
        }
        return count
    }

    /// A cell as one line a terminal shows as text: control characters (a newline, a tab, or an
    /// escape sequence hidden in a title) are shown as `\u{7}`. Colour codes are kept while Rainbow
    /// colours (without colour, every one came from the text); `keepingColours: false` is for text
    /// from files, before board colours it.
    public static func printable(_ s: String, keepingColours: Bool? = nil) -> String {
        if isPlain(s) { return s }
        let keepingColours = keepingColours ?? Terminal.colours
        let scalars = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let scalar = scalars[i]
            if keepingColours, scalar == "\u{1B}", i + 1 < scalars.count, scalars[i + 1] == "[",
               let end = scalars[(i + 2)...].firstIndex(where: { !("0"..."9").contains($0) && $0 != ";" }), scalars[end] == "m" {
                out.append(contentsOf: scalars[i...end])  // a colour (SGR) sequence
                i = end + 1
                continue
            }
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
            i += 1
        }
        return String(out)
    }

    public func render() -> String {
        let columns = headers.count
        let header = headers.allSatisfy(\.isEmpty) ? nil : headers.map { $0.bold }
        let lineCount = rows.count + (header == nil ? 0 : 1)
        // Long tables are measured and laid out in a run of lines per core.
        let runs = lineCount < 2048 ? 1 : ProcessInfo.processInfo.activeProcessorCount
        func lines(_ run: Int) -> Range<Int> { (lineCount * run / runs)..<(lineCount * (run + 1) / runs) }
        func cells(ofLine n: Int, in rows: UnsafeBufferPointer<[String]>) -> [String] { header.map { n == 0 ? $0 : rows[n - 1] } ?? rows[n] }
        // Each cell measured once, per run. Cells that are not plain ASCII (few) are made printable
        // once and kept with their widths, in line order; a plain cell's width is its length.
        typealias Measured = (columnWidths: [Int], printed: [(cell: Int, text: String, width: Int)])
        let measured = rows.withUnsafeBufferPointer { rowBuffer in
            nonisolated(unsafe) let rows = rowBuffer  // no thread retains the shared array
            return concurrentMap(count: runs, runs: runs) { run -> Measured in
                var measured: Measured = ([Int](repeating: 0, count: columns), [])
                for n in lines(run) {
                    let line = cells(ofLine: n, in: rows)
                    for i in 0..<min(columns, line.count) {
                        var width = line[i].utf8.count
                        if !Self.isPlain(line[i]) {
                            let cell = Self.printable(line[i])
                            width = Self.width(cell)
                            measured.printed.append((n * columns + i, cell, width))
                        }
                        measured.columnWidths[i] = max(measured.columnWidths[i], width)
                    }
                }
                return measured
            }
        }
        let columnWidths = (0..<columns).map { i in measured.map { $0.columnWidths[i] }.max() ?? 0 }
        let right = rightAligned ?? Set((0..<columns).filter { i in
            !rows.isEmpty && rows.allSatisfy { i < $0.count && ($0[i].isEmpty || Double($0[i]) != nil) }
        })
        let isRight = (0..<columns).map(right.contains)
        let lineWidth = columnWidths.reduce(0, +) + 2 * columns
        let chunks = rows.withUnsafeBufferPointer { rowBuffer in
            nonisolated(unsafe) let rows = rowBuffer
            return concurrentMap(count: runs, runs: runs) { run -> [UInt8] in
                let range = lines(run), printed = measured[run].printed
                // A line is at most its columns' widths and gaps, plus what a cell's text takes beyond
                // its width (colour codes, wide characters): only cells made printable have any.
                let bound = range.count * (lineWidth + 1) + printed.reduce(0) { $0 + $1.text.utf8.count }
                var next = 0  // the next of `printed`
                return [UInt8](unsafeUninitializedCapacity: bound) { out, count in
                    guard let base = out.baseAddress else { return }
                    var at = 0
                    func spaces(_ n: Int) {
                        precondition(at + n <= bound)
                        (base + at).initialize(repeating: UInt8(ascii: " "), count: n)
                        at += n
                    }
                    for n in range {
                        if n > 0 { precondition(at < bound); base[at] = UInt8(ascii: "\n"); at += 1 }
                        let lineStart = at
                        let line = cells(ofLine: n, in: rows)
                        for i in 0..<columns {
                            var text = i < line.count ? line[i] : "", width = text.utf8.count
                            if next < printed.count, printed[next].cell == n * columns + i {
                                (text, width) = (printed[next].text, printed[next].width)
                                next += 1
                            }
                            let pad = columnWidths[i] - width
                            if i > 0 { spaces(2) }
                            if isRight[i] { spaces(pad) }
                            let target = base + at
                            at += text.withUTF8 { bytes in
                                precondition(target + bytes.count <= base + bound)
                                if let from = bytes.baseAddress { target.initialize(from: from, count: bytes.count) }
                                return bytes.count
                            }
                            if !isRight[i] && i < columns - 1 { spaces(pad) }
                        }
                        while at > lineStart && base[at - 1] == UInt8(ascii: " ") { at -= 1 }
                    }
                    count = at
                }
            }
        }
        // The runs' text, copied once into the string (whose UTF-8 is checked as it is made).
        return String(unsafeUninitializedCapacity: chunks.reduce(0) { $0 + $1.count }) { out in
            var at = 0
            for chunk in chunks {
                chunk.withUnsafeBufferPointer { if let from = $0.baseAddress { (out.baseAddress! + at).initialize(from: from, count: $0.count) } }
                at += chunk.count
            }
            return at
        }
    }
}

/// JSON with sorted keys, so output is stable for scripts and diffs.
public func renderJSON(_ value: Any) -> String {
    var writer = JSONText()
    if value is [Any] || value is [String: Any], writer.write(value) { return writer.text }
    return foundationJSON(value)
}

/// `renderJSON(records.map(\.jsonObject))`, with `extra[i]` added to record i's object, written
/// without making the objects (they were most of `list --format json`).
public func renderJSON(records: [Record], extra: [[String: Any]]? = nil) -> String {
    var writer = JSONText()
    if writer.write(records: records, extra: extra) { return writer.text }
    return renderJSON(records.indices.map { i -> [String: Any] in
        records[i].jsonObject.merging(extra?[i] ?? [:]) { $1 }
    })
}

/// `JSONSerialization` with the options `renderJSON` promises (also the reference its fast writer is tested against).
func foundationJSON(_ value: Any) -> String {
    guard JSONSerialization.isValidJSONObject(value) || value is String || value is NSNumber,
          let data = try? JSONSerialization.data(withJSONObject: value,
                                                 options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes, .fragmentsAllowed])
    else { return "null" }
    return String(decoding: data, as: UTF8.self)
}

extension Double {
    /// `3` for whole numbers, `2.5` otherwise.
    public var compact: String { YAMLValue.format(self) }
}

/// Colour for a status by its category.
public func colouredStatus(_ status: String, _ category: BoardConfig.Category?) -> String {
    guard Terminal.colours else { return status }  // Rainbow's own path costs more than this check
    switch category {
    case .todo?: return status
    case .doing?: return status.yellow
    case .done?: return status.green
    case nil: return status.red
    }
}

/// Writes what `JSONSerialization` writes with `.sortedKeys, .prettyPrinted, .withoutEscapingSlashes`,
/// byte for byte, for plain Swift values (String, Bool, Int, Double, NSNull, arrays, `[String: Any]`).
/// Foundation spends most of `board list --format json` comparing keys with a locale for every pair
/// of every object; here each distinct key set is sorted once (with the same comparison).
struct JSONText {
    private(set) var bytes: [UInt8] = []
    var text: String { String(decoding: bytes, as: UTF8.self) }
    private var indent = 0
    private var sortedKeySets: [[String]: [String]] = [:]
    /// For records: the last key list seen and the order its object's keys are written in.
    private var recordKeys: (keys: [String], extra: [String], order: [RecordKey])?

    /// False when the value holds anything else (the caller then uses Foundation).
    mutating func write(_ value: Any) -> Bool {
        // Containers first: casting a dictionary or array to Bool, Int or Double makes the runtime
        // bridge it to an NSDictionary or NSArray just to fail (most of `list --format json`).
        switch value {
        case let array as [Any]:
            open("[")
            for (index, element) in array.enumerated() {
                separate(index)
                guard write(element) else { return false }
            }
            close("]")
        case let object as [String: Any]:
            open("{")
            for (index, key) in sortedKeys(Array(object.keys)).enumerated() {
                separate(index)
                string(key)
                raw(" : ")
                guard write(object[key]!) else { return false }
            }
            close("}")
        case let s as String: string(s)
        case let b as Bool: raw(b ? "true" : "false")
        case let n as Int: raw(String(n))
        case let d as Double: return number(d)
        case is NSNull: raw("null")
        default: return false
        }
        return true
    }

    /// Where a record's object takes a value from.
    enum RecordKey {
        case field(Int), path, extra(String)
    }

    /// `records.map(\.jsonObject)`, each with `extra[i]` added, as `write` writes it, without
    /// making the objects: a flat field value is written as it is read. False as `write`.
    mutating func write(records: [Record], extra: [[String: Any]]?) -> Bool {
        open("[")
        for (index, record) in records.enumerated() {
            separate(index)
            let keys = record.document.keys, extraKeys = extra.map { Array($0[index].keys) } ?? []
            if recordKeys?.keys != keys || recordKeys?.extra != extraKeys {
                // As `jsonObject` builds it: the fields, then `path` and the extra keys over any field of that name.
                var source: [String: RecordKey] = [:]
                for (i, key) in keys.enumerated() { source[key] = .field(i) }
                source["path"] = .path
                for key in extraKeys { source[key] = .extra(key) }
                recordKeys = (keys, extraKeys, sortedKeys(Array(source.keys)).map { source[$0]! })
            }
            open("{")
            for (n, key) in recordKeys!.order.enumerated() {
                separate(n)
                switch key {
                case .field(let i):
                    string(keys[i])
                    raw(" : ")
                    guard write(record.document.values[i]) else { return false }
                case .path:
                    raw("\"path\" : ")
                    string(record.path)
                case .extra(let name):
                    string(name)
                    raw(" : ")
                    guard write(extra![index][name]!) else { return false }
                }
            }
            close("}")
        }
        close("]")
        return true
    }

    /// A field value as `write(value.plainValue)` writes it.
    private mutating func write(_ value: FieldValue) -> Bool {
        switch value {
        case .plain(let s):
            switch Node.plainJSON(plainText: s) {
            case .int(let n): raw(String(n))
            case .double(let d): return number(d)
            case .bool(let b): raw(b ? "true" : "false")
            case .null: raw("null")
            case .string(let s): string(s)
            }
        case .quoted(let s, _): string(s)
        case .list(let items, _):
            open("[")
            for (index, item) in items.enumerated() {
                separate(index)
                guard write(item) else { return false }
            }
            close("]")
        case .node(let node): return write(node.plainValue)
        }
        return true
    }

    /// Keys in Foundation's order, each distinct set sorted once.
    private mutating func sortedKeys(_ keys: [String]) -> [String] {
        let keys = keys.sorted()
        if let sorted = sortedKeySets[keys] { return sorted }
        let sorted = keys.sorted {
            $0.compare($1, options: [.numeric, .caseInsensitive, .forcedOrdering], range: $0.startIndex..<$0.endIndex,
                       locale: NSLocale.system as Locale) == .orderedAscending
        }
        sortedKeySets[keys] = sorted
        return sorted
    }

    private mutating func number(_ d: Double) -> Bool {
        guard d.isFinite else { return false }
        var s = d.description
        if s.hasSuffix(".0") { s.removeLast(2) }
        raw(s)
        return true
    }

    private mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    private mutating func spaces() {
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent))
    }

    private mutating func open(_ mark: String) {
        raw(mark)
        bytes.append(UInt8(ascii: "\n"))
        indent += 2
    }

    private mutating func separate(_ index: Int) {
        if index > 0 { raw(",\n") }
        spaces()
    }

    private mutating func close(_ mark: String) {
        indent -= 2
        bytes.append(UInt8(ascii: "\n"))
        spaces()
        raw(mark)
    }

    private mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings need no escape: append them whole.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            raw(s)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        var text = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\u{8}": text += "\\b"
            case "\u{c}": text += "\\f"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "\u{0}"..."\u{f}": text += "\\u000" + String(scalar.value, radix: 16)
            case "\u{10}"..."\u{1f}": text += "\\u00" + String(scalar.value, radix: 16)
            default: text.unicodeScalars.append(scalar)
            }
        }
        raw(text)
        bytes.append(UInt8(ascii: "\""))
    }
}
