import Foundation

/// The life cycle of a business objective.
public let objectiveStatuses = ["proposed", "active", "on-hold", "halted", "achieved"]

/// Objective statuses whose open work is stopped: excluded from planning and listed for re-linking.
public let haltingStatuses: Set<String> = ["on-hold", "halted"]

/// What `board objective add` is given.
public struct NewObjective: Sendable {
    public var title: String
    public var owner: String?
    public var status = "proposed"
    public var horizon: String?
    public var kpi: KPI?

    public init(title: String) { self.title = title }
}

/// An objective's key performance indicator: where it started, where it is, where it should get.
public struct KPI: Sendable, Equatable {
    public var name: String?
    public var unit: String?
    public var baseline: Double?
    public var target: Double?
    public var current: Double?
    /// Dated readings, oldest first as written.
    public var measurements: [(date: String, value: Double)] = []

    public init(name: String? = nil, unit: String? = nil, baseline: Double? = nil, target: Double? = nil,
                current: Double? = nil) {
        self.name = name
        self.unit = unit
        self.baseline = baseline
        self.target = target
        self.current = current
    }

    public static func == (a: KPI, b: KPI) -> Bool {
        (a.name, a.unit, a.baseline, a.target, a.current) == (b.name, b.unit, b.baseline, b.target, b.current)
            && a.measurements.map(\.date) == b.measurements.map(\.date) && a.measurements.map(\.value) == b.measurements.map(\.value)
    }

    /// The current value, else the latest measurement.
    public var latest: Double? { current ?? measurements.last?.value }

    /// Percentage of the way from baseline to target (0 at baseline, 100 at target; below 0 when
    /// worse than the baseline, above 100 past the target). Nil without baseline, target and a value.
    public var percent: Double? {
        guard let baseline, let target, let value = latest, target != baseline else { return nil }
        return (value - baseline) / (target - baseline) * 100
    }

    /// `20 → 35 → 60 % (38%)`.
    public var summary: String {
        func n(_ v: Double?) -> String { v?.compact ?? "?" }
        var text = "\(n(baseline)) → \(n(latest)) → \(n(target))"
        if let unit, !unit.isEmpty { text += " \(unit)" }
        if let percent { text += " (\(Int(percent.rounded()))%)" }
        return text
    }

    /// The front-matter block.
    var yamlValue: YAMLValue {
        var pairs: [YAMLPair] = []
        if let name { pairs.append(YAMLPair("name", .string(name))) }
        if let unit { pairs.append(YAMLPair("unit", .string(unit))) }
        for (key, value) in [("baseline", baseline), ("target", target), ("current", current)] {
            if let value { pairs.append(YAMLPair(key, .number(value))) }
        }
        if let current { return .map(Self.recordingMeasurement(current, on: Workspace.today, in: pairs)) }
        return .map(pairs)
    }

    /// The KPI pairs with a measurement `{date, value}` added to `measurements`
    /// (replacing one of the same date), so every change of `current` leaves a dated reading.
    static func recordingMeasurement(_ value: Double, on date: String, in pairs: [YAMLPair]) -> [YAMLPair] {
        var pairs = pairs
        var list: [YAMLValue] = []
        if let i = pairs.firstIndex(where: { $0.key == "measurements" }) {
            if case .seq(let existing) = pairs[i].value { list = existing }
            pairs.remove(at: i)
        }
        list.removeAll {
            if case .map(let m) = $0, m.contains(where: { $0.key == "date" && ($0.value == .date(date) || $0.value == .string(date)) }) { return true }
            return false
        }
        list.append(.map([YAMLPair("date", .date(date)), YAMLPair("value", .number(value))]))
        pairs.append(YAMLPair("measurements", .seq(list)))
        return pairs
    }
}

extension Record {
    /// The `kpi` block of an objective, if it is a mapping.
    public var kpi: KPI? {
        guard let node = document.value("kpi"), case .mapping(let map) = node else { return nil }
        func text(_ key: String) -> String? { map[key].flatMap { $0.resolvedTag == .null ? nil : $0.string } }
        func number(_ key: String) -> Double? { map[key]?.number }
        var kpi = KPI(name: text("name"), unit: text("unit"), baseline: number("baseline"), target: number("target"),
                      current: number("current"))
        if case .sequence(let seq)? = map["measurements"] {
            kpi.measurements = seq.compactMap { entry in
                guard case .mapping(let m) = entry, let date = m["date"]?.string, let value = m["value"]?.number else { return nil }
                return (date, value)
            }
        }
        return kpi
    }

    public var owner: String? { string("owner") }
    public var horizon: String? { string("horizon") }
    /// The portfolio objective a team objective serves (`parent: ID`).
    public var parent: String? { string("parent").flatMap { $0.isEmpty ? nil : $0 } }
}

/// How far an objective has got: its items' points and open work, and its KPI.
public struct ObjectiveProgress {
    public var objective: Record
    /// Items linked with `objective: ID`, in backlog order.
    public var items: [Record]
    public var pointsDone: Double
    public var pointsTotal: Double
    /// Linked items not in a done status.
    public var openItems: [Record]
    /// Forecast completion dates at 50 % and 85 %; nil when there is no velocity history.
    public var forecast: (p50: String, p85: String)?

