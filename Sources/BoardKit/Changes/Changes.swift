import Foundation

/// Kinds of change-management task.
public let changeKinds = ["communication", "training", "process", "sign-off", "other"]

/// What `board change add` is given.
public struct NewChange: Sendable {
    public var title: String
    public var kind = "other"
    public var audience: [String] = []
    public var owner: String?
    public var status: String?
    public var due: String?
    public var objective: String?
    public var related: [String] = []
    public var iteration: String?

    public init(title: String) { self.title = title }
}

extension Record {
    /// A change task's kind: communication, training, process, sign-off or other.
    public var changeKind: String { string("kind") ?? "" }
    public var audience: [String] { strings("audience") }
    /// Item ids a change task accompanies.
    public var related: [String] { strings("related") }
    public var due: String? { string("due") }
}

/// Filters of `board change list`; an empty list matches everything.
public struct ChangeFilter: Sendable {
    public var statuses: [String] = []
    public var kinds: [String] = []
    public var objectives: [String] = []
    public var iterations: [String] = []
    /// Only tasks related to one of these items.
    public var related: [String] = []

    public init(statuses: [String] = [], kinds: [String] = [], objectives: [String] = [], iterations: [String] = [],
                related: [String] = []) {
        self.statuses = statuses
        self.kinds = kinds
        self.objectives = objectives
        self.iterations = iterations
        self.related = related
    }

    public func matches(_ change: Record) -> Bool {
        func ok(_ wanted: [String], _ value: String?) -> Bool { wanted.isEmpty || value.map(wanted.contains) == true }
        return ok(statuses, change.status) && ok(kinds, change.changeKind) && ok(objectives, change.objective)
            && ok(iterations, change.iteration) && (related.isEmpty || !Set(related).isDisjoint(with: change.related))
    }
}

extension BoardConfig {
    /// Tags that mark an item as needing a change task (besides `needs_change: true`).
    public var changeTags: [String] { changeManagement?.tags ?? [] }
    /// Whether change tasks' points count towards velocity (default: no).
    public var changesCountInVelocity: Bool { changeManagement?.countInVelocity ?? false }
}

extension Workspace {
    /// Change tasks in due-date order (undated last), then by id.
    public func orderedChanges(_ changes: [Record]) -> [Record] {
        changes.sorted { ($0.due ?? "9999", $0.id) < ($1.due ?? "9999", $1.id) }
    }
}

extension BoardSnapshot {
    /// Change tasks that accompany an item.
    public func changes(relatedTo item: Record) -> [Record] {
        changes.filter { $0.related.contains { $0.caseInsensitiveCompare(item.id) == .orderedSame } }
    }

    /// True when an item says it needs organisational change: `needs_change: true` or a configured tag.
    public func needsChange(_ item: Record) -> Bool {
        (item.has("needs_change") && item.document.value("needs_change")?.bool == true)
            || (!config.changeTags.isEmpty && item.tags.contains(where: config.changeTags.contains))
    }
}

extension Workspace {
    /// Creates a change task (`changes/C-xxxxx-slug.md`) and commits it.
    public func addChange(_ new: NewChange, options: WriteOptions = WriteOptions()) throws -> Record {
        let title = new.title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw BoardError.usage("the title is empty") }
        let status = new.status ?? config.firstStatus
        try validate("kind", .string(new.kind), kind: .change)
        try validate("status", .string(status), kind: .change)
        if let due = new.due, !isDate(due) { throw BoardError.usage("--due \(due): expected a date YYYY-MM-DD") }
        if let objective = new.objective, (try? find(objective, in: .objective)) == nil {
            throw BoardError.usage("--objective \(objective): no objective with that id")
        }
        let items = Set(load(.item).records.map { $0.id.lowercased() })
        for id in new.related where !items.contains(id.lowercased()) {
            throw BoardError.usage("--related \(id): no item with that id")
        }
        let id = freshID(.change, among: load(.change).records, prefix: "C")
        let today = Workspace.today
        let fields: [(String, YAMLValue)] = [
            ("id", .string(id)), ("title", .string(title)), ("kind", .string(new.kind)),
            ("audience", .list(new.audience)), ("owner", new.owner.map(YAMLValue.string) ?? .null),
            ("status", .string(status)), ("due", new.due.map(YAMLValue.date) ?? .null),
            ("objective", new.objective.map(YAMLValue.string) ?? .null), ("related", .list(new.related)),
            ("iteration", new.iteration.map(YAMLValue.string) ?? .null), ("created", .date(today)), ("updated", .date(today)),
        ]
        return try createRecord(.change, id: id, title: title, fields: fields, body: "## Plan\n\n## Notes\n\n", options: options)
    }
}
