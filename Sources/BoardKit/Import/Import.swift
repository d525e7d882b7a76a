import Foundation
import Yams

/// What an import did (or, with `--dry-run`, would do): one row per source record, the values
/// that had no match on this board, and the files to write.
public struct ImportResult {
    public struct Row: Sendable {
        /// The key in the source: `TASK-12`, `PAY-7`, or a sprint or milestone name.
        public var source: String
        /// `imported`, `iteration` or `skipped`.
        public var outcome: String
        /// The new item or iteration id (empty when skipped).
        public var id: String
        /// The title, or why it was skipped.
        public var detail: String
    }

    public struct Unmapped: Sendable, Equatable {
        public var field: String
        public var value: String
        /// What it became on this board, e.g. `backlog` or `(dropped)`.
        public var mappedTo: String
    }

    public var rows: [Row] = []
    public var unmapped: [Unmapped] = []
    /// Board-relative paths and contents, in path order.
    public var files: [(path: String, data: Data)] = []

    public var importedCount: Int { rows.filter { $0.outcome == "imported" }.count }

    public var jsonObject: [String: Any] {
        func rows(_ outcome: String) -> [[String: Any]] {
            self.rows.filter { $0.outcome == outcome }.map { ["source": $0.source, "id": $0.id, "detail": $0.detail] }
        }
        return ["imported": rows("imported"), "iterations": rows("iteration"), "skipped": rows("skipped"),
                "unmapped": unmapped.map { ["field": $0.field, "value": $0.value, "mapped_to": $0.mappedTo] },
                "files": files.map { ["path": $0.path, "content": String(decoding: $0.data, as: UTF8.self)] }]
    }
}

/// State shared by the importers: the board's existing items, new ids, status mapping, the result.
final class Importer {
    let workspace: Workspace
    /// `--map 'In Review=review'` pairs, by source status.
    let overrides: [String: String]
    var result = ImportResult()
    /// Source keys (upper-cased) already on the board, to the item id holding them in `imported_from`.
    var existing: [String: String] = [:]
    var taken: Set<String>
    /// Ranks of the board's items, to put imported items below them.
    var maxRank: Double

