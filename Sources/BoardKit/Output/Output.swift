import Foundation
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
    static func isPlain(_ s: String) -> Bool { s.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } }

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
    /// escape sequence hidden in a title) are shown as `\u{7}`; the colour codes of Rainbow are kept.
    public static func printable(_ s: String) -> String {
        if isPlain(s) { return s }
        let scalars = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let scalar = scalars[i]
            if scalar == "\u{1B}", i + 1 < scalars.count, scalars[i + 1] == "[",
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
        // Each cell made printable and measured once, in one flat array (header first, if any).
        var lines = headers.allSatisfy(\.isEmpty) ? [] : [headers.map { $0.bold }]
        lines += rows
        let cells = concurrentMap(count: lines.count * columns) { k -> (text: String, width: Int) in
            let line = lines[k / columns], i = k % columns
            guard i < line.count else { return ("", 0) }
            if Self.isPlain(line[i]) { return (line[i], line[i].utf8.count) }
            let cell = Self.printable(line[i])
            return (cell, Self.width(cell))
        }
        var widths = [Int](repeating: 0, count: columns)
        for (k, cell) in cells.enumerated() { widths[k % columns] = max(widths[k % columns], cell.width) }
        let right = rightAligned ?? Set((0..<columns).filter { i in
            !rows.isEmpty && rows.allSatisfy { i < $0.count && ($0[i].isEmpty || Double($0[i]) != nil) }
        })
        let isRight = (0..<columns).map(right.contains)
        let spaces = [UInt8](repeating: UInt8(ascii: " "), count: (widths.max() ?? 0) + 2)
        // Long tables are laid out in a run of lines per core, each into bytes of its own.
        let runs = lines.count < 2048 ? 1 : ProcessInfo.processInfo.activeProcessorCount
        let chunks = concurrentMap(count: runs, runs: runs) { run -> [UInt8] in
            var out: [UInt8] = []
            let range = (lines.count * run / runs)..<(lines.count * (run + 1) / runs)
            out.reserveCapacity(range.count * (widths.reduce(0, +) + 2 * columns + 1))
            func pad(_ n: Int) { if n > 0 { out.append(contentsOf: spaces[..<n]) } }
            for n in range {
                if n > 0 { out.append(UInt8(ascii: "\n")) }
                let lineStart = out.count
                for i in 0..<columns {
                    let k = n * columns + i
                    if i > 0 { pad(2) }
                    if isRight[i] { pad(widths[i] - cells[k].width) }
                    var text = cells[k].text
                    text.withUTF8 { out.append(contentsOf: $0) }
                    if !isRight[i] && i < columns - 1 { pad(widths[i] - cells[k].width) }
                }
                while out.count > lineStart && out.last == UInt8(ascii: " ") { out.removeLast() }
            }
            return out
        }
        var all: [UInt8] = []
        all.reserveCapacity(chunks.reduce(0) { $0 + $1.count })
        for chunk in chunks { all += chunk }
        return String(decoding: all, as: UTF8.self)
    }
}

/// JSON with sorted keys, so output is stable for scripts and diffs.
public func renderJSON(_ value: Any) -> String {
    var writer = JSONText()
    if value is [Any] || value is [String: Any], writer.write(value) { return writer.text }
    return foundationJSON(value)
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
    var text = ""
    private var indent = 0
    private var sortedKeySets: [[String]: [String]] = [:]

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
            let keys = Array(object.keys).sorted()
            if sortedKeySets[keys] == nil {
                sortedKeySets[keys] = keys.sorted {
                    $0.compare($1, options: [.numeric, .caseInsensitive, .forcedOrdering], range: $0.startIndex..<$0.endIndex,
                               locale: NSLocale.system as Locale) == .orderedAscending
                }
            }
            open("{")
            for (index, key) in sortedKeySets[keys]!.enumerated() {
                separate(index)
                string(key)
                text += " : "
                guard write(object[key]!) else { return false }
            }
            close("}")
        case let s as String: string(s)
        case let b as Bool: text += b ? "true" : "false"
        case let n as Int: text += String(n)
        case let d as Double:
            guard d.isFinite else { return false }
            var s = d.description
            if s.hasSuffix(".0") { s.removeLast(2) }
            text += s
        case is NSNull: text += "null"
        default: return false
        }
        return true
    }

    private mutating func open(_ mark: String) {
        text += mark + "\n"
        indent += 2
    }

    private mutating func separate(_ index: Int) {
        if index > 0 { text += ",\n" }
        text += String(repeating: " ", count: indent)
    }

    private mutating func close(_ mark: String) {
        indent -= 2
        text += "\n" + String(repeating: " ", count: indent) + mark
    }

    private mutating func string(_ s: String) {
        text += "\""
        // Most strings need no escape: append them whole.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            text += s
            text += "\""
            return
        }
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
        text += "\""
    }
}
