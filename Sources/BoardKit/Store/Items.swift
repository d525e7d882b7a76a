import Foundation

/// What `board add` is given.
public struct NewItem: Sendable {
    public var title: String
    public var type: String = "story"
    public var status: String?
    public var points: Double?
    public var tags: [String] = []
    public var assignee: String?
    public var objective: String?
    public var iteration: String?
    public var dependsOn: [String] = []
    public var rank: RankPosition = .bottom

    public init(title: String) { self.title = title }
}

/// Where `board rank` puts an item.
public enum RankPosition: Equatable, Sendable {
    case top, bottom
    case before(String)
    case after(String)
    case value(Double)
}

/// Keys whose values are lists, numbers or plain text in item front matter.
enum FieldKind {
    static let lists: Set<String> = ["tags", "depends_on", "related", "audience"]
    static let numbers: Set<String> = ["points", "rank", "value", "time_criticality", "risk_reduction"]
    static let required: Set<String> = ["id", "title", "type", "status"]
}

/// The spacing `board` leaves between ranks, so an item can be put between two others
/// by changing only its own file.
let rankStep = 1000.0

extension Workspace {
    /// Items ordered as a backlog: by rank, unranked last, then by id.
    public func ordered(_ records: [Record]) -> [Record] { Self.ordered(records) }

    public static func ordered(_ records: [Record]) -> [Record] { backlogOrder(records).map { records[$0] } }

