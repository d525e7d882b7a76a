import Foundation

/// What `board iteration new` is given; nil fields take the defaults.
public struct NewIteration: Sendable {
    public var id: String?
    public var name: String?
    public var start: String?
    /// Length in calendar days (default: `iteration_length`, else 14).
    public var length: Int?
    public var goal: String?
    public var daysOff: [String] = []

    public init() {}
}

/// What `board iteration close` did.
public struct CloseResult: Sendable {
    public var iteration: Iteration
    public var outcome: Iteration.Outcome
}

extension Workspace {
    /// The next `S<n>` id: one more than the highest `S<number>` id so far, or file `S<number>.md`
    /// (one that cannot be read keeps its id).
    public func nextIterationID(among iterations: [Iteration]) -> String {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: absolute(RecordKind.iteration.folder))) ?? []
        let ids = iterations.map(\.id) + files.filter { $0.hasSuffix(".md") }.map { String($0.dropLast(3)) }
        let numbers = ids.compactMap { id -> Int? in
            guard id.first == "S" || id.first == "s" else { return nil }
            return Int(id.dropFirst())
        }
        return "S\((numbers.max() ?? 0) + 1)"
    }

    /// Creates `iterations/ID.md` in state planned and commits it.
    public func addIteration(_ new: NewIteration, options: WriteOptions = WriteOptions()) throws -> Iteration {
        return try exclusively {
            let (existing, _) = iterations()
            let id = new.id ?? nextIterationID(among: existing)
            guard isValidID(id) else { throw BoardError.usage("\(id): an iteration id is letters, digits, -, _ and .") }
            if existing.contains(where: { $0.id.caseInsensitiveCompare(id) == .orderedSame })
                || FileManager.default.fileExists(atPath: absolute("\(RecordKind.iteration.folder)/\(id).md")) {
                throw BoardError.usage("iteration \(id) already exists")
            }
            let lastEnd = existing.compactMap { WorkCalendar.dayNumber($0.end) }.max()
            let start = new.start ?? lastEnd.map { WorkCalendar.date($0 + 1) } ?? Workspace.today
            guard WorkCalendar.dayNumber(start) != nil else { throw BoardError.usage("--start \(start): expected a date YYYY-MM-DD") }
            let length = new.length ?? config.iterationLength ?? 14
            guard length >= 1 else { throw BoardError.usage("--length must be at least 1 day") }
            for day in new.daysOff where WorkCalendar.dayNumber(day) == nil {
                throw BoardError.usage("--days-off \(day): expected a date YYYY-MM-DD")
            }
            let end = WorkCalendar.adding(length - 1, to: start)!
            let number = Int(id.dropFirst()).map { "Sprint \($0)" } ?? id
            let fields: [(String, YAMLValue)] = [
                ("id", .string(id)), ("name", .string(new.name ?? number)), ("start", .date(start)), ("end", .date(end)),
                ("goal", new.goal.map(YAMLValue.string) ?? .null), ("state", .string(Iteration.State.planned.rawValue)),
                ("days_off", .list(new.daysOff)),
            ]
            var text = "---\n"
            for (key, value) in fields { text += value.lines(key: key).joined(separator: "\n") + "\n" }
            text += "---\n\n## Notes\n\n## Review\n\n## Retrospective\n"
            let path = "\(RecordKind.iteration.folder)/\(id).md"
            let record = try Record(path: path, data: Data(text.utf8))
            try save([path: record.document.data], message: "board: new iteration \(id) \(start)..\(end)", options: options)
            return Iteration(record: record)
        }
    }

    /// The iteration with an id, read from disk.
    public func iteration(_ id: String) throws -> Iteration {
        Iteration(record: try find(id, in: .iteration))
    }

    /// Reads a file for editing, applies the edit and stamps `updated` on items, without saving.
    func edited(_ path: String, _ edit: (inout Record) throws -> Void) throws -> Record {
        var record = try readForWrite(path)
        let before = record.document.data
        try edit(&record)
        if record.document.data != before, record.has("updated") || path.hasPrefix(RecordKind.item.folder + "/") {
            record.set("updated", .date(Workspace.today))
        }
        return record
    }

    /// An item's id and points now (no points count as 0).
    func entry(_ item: Record) -> Iteration.Entry { Iteration.Entry(id: item.id, points: item.points ?? 0) }

    static func yaml(_ entries: [Iteration.Entry]) -> YAMLValue {
        .seq(entries.map { .map([YAMLPair("id", .string($0.id)), YAMLPair("points", .number($0.points))]) })
    }

    /// `board iteration start`: records the commitment (each planned item's id and points
    /// and their sum), sets the state to active and commits.
    public func startIteration(_ id: String, options: WriteOptions = WriteOptions()) throws -> (Iteration, Iteration.Commitment) {
        return try exclusively {
            let iteration = try self.iteration(id)
            guard iteration.state == .planned else {
                throw BoardError.usage("iteration \(iteration.id) is \(iteration.state.rawValue); only a planned iteration can start")
            }
            let items = ordered(velocityRecords().filter { $0.iteration == iteration.id })
            let planned = items.filter { !isDone($0) }.map(entry)
            let commitment = Iteration.Commitment(date: Workspace.today, points: planned.reduce(0) { $0 + $1.points },
                                                  items: planned, alreadyDone: items.filter(isDone).map(\.id))
            let record = try edited(iteration.record.path) {
                $0.set("state", .string(Iteration.State.active.rawValue))
                $0.set("commitment", .map([
                    YAMLPair("date", .date(commitment.date)), YAMLPair("points", .number(commitment.points)),
                    YAMLPair("items", Self.yaml(commitment.items)), YAMLPair("already_done", .list(commitment.alreadyDone)),
                ]))
            }
            try save([record.path: record.document.data],
                     message: "board: start iteration \(iteration.id) (\(planned.count) items, \(commitment.points.compact) points)",
                     options: options)
            return (Iteration(record: record), commitment)
        }
    }

    /// `board iteration close`: records the outcome (items done at close with their points then,
    /// and the unfinished ones), moves unfinished items to the next open iteration (or the
    /// backlog when there is none or `toBacklog`), sets the state to closed and commits.
    public func closeIteration(_ id: String, toBacklog: Bool = false, options: WriteOptions = WriteOptions()) throws -> CloseResult {
        return try exclusively {
            let all = iterations().iterations
            let iteration = try self.iteration(id)
            guard iteration.state == .active else {
                throw BoardError.usage("iteration \(iteration.id) is \(iteration.state.rawValue); only an active iteration can close (start it first)")
            }
            let alreadyDone = Set(iteration.commitment?.alreadyDone ?? [])
            let items = ordered(velocityRecords().filter { $0.iteration == iteration.id })
            let completed = items.filter { isDone($0) && !alreadyDone.contains($0.id) }.map(entry)
            let unfinished = items.filter { !isDone($0) }
            let next = toBacklog ? nil : all.first {
                $0.id != iteration.id && $0.state != .closed && ($0.start, $0.id) > (iteration.start, iteration.id)
            }
            let outcome = Iteration.Outcome(date: Workspace.today, completedPoints: completed.reduce(0) { $0 + $1.points },
                                            completed: completed, notCompleted: unfinished.map(entry), carriedTo: next?.id)
            var pairs = [YAMLPair("date", .date(outcome.date)), YAMLPair("completed_points", .number(outcome.completedPoints)),
                         YAMLPair("completed", Self.yaml(completed)), YAMLPair("not_completed", Self.yaml(outcome.notCompleted))]
            if let next { pairs.append(YAMLPair("carried_to", .string(next.id))) }
            let record = try edited(iteration.record.path) {
                $0.set("state", .string(Iteration.State.closed.rawValue))
                $0.set("outcome", .map(pairs))
            }
            var changes: [String: Data?] = [record.path: record.document.data]
            for item in unfinished {
                changes[item.path] = try edited(item.path) { $0.set("iteration", next.map { .string($0.id) } ?? .null) }.document.data
            }
            let destination = next.map { "to \($0.id)" } ?? "to the backlog"
            let moved = unfinished.isEmpty ? "" : ", \(unfinished.count) moved \(destination)"
            try save(changes, message: "board: close iteration \(iteration.id) (\(outcome.completedPoints.compact) points done\(moved))",
                     options: options)
            return CloseResult(iteration: Iteration(record: record), outcome: outcome)
        }
    }
}

extension Workspace {
    /// What commitments and outcomes count: the items, plus the change tasks when
    /// `change_management: {count_in_velocity: true}` (they carry no points unless given some).
    func velocityRecords() -> [Record] {
        load(.item).records + (config.changesCountInVelocity ? load(.change).records : [])
    }
}
