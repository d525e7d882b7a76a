import Foundation

/// Output formats of `board report`.
public enum ReportDocumentFormat: String, CaseIterable, Sendable {
    case md, html
}

extension Workspace {
    /// The iteration a report is about: the one named, else the active one, else the one holding
    /// today; nil when there is none (the report then covers the whole board).
    public func reportedIteration(_ id: String?, among all: [Iteration]) throws -> Iteration? {
        let today = Workspace.today
        guard id != nil || all.contains(where: { $0.state == .active || (isDate($0.start) && $0.start <= today && today <= $0.end) })
        else { return nil }
        return try reportIteration(id)
    }

    /// Reads the board and fills every section of the report.
    /// - Parameters:
    ///   - iterationID: the iteration to report on (default: the current one).
    ///   - last: how many closed iterations the velocity chart shows.
    public func reportModel(iteration iterationID: String? = nil, last: Int = 6) throws -> ReportModel {
        let board = snapshot()
        let all = sortedIterations(board.iterations)
        let current = try reportedIteration(iterationID, among: all)
        let items = ordered(board.items)
        let inIteration = current.map { it in items.filter { $0.iteration == it.id } } ?? []
        let velocity = Velocity(iterations: all, config: config, last: last)
        let history = reportHistory(current)
        var model = ReportModel(
            summary: reportSummary(current, items: inIteration, velocity: velocity),
            objectives: reportObjectives(board, delivered: inIteration.filter(isDone)),
            velocity: ReportModel.VelocitySection(
                bars: velocity.rows.map { ReportModel.VelocityBar(id: $0.id, committed: $0.committed, completed: $0.completed) },
                average: velocity.average,
                note: velocity.rows.isEmpty ? "No closed iterations yet: `board iteration close` records velocity." : nil),
            burndown: history.burndown,
            scope: history.scope,
            changes: reportChanges(board),
            risks: reportRisks(board, items: current == nil ? items : inIteration),
            board: ReportModel.KanbanBoard(
                scope: current.map { "iteration \($0.id)" } ?? "all items",
                columns: reportColumns(board, cards: current == nil ? items : inIteration)))
        model.unreadable = board.loadDiagnostics
        return model
    }

    // MARK: Sections

    /// Burndown, burnup and scope changes of the iteration, from the Git history.
    func reportHistory(_ iteration: Iteration?) -> (burndown: ReportModel.Burndown, scope: ReportModel.ScopeChanges) {
        func missing(_ why: String) -> (ReportModel.Burndown, ReportModel.ScopeChanges) {
            (ReportModel.Burndown(note: why), ReportModel.ScopeChanges(note: why))
        }
        guard let iteration else { return missing("No current iteration.") }
        guard iteration.state != .planned else { return missing("The iteration has not started.") }
        let timeline: Timeline
        do { timeline = try self.timeline(for: iteration) } catch { return missing("No history data: \(error)") }
        let (commitment, days) = burndown(iteration, timeline: timeline)
        let scope = ScopeReport(iteration: iteration, timeline: timeline)
        return (ReportModel.Burndown(commitment: commitment, days: days.map {
                    ReportModel.BurnDay(date: $0.date, working: $0.working, ideal: $0.ideal, remaining: $0.remaining, scope: $0.scope)
                }),
                ReportModel.ScopeChanges(changes: scope.changes.map {
                    ReportModel.ScopeChange(date: $0.date, author: $0.commit.author, kind: $0.kind.rawValue, id: $0.id,
                                            title: $0.title, delta: $0.delta)
                }))
    }

