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

    public init(data: Data, path: String = BoardConfig.fileName) throws {
        guard let text = String(data: data, encoding: .utf8) else {
            throw BoardError.invalidFile(Diagnostic(path: path, line: FrontMatterDocument.lineOfInvalidUTF8([UInt8](data)[...]),
                                                    message: "not valid UTF-8"))
        }
        if FrontMatterDocument.hasAnchors(text) {
            throw BoardError.invalidFile(Diagnostic(path: path, line: 1, message: "YAML anchors and aliases are not allowed"))
        }
        do {
            // Composed with the basic resolver, as front matter is: the decoder's own parse builds
            // Yams' regular-expression rules (ICU's start-up), about a tenth of a small command.
            // Only a file with merge keys (`<<`) needs the decoder's own parse.
            if text.contains("<<") {
                self = try YAMLDecoder().decode(BoardConfig.self, from: text)
            } else {
                self = try YAMLDecoder().decode(BoardConfig.self, from: try Yams.compose(yaml: text, Resolver.basic, Constructor.default, .utf8) ?? "")
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

    // MARK: Queries

    public func status(named name: String) -> Status? { statuses.first { $0.name == name } }
    public func category(of status: String) -> Category? { self.status(named: status)?.category }
    /// True when a status is in a `done` category of the workflow.
    public func isDone(_ status: String) -> Bool { category(of: status) == .done }
    public var firstStatus: String { statuses.first { $0.category == .todo }?.name ?? statuses[0].name }
    public var prefix: String { idPrefix ?? "B" }
}
