import Foundation

/// SplitMix64: a small, fast, seedable generator, so a forecast with the same seed is the same.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform index below `count`.
    public mutating func index(_ count: Int) -> Int { Int(next() % UInt64(count)) }
}

/// Monte Carlo simulation over past iterations' throughput (sampled with replacement).
public enum MonteCarlo {
    public static let probabilities = [50, 70, 85, 95]
    public static let defaultTrials = 10_000
    public static let defaultSeed: UInt64 = 1
    /// No trial runs longer than this many iterations.
    public static let maxIterations = 1_000

    /// Nearest rank: the value at or below which `percent` % of the sorted values lie.
    public static func percentile<T>(_ sorted: [T], _ percent: Int) -> T {
        let rank = (percent * sorted.count + 99) / 100
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }

    /// For each trial, how many iterations it takes to reach `target`; sorted ascending.
    /// Trials that do not finish within `maxIterations` report `maxIterations + 1`.
    public static func iterationsToFinish(_ target: Double, samples: [Double], trials: Int, seed: UInt64) -> [Int] {
        iterationsToFinish(target, teams: [samples], trials: trials, seed: seed)
    }

    /// As above for several teams working towards one target: each simulated iteration adds one
    /// sampled iteration of every team.
    public static func iterationsToFinish(_ target: Double, teams: [[Double]], trials: Int, seed: UInt64) -> [Int] {
        var rng = SplitMix64(seed: seed)
        let teams = teams.filter { !$0.isEmpty }
        return (0..<trials).map { _ in
            var done = 0.0
            var count = 0
            while done < target - 1e-9 && count <= maxIterations {
                for samples in teams { done += samples[rng.index(samples.count)] }
                count += 1
            }
            return count
        }.sorted()
    }

    /// Future iteration slots, numbered from 1: the open iterations in order, then projected ones of
    /// `iteration_length` days back to back (`+N`), with their end dates.
    public static func slots(_ all: [Iteration], config: BoardConfig) -> (Int) -> (id: String, end: String) {
        let open = all.filter { $0.state != .closed }
        let length = config.iterationLength ?? 14
        // Projected iterations follow the last one, but never start in the past.
        let yesterday = WorkCalendar.dayNumber(Workspace.today)! - 1
        let lastEnd = max(yesterday, (open.last ?? all.last { $0.state == .closed }).flatMap { WorkCalendar.dayNumber($0.end) } ?? yesterday)
        return { n in
            if n <= open.count { return (open[n - 1].id, open[n - 1].end) }
            return ("+\(n)", WorkCalendar.date(lastEnd + (n - open.count) * length))
        }
    }

    /// For each trial, the total of `iterations` sampled iterations, for each measure; each sorted ascending.
    public static func amounts(in iterations: Int, samples: [[Double]], trials: Int, seed: UInt64) -> [[Double]] {
        var rng = SplitMix64(seed: seed)
        var out = Array(repeating: [Double](), count: samples.first?.count ?? 0)
        for _ in 0..<trials {
            var totals = Array(repeating: 0.0, count: out.count)
            for _ in 0..<iterations {
                for (m, value) in samples[rng.index(samples.count)].enumerated() { totals[m] += value }
            }
            for m in out.indices { out[m].append(totals[m]) }
        }
        return out.map { $0.sorted() }
    }
}

/// What `board forecast` answers.
public enum ForecastQuestion: Sendable {
    /// When will N more items be done?
    case items(Int)
    /// When will P more points be done?
    case points(Double)
    /// How much will be done by this date?
    case until(String)
    /// When will the open items of an objective be done?
    case objective(String)
}

/// A forecast's answer at 50, 70, 85 and 95 %.
public struct ForecastResult: Sendable {
    /// "when": how many iterations, which iteration (id, or `+N` for one not yet created) and its end.
    public struct When: Sendable, Equatable {
        public var probability: Int
        public var iterations: Int
        public var iteration: String
        public var end: String
    }
    /// "how much": points and items reached.
    public struct HowMuch: Sendable, Equatable {
        public var probability: Int
        public var points: Double
        public var items: Double
    }

    /// The question in words, e.g. `25 points`.
    public var question: String
    /// What was sampled: `points` or `items` completed per iteration.
    public var measure = "points"
    /// The closed iterations sampled, with their completed points or items.
    public var samples: [Iteration.Entry]
    public var trials: Int
    public var seed: UInt64
    public var when: [When] = []
    public var howMuch: [HowMuch] = []
    /// For "how much": the iterations that end by the date.
    public var iterations: Int?