    func reportSummary(_ iteration: Iteration?, items: [Record], velocity: Velocity) -> ReportModel.Summary {
        var summary = ReportModel.Summary(boardName: config.name, date: Workspace.today, health: "")
        guard let iteration else {
            summary.health = "No current iteration: no iteration is active or holds today."
            return summary
        }
        summary.iteration = ReportModel.IterationInfo(id: iteration.id, name: iteration.name, start: iteration.start,
                                                      end: iteration.end, goal: iteration.goal, state: iteration.state.rawValue)
        let working = iteration.workingDays
        let today = Workspace.today
        summary.workingDays = working.count
        summary.daysLeft = working.filter { $0 >= today }.count
        summary.committed = iteration.commitment?.points
        if iteration.state == .closed, let outcome = iteration.outcome {
            summary.completed = outcome.completedPoints
            summary.scope = outcome.completedPoints + outcome.notCompleted.reduce(0) { $0 + $1.points }
            summary.daysLeft = 0
        } else {
            summary.scope = items.reduce(0) { $0 + ($1.points ?? 0) }
            summary.completed = items.filter(isDone).reduce(0) { $0 + ($1.points ?? 0) }
        }
        if iteration.state == .planned {
            summary.health = "Not started: starts \(iteration.start) with \(summary.scope.compact) points planned."
            return summary
        }
        let averagePerDay = velocity.average.map { $0 / Double(max(working.count, 1)) }
        (summary.verdict, summary.health) = Self.health(
            committed: summary.committed ?? summary.scope, scope: summary.scope, completed: summary.completed,
            daysLeft: summary.daysLeft, workingDays: working.count, fallbackPace: averagePerDay)
        return summary
    }

    /// The health verdict of an iteration.
    ///
    /// - *Behind*: the points left are more than the ideal line at the start of today
    ///   (committed × working days left ÷ working days) plus 10 % of the commitment.
    /// - *Short*: at the pace so far (completed points ÷ working days gone; before the first
    ///   working day is over, `fallbackPace`, the average velocity per working day), the points
    ///   done in the days left fall short of the points left by more than 10 % of the commitment.
    ///
    /// Neither: on track; one: at risk; both: off track. All done is on track.
    public static func health(committed: Double, scope: Double, completed: Double, daysLeft: Int, workingDays: Int,
                              fallbackPace: Double?) -> (ReportModel.Verdict?, String) {
        let remaining = scope - completed
        let days = "\(daysLeft) of \(workingDays) working days left"
        if remaining <= 0 { return (.onTrack, "All \(scope.compact) points done; \(days).") }
        guard workingDays > 0 else { return (nil, "The iteration has no working days.") }
        let tolerance = 0.1 * committed
        let ideal = committed * Double(daysLeft) / Double(workingDays)
        let gone = workingDays - daysLeft
        let pace = gone > 0 ? completed / Double(gone) : fallbackPace
        let behind = remaining > ideal + tolerance + 1e-9
        var text = "\(remaining.compact) of \(scope.compact) points left, \(days); ideal at the start of today \(oneDecimal(ideal))"
        text += behind ? " (\(oneDecimal(remaining - ideal)) behind)" : remaining < ideal ? " (\(oneDecimal(ideal - remaining)) ahead)" : ""
        var short = false
        if let pace {
            let projected = pace * Double(daysLeft)
            short = remaining - projected > tolerance + 1e-9
            text += "; at \(oneDecimal(pace)) points a day, \(oneDecimal(projected)) more by the end"
        }
        text += "."
        switch (behind, short) {
        case (false, false): return (.onTrack, text)
        case (true, true): return (.offTrack, text)
        default: return (.atRisk, text)
        }
    }

    func reportObjectives(_ board: BoardSnapshot, delivered: [Record]) -> ReportModel.Objectives {
        guard !board.objectives.isEmpty else {
            return ReportModel.Objectives(note: "No objectives yet: add files to objectives/.")
        }
        let order = ["active", "proposed", "on-hold", "halted", "achieved"]
        let objectives = board.objectives.sorted {
            (order.firstIndex(of: $0.status) ?? order.count, $0.id) < (order.firstIndex(of: $1.status) ?? order.count, $1.id)
        }
        return ReportModel.Objectives(objectives: objectives.map { objective in
            let progress = board.progress(of: objective)
            let when = (try? forecast(.objective(objective.id)))?.when ?? []
            func at(_ p: Int) -> String? {
                when.first { $0.probability == p }.map { $0.iterations == 0 ? "done" : "\($0.iteration) (\($0.end))" }
            }
            return ReportModel.Objective(
                id: objective.id, title: objective.title, status: objective.status,
                kpi: objective.kpi.map {
                    ReportModel.KPIFigures(name: $0.name, unit: $0.unit, baseline: $0.baseline, current: $0.latest,
                                           target: $0.target, percent: $0.percent)
                },
                pointsDone: progress.pointsDone, pointsTotal: progress.pointsTotal,
                delivered: delivered.filter { $0.objective?.caseInsensitiveCompare(objective.id) == .orderedSame }.map(\.id),
                forecast50: at(50), forecast85: at(85), body: objective.bodyText)
        })
    }

