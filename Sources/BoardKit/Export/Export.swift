import CSV
import Foundation

/// `board export`: every item as one JSON object or one CSV row (see docs/format.md, "Export").
public enum Export {
    /// Version of the export schema; raised when a field changes meaning or is removed.
    public static let schemaVersion = 1

    /// Front-matter keys that come first in CSV, in this order; other keys follow alphabetically.
    static let leadingKeys = ["id", "title", "type", "status", "points", "rank", "assignee", "tags", "iteration",
                              "objective", "depends_on", "created", "updated"]

    /// Fields board adds to an item's object or row; a front-matter key of that name is left out.
    static let ownKeys = ["path", "body", "schema_version"]

    /// One object per item: its front-matter fields, `path`, `body` and `schema_version`.
    public static func objects(_ items: [Record]) -> [[String: Any]] {
        items.map { item in
            var object = item.jsonObject
            object["body"] = item.bodyText
            object["schema_version"] = schemaVersion
            return object
        }
    }

    public static func json(_ items: [Record]) -> String { renderJSON(objects(items)) }

    /// RFC 4180 CSV: a header row of every key any item has, then one row per item.
    /// Lists are joined with `;`, nested values written as compact JSON, absent or null values empty.
    public static func csv(_ items: [Record]) throws -> String {
        var keys = Set<String>()
        for item in items { keys.formUnion(item.document.fields.map(\.key)) }
        keys.subtract(ownKeys)
        let header = leadingKeys.filter(keys.contains) + keys.subtracting(leadingKeys).sorted() + ["path", "body"]
        let stream = OutputStream(toMemory: ())
        let writer = try CSVWriter(stream: stream, newline: .crlf)
        try writer.write(row: header)
        for item in items {
            let values = item.document.fields.reduce(into: [String: String]()) { $0[$1.key] = cell($1.value.plainValue) }
            try writer.write(row: header.map { key in
                key == "path" ? item.path : key == "body" ? item.bodyText : values[key] ?? ""
            })
        }
        writer.stream.close()
        let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        return String(decoding: data, as: UTF8.self) + "\r\n"
    }

    static func cell(_ value: Any) -> String {
        switch value {
        case is NSNull: return ""
        case let list as [Any] where list.allSatisfy({ !($0 is [Any]) && !($0 is [String: Any]) }):
            return list.map(cell).joined(separator: ";")
        case let number as Double: return number.compact
        case let flag as Bool: return flag ? "true" : "false"
        case let text as String: return text
        case let int as Int: return String(int)
        default:
            let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
            return data.map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
    }
}
