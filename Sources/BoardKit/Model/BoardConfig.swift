import Foundation
import Yams

/// `board.yml`: the board's name, workflow, point scale, team and rules.
public struct BoardConfig: Codable, Sendable, Equatable {
    public enum Category: String, Codable, Sendable { case todo, doing, done }

    public struct Status: Codable, Sendable, Equatable {
        public var name: String
        public var category: Category
        /// Work-in-progress limit: the most items allowed in this status.
        public var wip: Int?
    }

    public struct Member: Codable, Sendable, Equatable {
        public var name: String
        /// Default capacity per working day (hours or points, see `capacityUnit`).
        public var capacity: Double?
    }

    public struct DefinitionOfReady: Codable, Sendable, Equatable {
        /// Points must be set.
        public var points: Bool?
        /// The body must hold at least one checklist line (acceptance criteria).
        public var acceptanceCriteria: Bool?
        /// Front-matter keys that must be present.
        public var fields: [String]?

        enum CodingKeys: String, CodingKey {
            case points
            case acceptanceCriteria = "acceptance_criteria"
            case fields
        }
    }

    /// `change_management`: which items need a change task, and whether change tasks count in velocity.
    public struct ChangeManagement: Codable, Sendable, Equatable {
        /// Items with one of these tags need a related change task (as with `needs_change: true`).
        public var tags: [String]?
        /// Count change tasks' points towards velocity (default false).
        public var countInVelocity: Bool?

        enum CodingKeys: String, CodingKey {
            case tags
            case countInVelocity = "count_in_velocity"
        }
    }

    public var name: String
    public var idPrefix: String?
    public var statuses: [Status]
    public var points: [Double]?
    public var iterationLength: Int?
    public var capacityUnit: String?
    public var members: [Member]?
    public var definitionOfReady: DefinitionOfReady?
    /// `warn` (default) or `strict`: whether unaligned work is a warning or an error.
    public var alignment: String?
    public var changeManagement: ChangeManagement?
    /// `portfolio`: path (from the board folder) of the portfolio folder whose halted objectives halt linked work here.
    public var portfolio: String?

    enum CodingKeys: String, CodingKey {
        case name
        case idPrefix = "id_prefix"
        case statuses
        case points
        case iterationLength = "iteration_length"
        case capacityUnit = "capacity_unit"
        case members
        case definitionOfReady = "definition_of_ready"
        case alignment
        case changeManagement = "change_management"
        case portfolio
    }

    public static let fileName = "board.yml"

    init(name: String, idPrefix: String?, statuses: [Status], points: [Double]?, iterationLength: Int?, capacityUnit: String?,
         members: [Member]?, definitionOfReady: DefinitionOfReady?, alignment: String?, changeManagement: ChangeManagement?,
         portfolio: String?) {
        (self.name, self.idPrefix, self.statuses, self.points, self.iterationLength) = (name, idPrefix, statuses, points, iterationLength)
        (self.capacityUnit, self.members, self.definitionOfReady) = (capacityUnit, members, definitionOfReady)
        (self.alignment, self.changeManagement, self.portfolio) = (alignment, changeManagement, portfolio)
    }

    public init(data: Data, path: String = BoardConfig.fileName) throws {
        guard let text = String(data: data, encoding: .utf8) else {
            throw BoardError.invalidFile(Diagnostic(path: path, line: FrontMatterDocument.lineOfInvalidUTF8([UInt8](data)[...]),
                                                    message: "not valid UTF-8"))
        }
        if let line = FrontMatterDocument.anchorLine(text) {
            throw BoardError.invalidFile(Diagnostic(path: path, line: line + 1, message: "YAML anchors and aliases are not allowed"))
        }
        do {
            // Composed with the basic resolver, as front matter is: the decoder's own parse builds
            // Yams' regular-expression rules (ICU's start-up), about a tenth of a small command.
            // Only a file with merge keys (`<<`) needs the decoder's own parse.
            if text.contains("<<") {
                self = try YAMLDecoder().decode(BoardConfig.self, from: text)
            } else {
                let node = try Yams.compose(yaml: text, Resolver.basic, Constructor.default, .utf8)
                self = try BoardConfig(plain: node) ?? YAMLDecoder().decode(BoardConfig.self, from: node ?? "")
            }
        } catch let error as YamlError {
            throw BoardError.invalidFile(FrontMatterDocument.diagnostic(for: error, path: path, offset: 0))
        } catch DecodingError.dataCorrupted(let context) where context.underlyingError is YamlError {
            throw BoardError.invalidFile(FrontMatterDocument.diagnostic(for: context.underlyingError as! YamlError, path: path, offset: 0))
        } catch let error as DecodingError {
            let empty = text.allSatisfy(\.isWhitespace)
            throw BoardError.invalidFile(Diagnostic(path: path, line: Self.line(of: error, in: text) ?? 1,
                                                    message: empty ? "empty file: expected name and statuses" : Self.describe(error)))
        }
        try validate(path: path, text: text)
    }

