import Foundation
import Rainbow

/// Output format chosen with `--format`.
public enum OutputFormat: String, CaseIterable, Sendable {
    case text, json
}

/// Terminal facts. Colour comes from Rainbow, which already colours only when
/// stdout is a TTY, `NO_COLOR` is unset and `TERM` is not `dumb`.
public enum Terminal {
    public static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 }
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

    /// Display width of a cell without ANSI colour codes.
    static func width(_ s: String) -> Int {
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return s.utf8.count }
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
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return s }
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
        var widths = headers.map(Self.width)
        for row in rows {
            for (i, cell) in row.prefix(columns).enumerated() { widths[i] = max(widths[i], Self.width(Self.printable(cell))) }
        }
        let right = rightAligned ?? Set((0..<columns).filter { i in
            !rows.isEmpty && rows.allSatisfy { i < $0.count && ($0[i].isEmpty || Double($0[i]) != nil) }
        })
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for i in 0..<columns {
                let cell = i < cells.count ? Self.printable(cells[i]) : ""
                let pad = String(repeating: " ", count: max(0, widths[i] - Self.width(cell)))
                parts.append(right.contains(i) ? pad + cell : (i == columns - 1 ? cell : cell + pad))
            }
            var text = parts.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        var out = headers.allSatisfy(\.isEmpty) ? [] : [line(headers.map { $0.bold })]
        out += rows.map(line)
        return out.joined(separator: "\n")
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
        switch value {
        case let s as String: string(s)
        case let b as Bool: text += b ? "true" : "false"
        case let n as Int: text += String(n)
        case let d as Double:
            guard d.isFinite else { return false }
            var s = d.description
            if s.hasSuffix(".0") { s.removeLast(2) }
            text += s
        case is NSNull: text += "null"
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
