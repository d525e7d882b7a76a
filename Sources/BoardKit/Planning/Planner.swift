import Foundation

/// The result of `board plan`: which items go into an iteration and why others do not.
public struct Plan: Sendable {
    public struct Choice: Sendable, Equatable {
        public var id: String
        public var title: String
        public var points: Double
        /// Points chosen so far, this item included.
        public var total: Double
        /// `carried over`, `planned` (already in the iteration) or `backlog`.
        public var source: String
    }

    public struct Skip: Sendable, Equatable {
        public var id: String
        public var title: String
        public var points: Double?
        /// `not ready`, `blocked by ID`, `too big` or `objective halted`.
        public var reason: String
        /// Why, for people: the missing fields, the remaining room...
        public var detail: String
    }

    public var iteration: Iteration
    public var forecastPoints: Double
    /// How the forecast was made, in words.
    public var basis: String
    public var capacityDays: Double
    /// Team capacity in the board's `capacity_unit`.
    public var capacity: Double
    public var unit: String
    public var selected: [Choice] = []
    public var skipped: [Skip] = []

    public var total: Double { selected.last?.total ?? 0 }
    public var remaining: Double { forecastPoints - total }

    /// The JSON of `board plan --format json`.
    public var jsonObject: [String: Any] {
        [
            "iteration": iteration.id,
            "forecast_points": jsonNumber(forecastPoints),
            "capacity_days": jsonNumber(capacityDays),
            "selected": selected.map { ["id": $0.id, "points": jsonNumber($0.points)] },
            "skipped": skipped.map { ["id": $0.id, "reason": $0.reason] },
        ]
    }
}

extension Workspace {
    /// Why an item does not meet the board's Definition of Ready; empty when it does.
    public func readinessProblems(_ item: Record) -> [String] {
        guard let dor = config.definitionOfReady else { return [] }
        var out: [String] = []
        if dor.points == true, item.points == nil { out.append("no points") }
        if dor.acceptanceCriteria == true, !item.hasChecklist { out.append("no acceptance criteria") }
        for field in dor.fields ?? [] where !(item.string(field).map { !$0.isEmpty } ?? !item.strings(field).isEmpty) {
            out.append("no \(field)")
        }
        return out
    }