    init(workspace: Workspace, map: [String]) throws {
        self.workspace = workspace
        var overrides: [String: String] = [:]
        for pair in map {
            guard let eq = pair.lastIndex(of: "="), eq != pair.startIndex else {
                throw BoardError.usage("--map \(pair): expected SOURCE=STATUS, e.g. 'In Review=review'")
            }
            let status = String(pair[pair.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
            try workspace.validate("status", .string(status))
            overrides[String(pair[..<eq]).trimmingCharacters(in: .whitespaces)] = status
        }
        self.overrides = overrides
        let items = workspace.load(.item).records
        for item in items {
            if let from = item.string("imported_from") { existing[from.uppercased()] = item.id }
        }
        taken = Set(items.map(\.id)).union(Workspace.idsOfFiles(in: workspace.absolute(RecordKind.item.folder)))
        maxRank = items.compactMap(\.rank).max() ?? 0
    }

    /// Ids given to source keys by this import, by upper-cased key.
    var newIDs: [String: String] = [:]

    /// A new item id for a source key (and an imported row, so rows keep the source's order),
    /// or nil (and a skipped row) when it was imported before or appears twice in the source.
    func claim(_ key: String, title: String) -> String? {
        if let id = existing[key.uppercased()] {
            result.rows.append(.init(source: key, outcome: "skipped", id: "", detail: "already imported as \(id)"))
            return nil
        }
        if newIDs[key.uppercased()] != nil {
            result.rows.append(.init(source: key, outcome: "skipped", id: "", detail: "duplicate key in the source"))
            return nil
        }
        let id = workspace.newID(taken: taken)
        taken.insert(id)
        newIDs[key.uppercased()] = id
        result.rows.append(.init(source: key, outcome: "imported", id: id, detail: title))
        return id
    }

    /// The id a source key has on this board after this import (new or from an earlier run).
    func boardID(_ key: String) -> String? { newIDs[key.uppercased()] ?? existing[key.uppercased()] }

    func unmapped(_ field: String, _ value: String, _ to: String) {
        let entry = ImportResult.Unmapped(field: field, value: value, mappedTo: to)
        if !result.unmapped.contains(entry) { result.unmapped.append(entry) }
    }

    /// Maps a source status onto the workflow: `--map`, then the same name (ignoring case, spaces and
    /// dashes), then `fallback` (a category the source implies), else the first todo status, reported.
    func status(_ value: String, fallback: BoardConfig.Category? = nil) -> String {
        let config = workspace.config
        if let mapped = overrides[value] { return mapped }
        if let same = config.statuses.first(where: { normalized($0.name) == normalized(value) }) { return same.name }
        if let fallback, let status = config.statuses.first(where: { $0.category == fallback }) { return status.name }
        unmapped("status", value, config.firstStatus)
        return config.firstStatus
    }

    func normalized(_ s: String) -> String { s.lowercased().filter { $0.isLetter || $0.isNumber } }

    /// Points on the board's scale: values between two scale points go up to the next one (reported).
    func points(_ value: Double, source: String) -> Double {
        guard let scale = workspace.config.points, !scale.contains(value) else { return value }
        let up = scale.sorted().first { $0 >= value } ?? scale.max() ?? value
        unmapped("points", "\(source): \(value.compact)", up.compact)
        return up
    }

    func addFile(_ path: String, _ text: String) { result.files.append((path, Data(text.utf8))) }

    /// Writes the files in one commit (unless `dryRun`) and returns the result.
    func finish(source: String, dryRun: Bool, options: WriteOptions) throws -> ImportResult {
        result.files.sort { $0.path < $1.path }
        if !dryRun, !result.files.isEmpty {
            let iterations = result.rows.filter { $0.outcome == "iteration" }.count
            var message = "board: import \(result.importedCount) items"
            if iterations > 0 { message += ", \(iterations) iterations" }
            try workspace.save(Dictionary(uniqueKeysWithValues: result.files.map { ($0.path, Optional($0.data)) }),
                               message: message + " from \(source)", options: options)
        }
        return result
    }
}

/// An item file: front matter from `fields` in order (null values written as empty keys), then the body.
func itemText(_ fields: [(String, YAMLValue)], body: String) -> String {
    var text = "---\n"
    for (key, value) in fields { text += value.lines(key: key).joined(separator: "\n") + "\n" }
    return text + "---\n" + body
}

/// A plain `YAMLValue` for a parsed YAML node, to carry unknown keys over.
func yamlValue(_ node: Node) -> YAMLValue {
    switch node {
    case .scalar(let scalar):
        switch node.resolvedTag {
        case .null: return .null
        case .int, .float: return node.float.map(YAMLValue.number) ?? .string(scalar.string)
        case .bool: return node.bool.map(YAMLValue.bool) ?? .string(scalar.string)
        default: return isDate(scalar.string) ? .date(scalar.string) : .string(scalar.string)
        }
    case .sequence(let seq): return .seq(seq.map(yamlValue))
    case .mapping(let map): return .map(map.map { YAMLPair($0.key.string ?? "", yamlValue($0.value)) })
    case .alias: return .null
    }
}

/// The date a timestamp starts with: `2026-01-01 23:37` → `2026-01-01`.
func datePrefix(_ value: String?) -> String? {
    guard let value, value.count >= 10, isDate(String(value.prefix(10))) else { return nil }
    return String(value.prefix(10))
}

/// `YYYY-MM-DD` plus `days` (which may be negative).
func addDays(_ date: String, _ days: Int) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd"
    guard let day = formatter.date(from: date) else { return date }
    return formatter.string(from: day.addingTimeInterval(Double(days) * 86_400))
}

/// A sprint or milestone that becomes an iteration file.
struct SprintPlan {
    struct Member {
        var id: String
        var points: Double?
        /// Done, and this is the last sprint the item was in.
        var completedHere: Bool
        /// The item went on to a later sprint.
        var carriedOver: Bool
        var created: String?
        var resolved: String?
    }

