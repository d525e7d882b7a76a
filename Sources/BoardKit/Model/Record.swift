import Foundation
import Yams

/// The folders of a board that hold one front-matter file per record.
public enum RecordKind: String, CaseIterable, Sendable {
    case item = "backlog"
    case iteration = "iterations"
    case objective = "objectives"
    case change = "changes"

    public var folder: String { rawValue }
}

/// One board file: an item, iteration, objective or change task.
/// Typed accessors read the front matter; edits go through `set` so only
/// the changed lines of the file are rewritten.
public struct Record: Sendable {
    /// Path relative to the board root, e.g. `backlog/B-7k3qz-export-invoices.md`.
    public var path: String
    public var document: FrontMatterDocument

    public init(path: String, document: FrontMatterDocument) {
        self.path = path
        self.document = document
    }

    public init(path: String, data: Data) throws {
        self.init(path: path, document: try FrontMatterDocument(data: data, path: path))
    }

    public var id: String { string("id") ?? "" }
    /// The file name, without its folder.
    public var fileName: String { path.utf8.lastIndex(of: UInt8(ascii: "/")).map { String(path[path.index(after: $0)...]) } ?? path }
    public var title: String { string("title") ?? "" }
    public var type: String { string("type") ?? "" }
    public var status: String { string("status") ?? "" }
    /// A quoted number (`points: "5"`) counts as that number, as history reads it; `board check` flags it.
    public var points: Double? { number("points") ?? string("points").flatMap(Double.init).flatMap { $0.isFinite ? $0 : nil } }
    public var rank: Double? { number("rank") }
    public var assignee: String? { string("assignee") }
    public var tags: [String] { strings("tags") }
    public var iteration: String? { string("iteration") }
    public var objective: String? { string("objective") }
    public var dependsOn: [String] { strings("depends_on") }

    /// A scalar value as text (numbers and dates in their written form); nil when absent, null or not a scalar.
    public func string(_ key: String) -> String? { document.string(key) }

    /// A numeric value; nil when absent or not a number.
    public func number(_ key: String) -> Double? { document.number(key) }

    /// A list of scalars; a single scalar counts as a one-element list.
    public func strings(_ key: String) -> [String] { document.strings(key) ?? [] }

    public func has(_ key: String) -> Bool { document.index(of: key) != nil }

    public mutating func set(_ key: String, _ value: YAMLValue) { document.set(key, value) }
    public mutating func remove(_ key: String) { document.remove(key) }

    /// Front-matter fields in file order as plain values, plus `path`, for JSON output.
    public var jsonObject: [String: Any] {
        var object: [String: Any] = [:]
        for (key, value) in zip(document.keys, document.values) { object[key] = value.plainValue }
        object["path"] = path
        return object
    }

    /// The body as text (invalid UTF-8 replaced).
    public var bodyText: String { String(decoding: document.body, as: UTF8.self) }

    /// True when the body holds acceptance criteria; known without reading the file for a record
    /// from the record cache.
    public var hasChecklist: Bool { document.cachedHasChecklist ?? !checklist.isEmpty }

    /// Acceptance criteria: Markdown checklist lines in the body.
    public var checklist: [(done: Bool, text: String)] {
        bodyText.split(whereSeparator: \.isNewline).compactMap { line in
            // Most lines hold no `[`: skip trimming them (Foundation, slow).
            guard line.utf8.contains(UInt8(ascii: "[")) else { return nil }
            let t = line.trimmingCharacters(in: .whitespaces)
            for (mark, done) in [("- [ ] ", false), ("- [x] ", true), ("- [X] ", true), ("* [ ] ", false), ("* [x] ", true)]
                where t.hasPrefix(mark) {
                return (done, String(t.dropFirst(mark.count)))
            }
            return nil
        }
    }
}

/// Item types a board knows.
public let itemTypes = ["story", "bug", "task", "spike"]

/// Makes a file-name slug from a title: lower-case ASCII letters and digits
/// joined by single dashes, at most 48 characters; never `.`/`..`, `/` or control characters.
public func slugify(_ title: String) -> String {
    var out = ""
    var dash = false
    for scalar in title.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
        if scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar)) {
            out.unicodeScalars.append(scalar)
            dash = false
        } else if scalar.properties.generalCategory == .nonspacingMark {
            continue
        } else if !dash && !out.isEmpty {
            out += "-"
            dash = true
        }
        if out.count >= 48 { break }
    }
    while out.hasSuffix("-") { out.removeLast() }
    return out.isEmpty ? "item" : out
}

/// True when an id is safe to use in a file name and on the command line.
public func isValidID(_ id: String) -> Bool {
    // ASCII letters and digits, `-`, `_`, `.`; checked on bytes (`board check` runs this on every item).
    let bytes = id.utf8
    guard !bytes.isEmpty, bytes.count <= 64, bytes.first != UInt8(ascii: ".") else { return false }
    var previous: UInt8 = 0
    for b in bytes {
        let allowed = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
        if !allowed || (b == UInt8(ascii: ".") && previous == b) { return false }
        previous = b
    }
    return true
}