    func reportChanges(_ board: BoardSnapshot) -> ReportModel.ChangeManagement {
        guard !board.changes.isEmpty else { return ReportModel.ChangeManagement(note: "No change tasks.") }
        let today = Workspace.today
        let tasks = orderedChanges(board.changes)
        func task(_ change: Record) -> ReportModel.ChangeTask {
            ReportModel.ChangeTask(id: change.id, title: change.title, kind: change.changeKind, owner: change.owner, due: change.due,
                                   overdue: !isDone(change) && change.due.map { isDate($0) && $0 < today } == true)
        }
        let statuses = config.statuses.map(\.name)
        let unknown = Set(tasks.map(\.status)).subtracting(statuses).sorted()
        var report = ReportModel.ChangeManagement()
        for status in statuses + unknown {
            let group = tasks.filter { $0.status == status }
            if !group.isEmpty { report.groups.append(ReportModel.ChangeGroup(status: status, tasks: group.map(task))) }
        }
        report.pendingSignOffs = tasks.filter { $0.changeKind == "sign-off" && !isDone($0) }.map(task)
        return report
    }

    /// Why an item is blocked, or nil: a `blocked` field (true or a reason), a status named
    /// `blocked`, or a `depends_on` item that is not done.
    func blockedReason(_ item: Record, byID: [String: Record]) -> String? {
        if let value = item.document.value("blocked"), value.resolvedTag != .null {
            if value.bool == true { return "flagged blocked" }
            if let text = item.string("blocked"), !text.isEmpty, value.bool != false { return text }
        }
        if item.status.lowercased() == "blocked" { return "status blocked" }
        let waiting = item.dependsOn.filter { !(byID[$0].map(isDone) ?? false) }
        return waiting.isEmpty ? nil : "waiting for " + waiting.joined(separator: ", ")
    }

    func reportRisks(_ board: BoardSnapshot, items: [Record]) -> ReportModel.Risks {
        let byID = Dictionary(board.items.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let open = items.filter { !isDone($0) }
        var risks = ReportModel.Risks()
        risks.blocked = open.compactMap { item in
            blockedReason(item, byID: byID).map { ReportModel.RiskItem(id: item.id, title: item.title, reason: $0) }
        }
        risks.overWIP = config.statuses.compactMap { status in
            guard let limit = status.wip else { return nil }
            let holding = ordered(board.items.filter { $0.status == status.name })
            return holding.count > limit
                ? ReportModel.WIPBreach(status: status.name, count: holding.count, limit: limit, items: holding.map(\.id)) : nil
        }
        // Alignment exactly as `board check` reports it, for the open items in view.
        let reasons = Dictionary(Checker.alignment(board).map { ($0.path, $0.message) }, uniquingKeysWith: { a, _ in a })
        risks.unaligned = open.compactMap { item in
            reasons[item.path].map { ReportModel.RiskItem(id: item.id, title: item.title, reason: $0) }
        }
        return risks
    }

    func reportColumns(_ board: BoardSnapshot, cards items: [Record]) -> [ReportModel.Column] {
        let byID = Dictionary(board.items.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return config.statuses.map { status in
            let count = board.items.filter { $0.status == status.name }.count
            return ReportModel.Column(
                status: status.name, category: status.category.rawValue, wip: status.wip,
                cards: items.filter { $0.status == status.name }.map { item in
                    ReportModel.Card(id: item.id, title: item.title, points: item.points, assignee: item.assignee,
                                     blocked: !isDone(item) && blockedReason(item, byID: byID) != nil)
                },
                overLimit: status.wip.map { count > $0 } ?? false)
        }
    }
}
