import Foundation

/// A problem found in a board file, reported like a compiler does:
/// `path:line: error: message`.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Codable { case error, warning }

    public var path: String
    public var line: Int?
    public var severity: Severity
    public var message: String

    public init(path: String, line: Int? = nil, severity: Severity = .error, message: String) {
        self.path = path
        self.line = line
        self.severity = severity
        self.message = message
    }

    public var description: String {
        let location = line.map { "\(path):\($0)" } ?? path
        return Table.printable("\(location): \(severity.rawValue): \(message)")
    }
}

/// Errors that stop a command. Every case maps to exit code 2 (usage or input error).
public enum BoardError: Error, CustomStringConvertible, Equatable {
    /// The command was used wrongly or the board is in a state that forbids it.
    case usage(String)
    /// A file could not be read or understood.
    case invalidFile(Diagnostic)

    public var description: String {
        switch self {
        case .usage(let message): return "error: \(message)"
        case .invalidFile(let d): return d.description
        }
    }

    public var exitCode: Int32 { 2 }
}