    public var jsonObject: [String: Any] {
        var object: [String: Any] = [
            "points_done": pointsDone, "points_total": pointsTotal, "items_open": openItems.count,
            "items_total": items.count,
            "forecast": forecast.map { ["p50": $0.p50, "p85": $0.p85] } ?? NSNull(),
        ]
        if let kpi = objective.kpi { object["kpi_percent"] = kpi.percent ?? NSNull() }
        return object
    }
}

extension BoardSnapshot {
    /// True when a record's status is in a done category of the workflow.
    public func isDone(_ record: Record) -> Bool { config.isDone(record.status) }

    /// Ids (lower-cased) of objectives that are halted or on hold, or whose `parent` portfolio
    /// objective is: their open items are not planned.
    public var haltedObjectiveIDs: Set<String> {
        let haltedParents = Set(portfolioObjectives.filter { haltingStatuses.contains($0.status) }.map { $0.id.lowercased() })
        return Set(objectives.filter {
            haltingStatuses.contains($0.status) || $0.parent.map { haltedParents.contains($0.lowercased()) } == true
        }.map { $0.id.lowercased() })
    }

    /// The portfolio objective that halts an objective of this board, if one does.
    public func haltingParent(of objective: Record) -> Record? {
        guard let parent = objective.parent else { return nil }
        return portfolioObjectives.first {
            $0.id.caseInsensitiveCompare(parent) == .orderedSame && haltingStatuses.contains($0.status)
        }
    }

    /// True when an item serves a halted or on-hold objective, so `board plan` leaves it out
    /// (reason: objective halted).
    public func isHalted(_ item: Record) -> Bool {
        guard let objective = item.objective else { return false }
        return haltedObjectiveIDs.contains(objective.lowercased())
    }

    /// The objective an id names (case-insensitive).
    public func objective(_ id: String) -> Record? {
        objectives.first { $0.id.caseInsensitiveCompare(id) == .orderedSame }
    }

    /// Items linked to an objective, by rank.
    public func items(of objective: Record) -> [Record] {
        Workspace.ordered(items.filter { $0.objective?.caseInsensitiveCompare(objective.id) == .orderedSame })
    }

    public func progress(of objective: Record) -> ObjectiveProgress {
        let linked = items(of: objective)
        let open = linked.filter { !isDone($0) }
        let done = linked.filter(isDone).compactMap(\.points).reduce(0, +)
        let total = linked.compactMap(\.points).reduce(0, +)
        return ObjectiveProgress(objective: objective, items: linked, pointsDone: done, pointsTotal: total, openItems: open,
                                 forecast: forecastCompletion(remainingPoints: total - done))
    }

    /// When the remaining points are done with 50 % and 85 % probability: the end dates of the
    /// iterations found by a Monte Carlo forecast over the closed iterations' completed points
    /// (as `board forecast --objective`). Nil when there is no velocity history.
    public func forecastCompletion(remainingPoints: Double) -> (p50: String, p85: String)? {
        let all = iterations.map(Iteration.init).sorted { ($0.start, $0.id) < ($1.start, $1.id) }
        let rows = Velocity(iterations: all, config: config, last: all.count).rows
        guard rows.contains(where: { $0.completed > 0 }) else { return nil }
        if remainingPoints <= 0 { return (Workspace.today, Workspace.today) }
        let sorted = MonteCarlo.iterationsToFinish(remainingPoints, samples: rows.map(\.completed),
                                                   trials: MonteCarlo.defaultTrials, seed: MonteCarlo.defaultSeed)
        let slot = MonteCarlo.slots(all, config: config)
        return (slot(max(1, MonteCarlo.percentile(sorted, 50))).end, slot(max(1, MonteCarlo.percentile(sorted, 85))).end)
    }
}

extension Workspace {
    /// Creates an objective file (`objectives/O-xxxxx-slug.md`) and commits it.
    public func addObjective(_ new: NewObjective, options: WriteOptions = WriteOptions()) throws -> Record {
        let title = new.title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw BoardError.usage("the title is empty") }
        try validate("status", .string(new.status), kind: .objective)
        if let horizon = new.horizon, !isDate(horizon) { throw BoardError.usage("--horizon \(horizon): expected a date YYYY-MM-DD") }
        let id = freshID(.objective, among: load(.objective).records, prefix: "O")
        let today = Workspace.today
        let fields: [(String, YAMLValue)] = [
            ("id", .string(id)), ("title", .string(title)), ("owner", new.owner.map(YAMLValue.string) ?? .null),
            ("status", .string(new.status)), ("kpi", new.kpi?.yamlValue ?? .null),
            ("horizon", new.horizon.map(YAMLValue.date) ?? .null), ("created", .date(today)), ("updated", .date(today)),
        ]
        return try createRecord(.objective, id: id, title: title, fields: fields,
                                body: "## Business case\n\n", options: options)
    }
}
