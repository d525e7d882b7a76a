import Foundation

/// One rule `board check` applies to the whole board; more are added by later features.
public typealias CheckRule = @Sendable (_ board: BoardSnapshot) -> [Diagnostic]

/// Everything read from a board at one moment, with the files that failed to read.
public struct BoardSnapshot {
    public var config: BoardConfig
    public var items: [Record]
    public var iterations: [Record]
    public var objectives: [Record]
    public var changes: [Record]
    public var loadDiagnostics: [Diagnostic]
    /// The objectives of the portfolio named by `portfolio:` in board.yml (empty without one);
    /// a halted one halts the board's objectives whose `parent` it is.
    public var portfolioObjectives: [Record] = []

    public init(config: BoardConfig, items: [Record], iterations: [Record] = [], objectives: [Record] = [],
                changes: [Record] = [], loadDiagnostics: [Diagnostic] = []) {
        self.config = config
        self.items = items
        self.iterations = iterations
        self.objectives = objectives
        self.changes = changes
        self.loadDiagnostics = loadDiagnostics
    }
}

extension Workspace {
    /// Reads every folder of the board.
    public func snapshot() -> BoardSnapshot {
        let loaded = RecordKind.allCases.map { load($0) }
        var snapshot = BoardSnapshot(config: config, items: loaded[0].records, iterations: loaded[1].records,
                                     objectives: loaded[2].records, changes: loaded[3].records,
                                     loadDiagnostics: loaded.flatMap(\.diagnostics))
        if let portfolio = config.portfolio, !portfolio.isEmpty {
            let folder = portfolio.hasPrefix("/") ? portfolio : absolute(portfolio)
            if let workspace = try? Workspace.open(directory: folder),
               FileManager.default.fileExists(atPath: workspace.absolute(Portfolio.fileName)) {
                snapshot.portfolioObjectives = workspace.load(.objective).records
            } else {
                snapshot.loadDiagnostics.append(Diagnostic(path: BoardConfig.fileName, severity: .warning,
                                                           message: "portfolio: \(portfolio) is not a portfolio folder (no \(Portfolio.fileName)); its halted objectives are not applied"))
            }
        }
        return snapshot
    }
}

public enum Checker {
    /// The rules run by `board check`, in order.
    public static let rules: [CheckRule] = [itemFields, uniqueIDs, dependencies, wipLimits, iterationFields,
                                            objectiveFields, alignment, changeFields, changeCoverage, wsjfScale]

    /// Every problem on the board, sorted by file and line. The rules run one after another: two
    /// rules reading one record's nested Yams nodes at once would race (their tags resolve in place).
    public static func check(_ board: BoardSnapshot) -> [Diagnostic] {
        let found = board.loadDiagnostics + rules.flatMap { $0(board) }
        return found.sorted { ($0.path, $0.line ?? 0, $0.message) < ($1.path, $1.line ?? 0, $1.message) }
    }

    /// Per item, on all cores (each item read by one thread).
    static func itemFields(_ board: BoardSnapshot) -> [Diagnostic] {
        let config = board.config
        return Array(concurrentMap(board.items) { itemFields($0, config) }.joined())
    }

    static func itemFields(_ item: Record, _ config: BoardConfig) -> [Diagnostic] {
        var out: [Diagnostic] = []
        func report(_ key: String?, _ message: String, _ severity: Diagnostic.Severity = .error) {
            out.append(diagnostic(item, key, message, severity))
        }
        out += requiredKeys(item, ["id", "title", "type", "status"])
        let type = item.type, status = item.status
        if !type.isEmpty, !itemTypes.contains(type) {
            report("type", "unknown type \(type) (use \(itemTypes.joined(separator: ", ")))")
        }
        if !status.isEmpty, !config.statuses.contains(where: { $0.name == status }) {
            report("status", "unknown status \(status) (the workflow is \(config.statuses.map(\.name).joined(separator: ", ")))")
        }
        let document = item.document, values = document.values
        for key in FieldKind.numbers {
            if let i = document.index(of: key), let text = values[i].string, values[i].number == nil {
                report(key, "\(key) must be a number, not \(quoted(text))")
            }
        }
        if let points = item.points {
            if points < 0 { report("points", "points cannot be negative") }
            if let scale = config.points, !scale.contains(points) {
                report("points", "\(YAMLValue.format(points)) is not on the point scale \(scale.map(YAMLValue.format).joined(separator: ", "))")
            }
        }
        for key in ["tags", "depends_on"] {
            if let i = document.index(of: key), case .node(.mapping) = values[i] { report(key, "\(key) must be a list") }
        }
        for key in Export.ownKeys where document.index(of: key) != nil {
            report(key, "\(key) is a name board gives its own field in exports and JSON; this key is left out there (rename it)", .warning)
        }
        return out
    }