    private func validate(path: String, text: String) throws {
        func fail(_ message: String) -> BoardError {
            .invalidFile(Diagnostic(path: path, line: lineOf("statuses", in: text), message: message))
        }
        if statuses.isEmpty { throw fail("statuses: at least one status is needed") }
        var seen = Set<String>()
        for status in statuses where !seen.insert(status.name).inserted {
            throw fail("statuses: \(status.name) is listed twice")
        }
        if !statuses.contains(where: { $0.category == .done }) { throw fail("statuses: no status has category done") }
        if let prefix = idPrefix, !isValidID(prefix) {
            throw BoardError.invalidFile(Diagnostic(path: path, line: lineOf("id_prefix", in: text),
                                                    message: "id_prefix must be letters, digits, - or _"))
        }
    }

    func lineOf(_ key: String, in text: String) -> Int? {
        var n = 0
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            n += 1
            if line.hasPrefix(key + ":") { return n }
        }
        return nil
    }

    static func describe(_ error: DecodingError) -> String {
        func pathText(_ path: [CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let at = pathText(context.codingPath)
            return "missing key \(key.stringValue)" + (at.isEmpty ? "" : " in \(at)")
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(pathText(context.codingPath)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            return "\(pathText(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    static func line(of error: DecodingError, in text: String) -> Int? {
        let context: DecodingError.Context
        switch error {
        case .keyNotFound(_, let c), .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): context = c
        @unknown default: return nil
        }
        guard let first = context.codingPath.first?.stringValue else { return nil }
        var n = 0
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            n += 1
            if line.hasPrefix(first + ":") { return n }
        }
        return nil
    }

    /// The configuration read straight from its node when every value is plainly of its kind (the
    /// usual file), else nil, and Yams' decoder reads it and words any error. It gives what the
    /// decoder gives (`BoardConfigTests` holds it to that) and leaves it anything unusual: a null
    /// where a value is needed, a tag, a number other than plain decimal digits. Decoding by
    /// `Codable` looks up each type's conformances, a scan of the binary's tables: a third of a
    /// warm `board list`'s start.
    init?(plain node: Node?) {
        guard let root = PlainYAML.fields(node), let name = root["name"].flatMap(PlainYAML.string),
              let statuses = root["statuses"].flatMap({ PlainYAML.list($0, Status.init(plain:)) }),
              let idPrefix = PlainYAML.optional(root["id_prefix"], PlainYAML.string),
              let points = PlainYAML.optional(root["points"], { PlainYAML.list($0, PlainYAML.double) }),
              let iterationLength = PlainYAML.optional(root["iteration_length"], PlainYAML.int),
              let capacityUnit = PlainYAML.optional(root["capacity_unit"], PlainYAML.string),
              let members = PlainYAML.optional(root["members"], { PlainYAML.list($0, Member.init(plain:)) }),
              let definitionOfReady = PlainYAML.optional(root["definition_of_ready"], DefinitionOfReady.init(plain:)),
              let alignment = PlainYAML.optional(root["alignment"], PlainYAML.string),
              let changeManagement = PlainYAML.optional(root["change_management"], ChangeManagement.init(plain:)),
              let portfolio = PlainYAML.optional(root["portfolio"], PlainYAML.string) else { return nil }
        self.init(name: name, idPrefix: idPrefix, statuses: statuses, points: points, iterationLength: iterationLength,
                  capacityUnit: capacityUnit, members: members, definitionOfReady: definitionOfReady, alignment: alignment,
                  changeManagement: changeManagement, portfolio: portfolio)
    }

    // MARK: Queries

    public func status(named name: String) -> Status? { statuses.first { $0.name == name } }
    public func category(of status: String) -> Category? { self.status(named: status)?.category }
    /// True when a status is in a `done` category of the workflow.
    public func isDone(_ status: String) -> Bool { category(of: status) == .done }
    public var firstStatus: String { statuses.first { $0.category == .todo }?.name ?? statuses[0].name }
    public var prefix: String { idPrefix ?? "B" }
}

extension BoardConfig.Status {
    init?(plain node: Node) {
        guard let fields = PlainYAML.fields(node), let name = fields["name"].flatMap(PlainYAML.string),
              let category = fields["category"].flatMap(PlainYAML.string).flatMap(BoardConfig.Category.init(rawValue:)),
              let wip = PlainYAML.optional(fields["wip"], PlainYAML.int) else { return nil }
        self.init(name: name, category: category, wip: wip)
    }
}

