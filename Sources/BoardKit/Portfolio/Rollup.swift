import Foundation

extension ReportModel.Verdict: Codable {}

/// Completion dates at 50 % and 85 %.
public struct DateForecast: Codable, Sendable, Equatable {
    public var p50: String
    public var p85: String
}

/// One row of `board portfolio status`.
public struct MemberStatus: Codable {
    public var member: PortfolioMember
    /// Why the member could not be read or fetched; the row keeps the last good data, if any.
    public var error: String?
    public var commit: String?
    public var fetched: Date?
    public var iteration: String?
    public var committed: Double?
    public var completed: Double?
    /// The current iteration's health, by the rule of `board report`.
    public var health: ReportModel.Verdict?
    /// Mean completed points of the last 3 closed iterations.
    public var velocity: Double?
    /// `up`, `down` or `flat`: the last closed iteration against the mean of the 3 before it (±10 %).
    public var trend: String?
    /// When the open objectives' remaining work is done, at 50 % and 85 %.
    public var forecast: DateForecast?
    /// Open items not serving an active, not halted objective.
    public var unaligned = 0
    /// Open items of halted objectives (on their own or through the portfolio).
    public var halted = 0
    /// Sign-off change tasks not done.
    public var pendingSignOffs = 0

    public init(member: PortfolioMember, error: String? = nil) {
        self.member = member
        self.error = error
    }

    /// The columns of `--format csv`.
    public static let csvHeader = ["name", "owner", "iteration", "committed", "completed", "health", "velocity", "trend",
                                   "forecast_p50", "forecast_p85", "unaligned", "halted", "pending_sign_offs", "age", "commit", "error"]

    public var csvFields: [String] {
        let n = { (v: Double?) -> String in v.map { oneDecimal($0) } ?? "" }
        let fields: [String] = [member.name, member.owner ?? "", iteration ?? "", n(committed), n(completed),
                                health?.rawValue ?? "", n(velocity), trend ?? "", forecast?.p50 ?? "", forecast?.p85 ?? ""]
        return fields + ["\(unaligned)", "\(halted)", "\(pendingSignOffs)", age(), commit.map { String($0.prefix(7)) } ?? "", error ?? ""]
    }

    /// How old the data is: `local` for a path read in place, else the time since the fetch.
    public func age(now: Date = Date()) -> String {
        guard let fetched else { return error != nil && commit == nil ? "-" : "local" }
        let seconds = max(0, Int(now.timeIntervalSince(fetched)))
        switch seconds {
        case ..<60: return "\(seconds)s"
        case ..<3_600: return "\(seconds / 60)m"
        case ..<86_400: return "\(seconds / 3_600)h"
        default: return "\(seconds / 86_400)d"
        }
    }

    public var jsonObject: [String: Any] {
        [
            "name": member.name, "location": member.location, "owner": member.owner ?? NSNull(),
            "error": error ?? NSNull(), "commit": commit ?? NSNull(),
            "fetched": fetched.map { ISO8601DateFormatter().string(from: $0) } ?? NSNull(),
            "age": age(), "iteration": iteration ?? NSNull(),
            "committed": jsonNumber(committed), "completed": jsonNumber(completed),
            "health": health?.rawValue ?? NSNull(), "velocity": jsonNumber(velocity), "trend": trend ?? NSNull(),
            "forecast": forecast.map { ["p50": $0.p50, "p85": $0.p85] } ?? NSNull(),
            "unaligned": unaligned, "halted": halted, "pending_sign_offs": pendingSignOffs,
        ]
    }
}

extension BoardSnapshot {
    /// The iteration under way: the active one, else the one holding today.
    public var currentIteration: Iteration? {
        let all = iterations.map(Iteration.init).sorted { ($0.start, $0.id) < ($1.start, $1.id) }
        let today = Workspace.today
        return all.first { $0.state == .active } ?? all.first { $0.state != .closed && $0.start <= today && today <= $0.end }
    }

    /// True when an open item serves an active objective that is not halted.
    public func isAligned(_ item: Record) -> Bool {
        guard let link = item.objective, let objective = objective(link) else { return false }
        return objective.status == "active" && !isHalted(item)
    }

    /// The portfolio row of this board.
    public func status(of member: PortfolioMember) -> MemberStatus {
        var row = MemberStatus(member: member)
        let all = iterations.map(Iteration.init).sorted { ($0.start, $0.id) < ($1.start, $1.id) }
        let velocity = Velocity(iterations: all, config: config, last: 3)
        if let iteration = currentIteration {
            let inside = items.filter { $0.iteration == iteration.id }
            let points = { (records: [Record]) in records.compactMap(\.points).reduce(0, +) }
            let scope = points(inside)
            let working = iteration.workingDays
            row.iteration = iteration.id
            row.committed = iteration.commitment?.points ?? scope
            row.completed = points(inside.filter(isDone))
            if iteration.state == .active {
                row.health = Workspace.health(committed: row.committed!, scope: scope, completed: row.completed!,
                                              daysLeft: working.filter { $0 >= Workspace.today }.count, workingDays: working.count,
                                              fallbackPace: velocity.average.map { $0 / Double(max(working.count, 1)) }).0
            }
        }
        let recent = Velocity(iterations: all, config: config, last: 4).rows.map(\.completed)
        row.velocity = velocity.average
        if let last = recent.last, recent.count > 1 {
            let before = recent.dropLast().reduce(0, +) / Double(recent.count - 1)
            row.trend = last > before * 1.1 ? "up" : last < before * 0.9 ? "down" : "flat"
        }
        let halted = haltedObjectiveIDs
        let open = objectives.filter { $0.status == "active" && !halted.contains($0.id.lowercased()) }
        let remaining = open.map { progress in
            items(of: progress).filter { !isDone($0) }.compactMap(\.points).reduce(0, +)
        }.reduce(0, +)
        if !open.isEmpty { row.forecast = forecastCompletion(remainingPoints: remaining).map { DateForecast(p50: $0.p50, p85: $0.p85) } }
        let openItems = items.filter { !isDone($0) }
        row.unaligned = openItems.filter { !isAligned($0) }.count
        row.halted = openItems.filter(isHalted).count
        row.pendingSignOffs = changes.filter { $0.changeKind == "sign-off" && !isDone($0) }.count
        return row
    }
}