    /// Indices of `records` in backlog order, so callers need not copy records to sort them.
    public static func backlogOrder(_ records: [Record]) -> [Int] {
        // Ranks read once (on all cores), not at every comparison; no rank sorts after every rank.
        let ranks = concurrentMap(records) { $0.rank ?? .infinity }
        var order = Array(records.indices).sorted { ranks[$0] < ranks[$1] }
        // Ids break ties, read only for items that share a rank (the sorts are stable).
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && ranks[order[end]] == ranks[order[start]] { end += 1 }
            if end - start > 1 {
                let keyed = order[start..<end].map { (id: records[$0].id, index: $0) }
                order.replaceSubrange(start..<end, with: keyed.sorted { $0.id < $1.id }.map(\.index))
            }
            start = end
        }
        return order
    }

    /// A new id that is not in `taken`: a prefix (the board's by default) and five random base-32 characters.
    /// Random ids do not collide when clones add items offline and merge (see docs/format.md).
    public func newID(taken: Set<String>, prefix: String? = nil) -> String {
        let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")
        let lowered = Set(taken.map { $0.lowercased() })
        while true {
            let suffix = String((0..<5).map { _ in alphabet.randomElement()! })
            let id = "\(prefix ?? config.prefix)-\(suffix)"
            if !lowered.contains(id.lowercased()) { return id }
        }
    }

    /// Creates an item file and commits it.
    public func addItem(_ new: NewItem, options: WriteOptions = WriteOptions()) throws -> Record {
        return try exclusively {
            let title = new.title.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !title.isEmpty else { throw BoardError.usage("the title is empty") }
            let existing = load(.item).records
            let status = new.status ?? config.firstStatus
            try validate("type", .string(new.type))
            try validate("status", .string(status))
            if let points = new.points { try validate("points", .number(points)) }
            let ids = Set(existing.map(\.id))
            for dependency in new.dependsOn where !ids.contains(dependency) {
                throw BoardError.usage("--depends-on \(dependency): no item with that id")
            }
            let id = freshID(.item, among: existing)
            let rank = try rankValue(for: new.rank, movingID: id, among: ordered(existing))
            let today = Workspace.today
            let fields: [(String, YAMLValue)] = [
                ("id", .string(id)), ("title", .string(title)), ("type", .string(new.type)),
                ("status", .string(status)), ("points", new.points.map(YAMLValue.number) ?? .null),
                ("rank", .number(rank)), ("assignee", new.assignee.map(YAMLValue.string) ?? .null),
                ("tags", .list(new.tags)), ("iteration", new.iteration.map(YAMLValue.string) ?? .null),
                ("objective", new.objective.map(YAMLValue.string) ?? .null), ("depends_on", .list(new.dependsOn)),
                ("created", .date(today)), ("updated", .date(today)),
            ]
            return try createRecord(.item, id: id, title: title, fields: fields,
                                    body: "## Description\n\n## Acceptance criteria\n\n", options: options)
        }
    }

    /// A new id for a folder, unused by its records and by its file names (even unreadable ones).
    func freshID(_ kind: RecordKind, among existing: [Record], prefix: String? = nil) -> String {
        // Never reuse an id: not one on disk, nor one any commit ever held (deleted items included).
        newID(taken: Set(existing.map(\.id)).union(Self.idsOfFiles(in: absolute(kind.folder))).union(idsInHistory()),
              prefix: prefix)
    }

    /// Writes a new `folder/ID-slug.md` file with the fields in order and the body, and commits it.
    func createRecord(_ kind: RecordKind, id: String, title: String, fields: [(String, YAMLValue)], body: String,
                      options: WriteOptions) throws -> Record {
        var text = "---\n"
        for (key, value) in fields { text += value.lines(key: key).joined(separator: "\n") + "\n" }
        text += "---\n\n" + body
        let path = "\(kind.folder)/\(id)-\(slugify(title)).md"
        let record = try Record(path: path, data: Data(text.utf8))
        try save([path: record.document.data], message: "board: add \(id) \(quoted(title))", options: options)
        return record
    }

    /// Ids named by file names (`ID-slug.md`) in a folder, including files that fail to parse.
    static func idsOfFiles(in folder: String) -> Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return Set(names.compactMap { name in
            let parts = name.split(separator: "-")
            return parts.count >= 2 ? "\(parts[0])-\(parts[1])".replacingOccurrences(of: ".md", with: "") : nil
        })
    }

    /// Moves an item (or a change task) to a workflow status, enforcing the status's WIP limit
    /// on items unless `force`.
    public func moveItem(_ id: String, to status: String, force: Bool = false, kind: RecordKind = .item,
                         options: WriteOptions = WriteOptions()) throws -> (record: Record, from: String) {
        return try exclusively {
            try refuseDuringOperation()
            try validate("status", .string(status), kind: kind)
            let loaded = load(kind)
            let all = loaded.records
            let found = try find(id, among: loaded, kind: kind)
            let from = found.status
            if kind == .item, from != status, let limit = config.status(named: status)?.wip, !force {
                let count = all.filter { $0.status == status }.count
                if count >= limit {
                    throw BoardError.usage("\(status) is at its WIP limit (\(count) of \(limit)); finish something first or pass --force")
                }
            }
            let record = try update(found.path, message: "board: move \(found.id) \(from) → \(status)", options: options) {
                $0.set("status", .string(status))
            }
            return (record, from)
        }
    }

    /// Sets front-matter fields from `KEY=VALUE` assignments; an empty value removes the key.
    public func setFields(_ id: String, _ assignments: [String], kind: RecordKind = .item,
                          options: WriteOptions = WriteOptions()) throws -> Record {
        return try exclusively {
            try refuseDuringOperation()
            var parsed: [(String, YAMLValue?)] = []
            for assignment in assignments {
                guard let eq = assignment.firstIndex(of: "=") else {
                    throw BoardError.usage("\(assignment): expected KEY=VALUE")
                }
                let key = String(assignment[..<eq]).trimmingCharacters(in: .whitespaces)
                let raw = String(assignment[assignment.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
                let parts = key.split(separator: ".", omittingEmptySubsequences: false)
                guard parts.count <= 2, parts.allSatisfy({ part in !part.isEmpty && part.unicodeScalars.allSatisfy {
                    $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-")
                } }) else {
                    throw BoardError.usage("\(key): keys are letters, digits, - and _ (KEY.SUB sets SUB inside KEY)")
                }
                if key == "id" { throw BoardError.usage("the id cannot be changed (it names the item everywhere)") }
                if raw.isEmpty {
                    if FieldKind.required.contains(key) { throw BoardError.usage("\(key) is required and cannot be removed") }
                    parsed.append((key, nil))
                    continue
                }
                let value = try Self.parseValue(key: String(parts.last!), raw: raw)
                try validate(key, value, kind: kind)
                parsed.append((key, value))
            }
            let found = try find(id, in: kind)
            let summary = assignments.joined(separator: " ")
            return try update(found.path, message: "board: set \(found.id) \(summary)", options: options) { record in
                for (key, value) in parsed {
                    guard let dot = key.firstIndex(of: ".") else {
                        if let value { record.set(key, value) } else { record.remove(key) }
                        continue
                    }
                    // KEY.SUB: set or remove SUB inside the mapping KEY (rewriting KEY's block).
                    let (outer, inner) = (String(key[..<dot]), String(key[key.index(after: dot)...]))
                    let current = record.document.value(outer)?.yamlValue ?? .null
                    guard case .map(var pairs) = current == .null ? .map([]) : current else {
                        throw BoardError.usage("\(key): \(outer) is not a mapping")
                    }
                    let before = pairs
                    pairs.removeAll { $0.key == inner && value == nil }
                    if let value {
                        if let i = pairs.firstIndex(where: { $0.key == inner }) { pairs[i].value = value } else { pairs.append(YAMLPair(inner, value)) }
                        if kind == .objective, outer == "kpi", inner == "current", case .number(let n) = value {
                            pairs = KPI.recordingMeasurement(n, on: Workspace.today, in: pairs)
                        }
                    }
                    // Only the lines of the keys that changed, where the block allows it (comments stay).
                    let changed: [(key: String, value: YAMLValue?)] =
                        before.filter { old in !pairs.contains { $0.key == old.key } }.map { ($0.key, nil) }
                        + pairs.filter { new in !before.contains { $0 == new } }.map { ($0.key, $0.value) }
                    if !record.document.setNested(outer, changed) { record.document.set(outer, .map(pairs), keepingFlowStyle: true) }
                }
            }
        }
    }

    static func parseValue(key: String, raw: String) throws -> YAMLValue {
        if FieldKind.lists.contains(key) {
            var text = raw
            if text.hasPrefix("[") && text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
            return .list(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        if FieldKind.numbers.contains(key) {
            guard let n = Double(raw), n.isFinite else { throw BoardError.usage("\(key)=\(raw): expected a number") }
            return .number(n)
        }
        if ["created", "updated", "due", "start", "end", "horizon"].contains(key) {
            guard isDate(raw) else { throw BoardError.usage("\(key)=\(raw): expected a date YYYY-MM-DD") }
            return .date(raw)
        }
        if ["title", "type", "status", "assignee", "iteration", "objective", "kind", "owner", "name", "unit"].contains(key) {
            return .string(raw)
        }
        if let n = Double(raw), n.isFinite, raw.first?.isNumber == true || raw.first == "-" { return .number(n) }
        if raw == "true" || raw == "false" { return .bool(raw == "true") }
        return .string(raw)
    }

    /// Checks a value against the board's rules for known keys of a kind of record.
    public func validate(_ key: String, _ value: YAMLValue, kind: RecordKind = .item) throws {
        if kind == .objective, ["kpi.baseline", "kpi.target", "kpi.current"].contains(key) {
            guard case .number = value else { throw BoardError.usage("\(key)=\(value.rendered): expected a number") }
        }
        switch (key, value) {
        case ("status", .string(let s)) where kind == .objective:
            if !objectiveStatuses.contains(s) {
                throw BoardError.usage("unknown objective status \(s); use \(objectiveStatuses.joined(separator: ", "))")
            }
        case ("kind", .string(let k)) where kind == .change && !changeKinds.contains(k):
            throw BoardError.usage("unknown change kind \(k); use \(changeKinds.joined(separator: ", "))")
        case ("status", .string(let s)) where config.status(named: s) == nil:
            throw BoardError.usage("unknown status \(s); the workflow is \(config.statuses.map(\.name).joined(separator: ", "))")
        case ("type", .string(let t)) where kind == .item && !itemTypes.contains(t):
            throw BoardError.usage("unknown type \(t); use \(itemTypes.joined(separator: ", "))")
        case ("points", .number(let p)):
            if let scale = config.points, !scale.contains(p) {
                throw BoardError.usage("\(YAMLValue.format(p)) points is not on the scale \(scale.map(YAMLValue.format).joined(separator: ", "))")
            }
            if p < 0 { throw BoardError.usage("points cannot be negative") }
        case (let key, .number(let n)) where wsjfInputs.contains(key) && kind == .item:
            if let scale = config.points, !scale.contains(n) {
                throw BoardError.usage("\(key) \(YAMLValue.format(n)) is not on the board's scale \(scale.map(YAMLValue.format).joined(separator: ", "))")
            }
        case ("title", .string(let t)) where t.trimmingCharacters(in: .whitespaces).isEmpty:
            throw BoardError.usage("the title is empty")
        case ("related", .list(let ids)) where kind == .change, ("depends_on", .list(let ids)) where kind == .item:
            // As `change add --related` and `add --depends-on` check them.
            let known = Set(load(.item).records.map { $0.id.lowercased() })
            if let missing = ids.first(where: { !known.contains($0.lowercased()) }) { throw BoardError.usage("\(key) \(missing): no item with that id") }
        default: break
        }
    }

    /// Reads a file fresh from disk, applies an edit, stamps `updated`, and saves it.
    @discardableResult
    public func update(_ path: String, message: String, options: WriteOptions,
                       _ edit: (inout Record) throws -> Void) throws -> Record {
        return try exclusively {
            let record = try edited(path, edit)
            try save([path: record.document.data], message: message, options: options)
            return record
        }
    }

    /// Puts an item at a position in the backlog order by changing only its rank
    /// (all ranks are renumbered only when no room is left between two neighbours).
    public func rankItem(_ id: String, _ position: RankPosition, options: WriteOptions = WriteOptions()) throws -> Record {
        return try exclusively {
            try refuseDuringOperation()
            let loaded = load(.item)
            let item = try find(id, among: loaded)
            let items = ordered(loaded.records)
            let others = items.filter { $0.id != item.id }
            do {
                let rank = try rankValue(for: position, movingID: item.id, among: others)
                return try update(item.path, message: "board: rank \(item.id) \(describe(position))", options: options) {
                    $0.set("rank", .number(rank))
                }
            } catch is NoRoom {}
            // No room: renumber everything with the item in its new place.
            var order = others
            let index: Int
            switch position {
            case .top: index = 0
            case .bottom, .value: index = order.count
            case .before(let other): index = order.firstIndex { $0.id.caseInsensitiveCompare(other) == .orderedSame } ?? 0
            case .after(let other): index = (order.firstIndex { $0.id.caseInsensitiveCompare(other) == .orderedSame } ?? order.count - 1) + 1
            }
            order.insert(item, at: index)
            var changes: [String: Data?] = [:]
            var moved = item
            for (n, record) in order.enumerated() {
                var copy = try readForWrite(record.path)
                copy.set("rank", .number(Double(n + 1) * rankStep))
                if record.id == item.id { copy.set("updated", .date(Workspace.today)); moved = copy }
                changes[record.path] = copy.document.data
            }
            try save(changes, message: "board: rank \(item.id) \(describe(position)) (renumbered \(order.count) items)", options: options)
            return moved
        }
    }

    private func describe(_ position: RankPosition) -> String {
        switch position {
        case .top: return "to top"
        case .bottom: return "to bottom"
        case .before(let id): return "before \(id)"
        case .after(let id): return "after \(id)"
        case .value(let v): return "to \(YAMLValue.format(v))"
        }
    }

    /// The rank for a position among `others` (in backlog order); throws when two neighbours are too close.
    func rankValue(for position: RankPosition, movingID: String, among others: [Record]) throws -> Double {
        let ranks = others.compactMap(\.rank)
        func between(_ a: Double?, _ b: Double?) throws -> Double {
            switch (a, b) {
            case (nil, nil): return rankStep
            case (let a?, nil): return (a / rankStep).rounded(.down) * rankStep + rankStep
            case (nil, let b?): return (b / rankStep).rounded(.up) * rankStep - rankStep
            case (let a?, let b?):
                let mid = (a + b) / 2
                guard mid > a, mid < b, b - a > 1e-6 else { throw NoRoom() }
                return mid
            }
        }
        func neighbours(of id: String) throws -> Int {
            guard let i = others.firstIndex(where: { $0.id.caseInsensitiveCompare(id) == .orderedSame }) else {
                throw BoardError.usage("no item with id \(id)")
            }
            if others[i].rank == nil { throw BoardError.usage("\(others[i].id) has no rank; rank it first") }
            return i
        }
        switch position {
        case .value(let v): return v
        case .top: return try between(nil, ranks.min())
        case .bottom: return try between(ranks.max(), nil)
        case .before(let id):
            let i = try neighbours(of: id)
            return try between(i > 0 ? others[i - 1].rank : nil, others[i].rank)
        case .after(let id):
            let i = try neighbours(of: id)
            return try between(others[i].rank, i + 1 < others.count ? others[i + 1].rank : nil)
        }
    }
}

private struct NoRoom: Error {}

func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