extension BoardConfig.Member {
    init?(plain node: Node) {
        guard let fields = PlainYAML.fields(node), let name = fields["name"].flatMap(PlainYAML.string),
              let capacity = PlainYAML.optional(fields["capacity"], PlainYAML.double) else { return nil }
        self.init(name: name, capacity: capacity)
    }
}

extension BoardConfig.DefinitionOfReady {
    init?(plain node: Node) {
        guard let fields = PlainYAML.fields(node), let points = PlainYAML.optional(fields["points"], PlainYAML.bool),
              let criteria = PlainYAML.optional(fields["acceptance_criteria"], PlainYAML.bool),
              let keys = PlainYAML.optional(fields["fields"], { PlainYAML.list($0, PlainYAML.string) }) else { return nil }
        self.init(points: points, acceptanceCriteria: criteria, fields: keys)
    }
}

extension BoardConfig.ChangeManagement {
    init?(plain node: Node) {
        guard let fields = PlainYAML.fields(node), let tags = PlainYAML.optional(fields["tags"], { PlainYAML.list($0, PlainYAML.string) }),
              let count = PlainYAML.optional(fields["count_in_velocity"], PlainYAML.bool) else { return nil }
        self.init(tags: tags, countInVelocity: count)
    }
}

/// Values of a composed (basic-resolver) YAML node that `BoardConfig(plain:)` reads itself: those
/// whose decoding by Yams is not in doubt. Each is nil for anything else.
enum PlainYAML {
    /// A mapping's values by their keys' text; nil when a key is tagged other than as a string
    /// (the decoder matches keys by tag too; the composer tags plain keys as strings).
    static func fields(_ node: Node?) -> [String: Node]? {
        guard case .mapping(let mapping)? = node else { return nil }
        var fields: [String: Node] = [:]
        for (key, value) in mapping {
            guard case .scalar(let key) = key, key.tag.description.isEmpty || key.tag.description == Tag.Name.str.rawValue
            else { return nil }
            fields[key.string] = value
        }
        return fields
    }

    /// Text of a plain scalar with no tag of its own.
    static func plain(_ node: Node) -> String? {
        guard case .scalar(let scalar) = node, scalar.style == .plain, scalar.tag.description.isEmpty else { return nil }
        return scalar.string
    }

    static func isNull(_ node: Node) -> Bool { plain(node).map(FieldValue.isNull(plain:)) ?? false }

    /// A plain scalar that is not null, or a quoted or block one tagged as a string. A tagged
    /// plain scalar is not read: the decoder takes `!!str null` for a null.
    static func string(_ node: Node) -> String? {
        if let text = plain(node) { return isNull(node) ? nil : text }
        guard case .scalar(let scalar) = node, scalar.style != .plain, scalar.tag.description == Tag.Name.str.rawValue else { return nil }
        return scalar.string
    }

    /// Decimal digits with an optional minus sign, no leading zero, at most 15 of them.
    static func int(_ node: Node) -> Int? {
        guard let text = plain(node), isDecimal(text[...]) else { return nil }
        return Int(text)
    }

    /// `int`'s form, or that, a point and more digits (at most 15 digits in all).
    static func double(_ node: Node) -> Double? {
        guard let text = plain(node) else { return nil }
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard isDecimal(parts[0]), parts.count == 1 || isDigits(parts[1]), text.utf8.count <= 16 else { return nil }
        return Double(text)
    }

    private static func isDigits(_ text: Substring) -> Bool { FieldValue.decimalDigits(text) != nil }

    private static func isDecimal(_ text: Substring) -> Bool {
        let digits = text.hasPrefix("-") ? text.dropFirst() : text
        return isDigits(digits) && (digits == "0" || !digits.hasPrefix("0"))
    }

    static func bool(_ node: Node) -> Bool? {
        switch plain(node) {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }

    /// A sequence whose every element `read` reads.
    static func list<T>(_ node: Node, _ read: (Node) -> T?) -> [T]? {
        guard case .sequence(let sequence) = node else { return nil }
        var out: [T] = []
        for element in sequence {
            guard let value = read(element) else { return nil }
            out.append(value)
        }
        return out
    }

    /// An optional field: `.some(nil)` when absent or null, nil when present but not read by `read`.
    static func optional<T>(_ node: Node?, _ read: (Node) -> T?) -> T?? {
        guard let node, !isNull(node) else { return .some(nil) }
        return read(node).map { .some($0) }
    }
}