    /// A diagnostic at a key's line (or the front matter's first line).
    static func diagnostic(_ record: Record, _ key: String?, _ message: String,
                           _ severity: Diagnostic.Severity = .error) -> Diagnostic {
        Diagnostic(path: record.path, line: key.flatMap(record.document.lineNumber(of:)) ?? record.document.firstLine,
                   severity: severity, message: message)
    }

    /// Required keys present and not empty; a valid id that starts the file name.
    static func requiredKeys(_ record: Record, _ keys: [String]) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for key in keys where record.string(key)?.isEmpty ?? true {
            out.append(diagnostic(record, record.has(key) ? key : nil, "missing required key \(key)"))
        }
        if record.has("id") {
            let id = record.id
            if !isValidID(id) {
                out.append(diagnostic(record, "id", "id \(quoted(id)) may only hold letters, digits, -, _ and ."))
            } else if !record.fileName.lowercased().hasPrefix(id.lowercased()) {
                out.append(diagnostic(record, "id", "file name does not start with the id \(id)", .warning))
            }
        }
        return out
    }

    static func uniqueIDs(_ board: BoardSnapshot) -> [Diagnostic] {
        let groups = [board.items, board.objectives, board.changes].flatMap { records in
            Dictionary(grouping: records.filter { !$0.id.isEmpty }, by: { $0.id.lowercased() }).values
        }
        return groups.filter { $0.count > 1 }.flatMap { group in
            group.map { item in
                let others = group.filter { $0.path != item.path }.map(\.path).joined(separator: ", ")
                return Diagnostic(path: item.path, line: item.document.lineNumber(of: "id"),
                                  message: "duplicate id \(item.id) (also in \(others)); run `board fix-ids`")
            }
        }
    }

    static func dependencies(_ board: BoardSnapshot) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let items = board.items
        // Indices, not records, and each item's dependencies read once.
        let byID = Dictionary(items.indices.map { (items[$0].id, $0) }, uniquingKeysWith: { a, _ in a })
        let dependsOn = items.map(\.dependsOn)
        for (index, item) in items.enumerated() {
            for dependency in dependsOn[index] where byID[dependency] == nil {
                out.append(Diagnostic(path: item.path, line: item.document.lineNumber(of: "depends_on"),
                                      message: "depends_on names \(dependency), which does not exist"))
            }
        }
        // Cycles: depth-first search, reporting each cycle once at its smallest id.
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var stack: [String] = []
        var reported = Set<String>()
        func visit(_ id: String) {
            state[id] = 1
            stack.append(id)
            for next in byID[id].map({ dependsOn[$0] }) ?? [] where byID[next] != nil {
                if state[next] == 1, let start = stack.firstIndex(of: next) {
                    let cycle = Array(stack[start...])
                    let key = cycle.sorted().joined(separator: ",")
                    if reported.insert(key).inserted, let first = cycle.min(), let item = byID[first].map({ items[$0] }) {
                        let rotated = Array(cycle.drop { $0 != first }) + cycle.prefix { $0 != first }
                        out.append(Diagnostic(path: item.path, line: item.document.lineNumber(of: "depends_on"),
                                              message: "dependency cycle: \((rotated + [first]).joined(separator: " → "))"))
                    }
                } else if state[next] == nil {
                    visit(next)
                }
            }
            stack.removeLast()
            state[id] = 2
        }
        for id in byID.keys.sorted() where state[id] == nil { visit(id) }
        return out
    }

    static func wipLimits(_ board: BoardSnapshot) -> [Diagnostic] {
        board.config.statuses.compactMap { status in
            guard let limit = status.wip else { return nil }
            let count = board.items.reduce(0) { $0 + ($1.status == status.name ? 1 : 0) }
            guard count > limit else { return nil }
            return Diagnostic(path: BoardConfig.fileName, message: "\(status.name) holds \(count) items, over its WIP limit of \(limit)")
        }
    }
}
