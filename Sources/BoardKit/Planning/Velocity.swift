import Foundation

/// Velocity of closed iterations, from the commitment and outcome recorded in their files.
/// Only backlog items count; change tasks (`changes/`) carry no points.
public struct Velocity: Sendable {
    /// One closed iteration.
    public struct Row: Sendable, Equatable {
        public var id: String
        /// Points of the commitment at the start.
        public var committed: Double
        /// Points (as at close) of items done at close.
        public var completed: Double
        /// Points (as at close) of items in the outcome that were not in the commitment.
        public var added: Double
        /// Points (as at start) of committed items that left the iteration before the close.
        public var removed: Double
        /// Points of unfinished items moved on at close.
        public var carriedOver: Double
        /// Available person-days.
        public var capacityDays: Double
        /// Items done at close.
        public var completedItems: Int
    }

    /// The closed iterations in the window, oldest first.
    public var rows: [Row]
    /// The window asked for (`--last N`).
    public var window: Int

    public init(iterations: [Iteration], config: BoardConfig, last: Int = 3) {
        window = last
        rows = iterations.filter { $0.state == .closed }.suffix(max(0, last)).map { Self.row($0, config) }
    }

    static func row(_ iteration: Iteration, _ config: BoardConfig) -> Row {
        let commitment = iteration.commitment
        let outcome = iteration.outcome
        let committed = commitment?.items ?? []
        let committedIDs = Set(committed.map(\.id))
        let closing = (outcome?.completed ?? []) + (outcome?.notCompleted ?? [])
        let closingIDs = Set(closing.map(\.id))
        func sum(_ entries: [Iteration.Entry]) -> Double { entries.reduce(0) { $0 + $1.points } }
        return Row(id: iteration.id, committed: commitment?.points ?? 0, completed: outcome?.completedPoints ?? 0,
                   added: sum(closing.filter { !committedIDs.contains($0.id) }),
                   removed: sum(committed.filter { !closingIDs.contains($0.id) }),
                   carriedOver: sum(outcome?.notCompleted ?? []), capacityDays: iteration.personDays(config),
                   completedItems: outcome?.completed.count ?? 0)
    }

    var completed: [Double] { rows.map(\.completed) }

    /// Mean completed points; nil without closed iterations.
    public var average: Double? { rows.isEmpty ? nil : completed.reduce(0, +) / Double(rows.count) }

    /// Median completed points (mean of the middle two for an even count).
    public var median: Double? {
        let sorted = completed.sorted()
        guard !sorted.isEmpty else { return nil }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    public var minimum: Double? { completed.min() }
    public var maximum: Double? { completed.max() }

    /// Mean available person-days of the iterations in the window.
    public var meanCapacityDays: Double? {
        rows.isEmpty ? nil : rows.reduce(0) { $0 + $1.capacityDays } / Double(rows.count)
    }

    /// Completed points per available person-day over the window.
    public var pointsPerPersonDay: Double? {
        let days = rows.reduce(0) { $0 + $1.capacityDays }
        return days > 0 ? completed.reduce(0, +) / days : nil
    }

    /// The JSON of `board velocity --format json`.
    public var jsonObject: [String: Any] {
        [
            "window": window,
            "average": jsonNumber(average),
            "median": jsonNumber(median),
            "iterations": rows.map { row -> [String: Any] in
                ["id": row.id, "committed": jsonNumber(row.committed), "completed": jsonNumber(row.completed),
                 "added": jsonNumber(row.added), "removed": jsonNumber(row.removed),
                 "carried_over": jsonNumber(row.carriedOver), "capacity_days": jsonNumber(row.capacityDays)]
            },
        ]
    }
}

/// A number for JSON: whole numbers as integers, others rounded to 4 decimals, nil as null.
public func jsonNumber(_ value: Double?) -> Any {
    guard let value, value.isFinite else { return NSNull() }
    if value == value.rounded(), abs(value) < 1e15 { return Int(value) }
    return (value * 10_000).rounded() / 10_000
}
