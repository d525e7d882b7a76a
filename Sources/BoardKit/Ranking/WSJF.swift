import Foundation

/// The cost-of-delay inputs of WSJF, on the board's scale.
public let wsjfInputs = ["value", "time_criticality", "risk_reduction"]

extension Record {
    /// Weighted Shortest Job First: (value + time_criticality + risk_reduction) / points.
    /// Nil when an input is missing or the job size (points) is not above zero.
    public var wsjf: Double? {
        let inputs = wsjfInputs.compactMap(number)
        guard inputs.count == wsjfInputs.count, let size = points, size > 0 else { return nil }
        return inputs.reduce(0, +) / size
    }
}

/// Items in WSJF order: scored items highest first (ties keep their order in the input),
/// then the unscored ones in their input order.
public struct WSJFOrder {
    public var scored: [(item: Record, score: Double)]
    public var unscored: [Record]

    /// `items` must already be in backlog order (see `Workspace.ordered`).
    public init(_ items: [Record]) {
        let scores = items.map(\.wsjf)
        let order = Self.order(scores)
        scored = order.prefix { scores[$0] != nil }.map { (items[$0], scores[$0]!) }
        unscored = order.drop { scores[$0] != nil }.map { items[$0] }
    }

    /// Positions in WSJF order: highest score first (ties keep their order), unscored last; with
    /// `done`, the done items come after every open one, in the same order among themselves.
    public static func order(_ scores: [Double?], done: [Bool]? = nil) -> [Int] {
        func group(_ i: Int) -> Int { (done?[i] == true ? 2 : 0) + (scores[i] == nil ? 1 : 0) }
        return scores.indices.sorted { a, b in
            if group(a) != group(b) { return group(a) < group(b) }
            if let x = scores[a], let y = scores[b], x != y { return x > y }
            return a < b
        }
    }

    public var items: [Record] { scored.map(\.item) + unscored }
}

/// `2.67` style: scores rounded to two decimals, whole numbers without decimals.
public func formatScore(_ score: Double) -> String { ((score * 100).rounded() / 100).compact }

extension Workspace {
    /// Ranks the open items (not in a done status) by WSJF in one commit. Ranks become 1000, 2000, ...
    /// in the new order, with done items after the open ones in their current order (so they never
    /// sit between ranked work); only files whose rank changes are written.
    /// With `dryRun` nothing is written. Returns the new order of the open items.
    @discardableResult
    public func rankByWSJF(dryRun: Bool = false, options: WriteOptions = WriteOptions()) throws -> WSJFOrder {
        return try exclusively {
            let loaded = load(.item)
            let (open, done) = ordered(loaded.records).reduce(into: ([Record](), [Record]())) { parts, item in
                if config.isDone(item.status) { parts.1.append(item) } else { parts.0.append(item) }
            }
            let order = WSJFOrder(open)
            if dryRun { return order }
            var changes: [String: Data?] = [:]
            for (n, item) in (order.items + done).enumerated() {
                let rank = Double(n + 1) * rankStep
                guard item.rank != rank else { continue }
                var copy = try readForWrite(item.path)
                copy.set("rank", .number(rank))
                copy.set("updated", .date(Workspace.today))
                changes[item.path] = copy.document.data
            }
            if !changes.isEmpty {
                try save(changes, message: "board: rank by WSJF (\(order.scored.count) scored, \(order.unscored.count) unscored, \(changes.count) changed)",
                         options: options)
            }
            return order
        }
    }
}

extension Checker {
    /// WSJF inputs (`value`, `time_criticality`, `risk_reduction`) are on the board's point scale.
    static func wsjfScale(_ board: BoardSnapshot) -> [Diagnostic] {
        guard let scale = board.config.points else { return [] }
        return board.items.flatMap { item in
            wsjfInputs.compactMap { key -> Diagnostic? in
                guard let n = item.number(key), !scale.contains(n) else { return nil }
                return diagnostic(item, key, "\(key) \(n.compact) is not on the board's scale \(scale.map(\.compact).joined(separator: ", "))")
            }
        }
    }
}