/// One portfolio objective across the member boards (`board portfolio objectives`).
public struct PortfolioObjectiveRollup {
    /// A team objective under the portfolio objective.
    public struct Contribution {
        public var board: String
        public var progress: ObjectiveProgress
    }

    public var objective: Record
    public var contributions: [Contribution] = []
    public var pointsDone: Double { contributions.map(\.progress.pointsDone).reduce(0, +) }
    public var pointsTotal: Double { contributions.map(\.progress.pointsTotal).reduce(0, +) }
    public var boards: [String] { contributions.map(\.board).reduce(into: []) { if !$0.contains($1) { $0.append($1) } } }
    /// Completion at 50 % and 85 %: a Monte Carlo over the contributing boards' closed iterations
    /// together, projected from today in iterations of the longest `iteration_length` among them.
    public var forecast: (p50: String, p85: String)?
    /// True when the objective is halted or on hold: its teams' open work is halted.
    public var isHalted: Bool { haltingStatuses.contains(objective.status) }
    /// Open items of the contributing team objectives.
    public var openItems: Int { contributions.map(\.progress.openItems.count).reduce(0, +) }

    public var jsonObject: [String: Any] {
        [
            "id": objective.id, "title": objective.title, "status": objective.status,
            "boards": boards, "points_done": jsonNumber(pointsDone), "points_total": jsonNumber(pointsTotal),
            "kpi": objective.kpi.map { $0.percent.map { jsonNumber($0) } ?? NSNull() } ?? NSNull(),
            "forecast": forecast.map { ["p50": $0.p50, "p85": $0.p85] } ?? NSNull(),
            "halted": isHalted, "open_items": openItems,
            "team_objectives": contributions.map {
                ["board": $0.board, "id": $0.progress.objective.id, "title": $0.progress.objective.title,
                 "status": $0.progress.objective.status, "points_done": jsonNumber($0.progress.pointsDone),
                 "points_total": jsonNumber($0.progress.pointsTotal)] as [String: Any]
            },
        ]
    }
}

/// Everything `board portfolio objectives` shows.
public struct PortfolioObjectives {
    public var rollups: [PortfolioObjectiveRollup]
    /// Open team objectives whose `parent` is missing or names no portfolio objective: (board, objective).
    public var unaligned: [(board: String, objective: Record)]

    public init(objectives: [Record], boards: [MemberBoard]) {
        let ids = Set(objectives.map { $0.id.lowercased() })
        rollups = objectives.sorted { $0.id < $1.id }.map { objective in
            var rollup = PortfolioObjectiveRollup(objective: objective)
            var teams: [[Double]] = []
            var length = 0
            for board in boards {
                let linked = board.snapshot.objectives.filter { $0.parent?.caseInsensitiveCompare(objective.id) == .orderedSame }
                guard !linked.isEmpty else { continue }
                for team in linked.sorted(by: { $0.id < $1.id }) {
                    rollup.contributions.append(.init(board: board.member.name, progress: board.snapshot.progress(of: team)))
                }
                let all = board.snapshot.iterations.map(Iteration.init).sorted { ($0.start, $0.id) < ($1.start, $1.id) }
                let samples = Velocity(iterations: all, config: board.snapshot.config, last: all.count).rows.map(\.completed)
                if samples.contains(where: { $0 > 0 }) {
                    teams.append(samples)
                    length = max(length, board.snapshot.config.iterationLength ?? 14)
                }
            }
            let remaining = rollup.pointsTotal - rollup.pointsDone
            if !teams.isEmpty {
                let today = WorkCalendar.dayNumber(Workspace.today)!
                let sorted = MonteCarlo.iterationsToFinish(remaining, teams: teams, trials: MonteCarlo.defaultTrials, seed: MonteCarlo.defaultSeed)
                let end = { (p: Int) in WorkCalendar.date(today + MonteCarlo.percentile(sorted, p) * length) }
                rollup.forecast = (end(50), end(85))
            }
            return rollup
        }
        unaligned = boards.flatMap { board in
            board.snapshot.objectives.filter {
                $0.status != "achieved" && !($0.parent.map { ids.contains($0.lowercased()) } ?? false)
            }.map { (board.member.name, $0) }
        }
    }
}