    /// Works out a plan for an iteration (default: the first planned one) without changing anything.
    /// - Parameters:
    ///   - velocity: forecast points given by the user, used as they are.
    ///   - capacityOnly: forecast from team capacity (needs `capacity_unit: points`), ignoring history.
    ///   - last: how many closed iterations make the velocity window.
    ///   - snapshot: the board as loaded (by default, loaded now).
    public func plan(_ iterationID: String? = nil, velocity: Double? = nil, capacityOnly: Bool = false,
                     last: Int = 3, snapshot: BoardSnapshot? = nil) throws -> Plan {
        // One load of the board: the iterations come from the same snapshot as the items.
        let snapshot = snapshot ?? self.snapshot()
        let all = sortedIterations(snapshot.iterations)
        let target: Iteration
        if let iterationID {
            target = try iteration(iterationID)
            if target.state == .closed { throw BoardError.usage("iteration \(target.id) is closed") }
        } else {
            guard let first = all.first(where: { $0.state == .planned }) else {
                // A planned iteration may be in a file that cannot be read: say so rather than "none".
                if let broken = snapshot.loadDiagnostics.first(where: { $0.path.hasPrefix(RecordKind.iteration.folder + "/") }) {
                    throw BoardError.invalidFile(broken)
                }
                throw BoardError.usage("no planned iteration; create one with `board iteration new`")
            }
            target = first
        }
        let unit = config.capacityUnit ?? "hours"
        let days = target.personDays(config)
        let capacity = target.capacity(config)
        let history = Velocity(iterations: all.filter { $0.id != target.id }, config: config, last: last)
        let forecast: Double
        let basis: String
        if capacityOnly || (velocity == nil && history.rows.isEmpty) {
            guard unit == "points" else {
                throw BoardError.usage(capacityOnly
                    ? "--capacity-only needs capacity_unit: points in board.yml (capacity is in \(unit))"
                    : "no closed iterations to take a velocity from; pass --velocity POINTS")
            }
            forecast = capacity
            basis = capacityOnly ? "team capacity in points" : "no closed iterations yet: team capacity in points"
        } else if let velocity {
            forecast = velocity
            basis = (history.rows.isEmpty ? "no closed iterations yet: " : "") + "--velocity \(velocity.compact)"
        } else {
            let average = history.average ?? 0
            let mean = history.meanCapacityDays ?? 0
            forecast = mean > 0 ? average * days / mean : average
            basis = "average velocity \(oneDecimal(average)) over \(history.rows.count) iterations"
                + (mean > 0 ? " × \(days.compact) ÷ \(oneDecimal(mean)) person-days" : "")
        }
        var plan = Plan(iteration: target, forecastPoints: forecast, basis: basis, capacityDays: days,
                        capacity: capacity, unit: unit)

        let items = ordered(snapshot.items)
        let byID = Dictionary(items.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let closed = Set(all.filter { $0.state == .closed }.map(\.id))
        let carried = Set(all.last { $0.carriedTo == target.id }?.outcome?.notCompleted.map(\.id) ?? [])
        var taken = Set<String>()
        var total = 0.0
        func take(_ item: Record, _ source: String) {
            total += item.points ?? 0
            taken.insert(item.id)
            plan.selected.append(Plan.Choice(id: item.id, title: item.title, points: item.points ?? 0, total: total, source: source))
        }
        func skip(_ item: Record, _ reason: String, _ detail: String) {
            plan.skipped.append(Plan.Skip(id: item.id, title: item.title, points: item.points, reason: reason, detail: detail))
        }
        /// Skips an item of a halted or on-hold objective: its work stops, wherever it is.
        func skipIfHalted(_ item: Record) -> Bool {
            guard snapshot.isHalted(item), let objective = item.objective else { return false }
            skip(item, "objective halted", "objective \(objective) is halted")
            return true
        }
        // Carried-over and already planned items first (a person put them there: no readiness check).
        let inside = items.filter { $0.iteration == target.id && !isDone($0) }
        for item in inside where carried.contains(item.id) && !skipIfHalted(item) { take(item, "carried over") }
        for item in inside where !carried.contains(item.id) && !skipIfHalted(item) { take(item, "planned") }
        // Then the backlog in rank order. Readiness may read an item's text: on all cores, ahead.
        let backlog = items.filter { !isDone($0) && ($0.iteration.map { $0.isEmpty || closed.contains($0) } ?? true) }
        let readiness = concurrentMap(backlog, readinessProblems)
        for (item, problems) in zip(backlog, readiness) {
            if skipIfHalted(item) { continue }
            if !problems.isEmpty {
                skip(item, "not ready", problems.joined(separator: ", "))
                continue
            }
            if let blocker = item.dependsOn.first(where: { !taken.contains($0) && !(byID[$0].map(isDone) ?? false) }) {
                skip(item, "blocked by \(blocker)", byID[blocker] == nil ? "\(blocker) does not exist" : "\(blocker) is neither done nor planned")
                continue
            }
            let points = item.points ?? 0
            if points > forecast - total + 1e-9 {
                skip(item, "too big", "\(points.compact) points, \(oneDecimal(max(0, forecast - total))) left")
                continue
            }
            take(item, "backlog")
        }
        return plan
    }

    /// Puts a plan in place: sets `iteration:` on the chosen items, records the plan in the
    /// iteration file, and makes one commit whose message lists the plan.
    public func apply(_ plan: Plan, options: WriteOptions = WriteOptions()) throws {
        try exclusively {
            let id = plan.iteration.id
            var changes: [String: Data?] = [:]
            let items = load(.item).records
            for choice in plan.selected where choice.source == "backlog" {
                guard let item = items.first(where: { $0.id == choice.id }) else { continue }
                changes[item.path] = try edited(item.path) { $0.set("iteration", .string(id)) }.document.data
            }
            let record = try edited(plan.iteration.record.path) {
                $0.set("plan", .map([
                    YAMLPair("date", .date(Workspace.today)),
                    YAMLPair("forecast_points", .number((plan.forecastPoints * 100).rounded() / 100)),
                    YAMLPair("capacity_days", .number(plan.capacityDays)),
                    YAMLPair("points", .number(plan.total)),
                    YAMLPair("items", .list(plan.selected.map(\.id))),
                ]))
            }
            changes[record.path] = record.document.data
            var message = "board: plan \(id) (\(plan.selected.count) items, \(plan.total.compact) of \(oneDecimal(plan.forecastPoints)) points)\n\n"
            message += plan.selected.map { "\($0.id) \($0.points.compact) \($0.title)" }.joined(separator: "\n") + "\n"
            if !plan.skipped.isEmpty {
                message += "\nSkipped:\n" + plan.skipped.map { "\($0.id) \($0.reason)" }.joined(separator: "\n") + "\n"
            }
            try save(changes, message: message, options: options)
        }
    }
}

/// A number for people: at most one decimal.
public func oneDecimal(_ value: Double) -> String { ((value * 10).rounded() / 10).compact }