    var name: String
    var id: String
    var members: [Member] = []
    var start: String?
    var end: String?
    /// `closed`, `active` or `planned` when the source says so.
    var state: String?
    var goal: String?

    /// Closed when the source says so, else when every item in it was finished there or carried
    /// over to a later sprint.
    var isClosed: Bool {
        state.map { $0 == "closed" } ?? (!members.isEmpty && members.allSatisfy { $0.completedHere || $0.carriedOver })
    }
    var lastResolved: String? { members.filter(\.completedHere).compactMap(\.resolved).max() }
}

extension Importer {
    /// Writes one iteration file per plan (skipping ids that exist). Plans are ordered by the date
    /// their last item was resolved; a closed one ends on that date, and a start date or an open
    /// sprint's dates follow from the previous sprint's end (or the first item's creation) and the
    /// board's `iteration_length`. The first open one is `active`, later ones `planned`; closed ones
    /// get `commitment` (every item in it) and `outcome` (those finished in it).
    func addIterations(_ plans: [SprintPlan]) {
        let length = workspace.config.iterationLength ?? 14
        let ordered = plans.enumerated().sorted { a, b in
            switch (a.element.end ?? a.element.lastResolved, b.element.end ?? b.element.lastResolved) {
            case let (x?, y?) where x != y: return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a.offset < b.offset
            }
        }.map(\.element)
        var previousEnd: String?
        var activeGiven = false
        for var plan in ordered {
            // A closed sprint ended when its last item was resolved; an open one runs for `length` days.
            let end0 = plan.end ?? (plan.isClosed ? plan.lastResolved : nil)
            var start = plan.start ?? previousEnd.map { addDays($0, 1) } ?? end0.map { addDays($0, 1 - length) }
                ?? plan.members.compactMap(\.created).min() ?? Workspace.today
            let end = end0 ?? addDays(start, length - 1)
            if start > end { start = end }
            plan.start = start
            plan.end = end
            previousEnd = end
            let path = "\(RecordKind.iteration.folder)/\(plan.id).md"
            if FileManager.default.fileExists(atPath: workspace.absolute(path)) {
                result.rows.append(.init(source: plan.name, outcome: "skipped", id: plan.id, detail: "iteration exists"))
                continue
            }
            let state = plan.state ?? (plan.isClosed ? "closed" : activeGiven ? "planned" : "active")
            if state == "active" { activeGiven = true }
            var fields: [(String, YAMLValue)] = [("id", .string(plan.id)), ("name", .string(plan.name)),
                                                  ("start", .date(start)), ("end", .date(end))]
            if let goal = plan.goal { fields.append(("goal", .string(goal))) }
            fields.append(("state", .string(state)))
            if plan.isClosed {
                func entries(_ members: [SprintPlan.Member]) -> YAMLValue {
                    .seq(members.map { .map([YAMLPair("id", .string($0.id)), YAMLPair("points", .number($0.points ?? 0))]) })
                }
                func sum(_ members: [SprintPlan.Member]) -> Double { members.reduce(0) { $0 + ($1.points ?? 0) } }
                let done = plan.members.filter(\.completedHere)
                let notDone = plan.members.filter { !$0.completedHere }
                fields.append(("commitment", .map([YAMLPair("date", .date(start)), YAMLPair("points", .number(sum(plan.members))),
                                                   YAMLPair("items", entries(plan.members))])))
                fields.append(("outcome", .map([YAMLPair("date", .date(end)), YAMLPair("completed_points", .number(sum(done))),
                                                YAMLPair("completed", entries(done)), YAMLPair("not_completed", entries(notDone))])))
            }
            fields.append(("imported_from", .string(plan.name)))
            addFile(path, itemText(fields, body: "\n"))
            result.rows.append(.init(source: plan.name, outcome: "iteration", id: plan.id, detail: state))
        }
    }
}