    public var jsonObject: [String: Any] {
        var object: [String: Any] = [
            "question": question, "measure": measure, "trials": trials, "seed": Int(exactly: seed).map { $0 as Any } ?? NSNumber(value: seed),  // an NSNumber 0 or 1 reads as a Bool
            "history": samples.map { ["id": $0.id, "completed": jsonNumber($0.points)] },
        ]
        if let iterations { object["iterations"] = iterations }
        object["percentiles"] = when.isEmpty
            ? howMuch.map { ["probability": $0.probability, "points": jsonNumber($0.points), "items": jsonNumber($0.items)] }
            : when.map { ["probability": $0.probability, "iterations": $0.iterations, "iteration": $0.iteration, "end": $0.end] }
        return object
    }
}

extension Workspace {
    /// Monte Carlo forecast from the completed points (or items) of closed iterations.
    /// Future iterations are the open ones in order, then ones of `iteration_length` days back to back.
    public func forecast(_ question: ForecastQuestion, trials: Int = MonteCarlo.defaultTrials,
                         seed: UInt64 = MonteCarlo.defaultSeed, last: Int? = nil) throws -> ForecastResult {
        guard trials >= 1 else { throw BoardError.usage("--trials must be at least 1") }
        let all = iterations().iterations
        let closed = all.filter { $0.state == .closed }
        let rows = Velocity(iterations: all, config: config, last: last ?? closed.count).rows
        guard !rows.isEmpty else { throw BoardError.usage("no closed iterations to forecast from; close an iteration first") }
        let slot = MonteCarlo.slots(all, config: config)
        var result = ForecastResult(question: "", samples: rows.map { Iteration.Entry(id: $0.id, points: $0.completed) },
                                    trials: trials, seed: seed)
        let target: Double
        let samples: [Double]
        switch question {
        case .until(let date):
            guard let day = WorkCalendar.dayNumber(date) else { throw BoardError.usage("--until \(date): expected a date YYYY-MM-DD") }
            var count = 0
            while count < MonteCarlo.maxIterations, WorkCalendar.dayNumber(slot(count + 1).end)! <= day { count += 1 }
            let sorted = MonteCarlo.amounts(in: count, samples: rows.map { [$0.completed, Double($0.completedItems)] },
                                            trials: trials, seed: seed)
            result.question = "how much by \(date)"
            result.iterations = count
            result.howMuch = MonteCarlo.probabilities.map {
                ForecastResult.HowMuch(probability: $0, points: MonteCarlo.percentile(sorted[0], 100 - $0),
                                       items: MonteCarlo.percentile(sorted[1], 100 - $0))
            }
            return result
        case .items(let n):
            target = Double(n)
            samples = rows.map { Double($0.completedItems) }
            result.measure = "items"
            result.samples = zip(rows, samples).map { Iteration.Entry(id: $0.id, points: $1) }
            result.question = "\(n) items"
        case .points(let p):
            target = p
            samples = rows.map(\.completed)
            result.question = "\(p.compact) points"
        case .objective(let id):
            let objective = try find(id, in: .objective)
            let open = load(.item).records.filter { $0.objective == objective.id && !isDone($0) }
            target = open.reduce(0) { $0 + ($1.points ?? 0) }
            samples = rows.map(\.completed)
            let unestimated = open.filter { $0.points == nil }.count
            result.question = "objective \(objective.id): \(target.compact) points in \(open.count) open items"
                + (unestimated > 0 ? " (\(unestimated) without points, counted as 0)" : "")
        }
        guard target <= 0 || samples.contains(where: { $0 > 0 }) else {
            throw BoardError.usage("no work was completed in the closed iterations; nothing to forecast from")
        }
        let sorted = MonteCarlo.iterationsToFinish(target, samples: samples, trials: trials, seed: seed)
        result.when = MonteCarlo.probabilities.map { p in
            let n = MonteCarlo.percentile(sorted, p)
            let (id, end) = n > MonteCarlo.maxIterations ? ("never", "") : slot(max(n, 1))
            return ForecastResult.When(probability: p, iterations: n, iteration: n == 0 ? "" : id, end: n == 0 ? "" : end)
        }
        return result
    }
}
