import Foundation

extension Checker {
    /// Objective files: required keys, status, KPI numbers, horizon date.
    static func objectiveFields(_ board: BoardSnapshot) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for objective in board.objectives {
            out += requiredKeys(objective, ["id", "title", "status"])
            if !objective.status.isEmpty, !objectiveStatuses.contains(objective.status) {
                out.append(diagnostic(objective, "status", "unknown objective status \(objective.status) (use \(objectiveStatuses.joined(separator: ", ")))"))
            }
            if let horizon = objective.horizon, !isDate(horizon) {
                out.append(diagnostic(objective, "horizon", "horizon must be a date YYYY-MM-DD, not \(quoted(horizon))"))
            }
            guard let node = objective.document.value("kpi"), node.resolvedTag != .null else { continue }
            guard case .mapping(let kpi) = node else {
                out.append(diagnostic(objective, "kpi", "kpi must be a mapping (name, unit, baseline, target, current)"))
                continue
            }
            for key in ["baseline", "target", "current"] {
                if let value = kpi[key], value.resolvedTag != .null, value.numberValue == nil {
                    out.append(diagnostic(objective, "kpi", "kpi.\(key) must be a number, not \(quoted(value.string ?? ""))"))
                }
            }
            if let list = kpi["measurements"] {
                let ok: Bool
                if case .sequence(let seq) = list {
                    ok = seq.allSatisfy { entry in
                        guard case .mapping(let m) = entry else { return false }
                        return m["date"]?.string.map(isDate) == true && m["value"]?.numberValue != nil
                    }
                } else {
                    ok = list.resolvedTag == .null
                }
                if !ok { out.append(diagnostic(objective, "kpi", "kpi.measurements must be a list of {date: YYYY-MM-DD, value: number}")) }
            }
        }
        return out
    }

    /// Every open item serves an active objective: unlinked items or items of a non-active
    /// objective are warnings (errors with `alignment: strict`); a link to a missing objective is an error.
    /// Done items are history and are not reported; a board without objectives (and not strict)
    /// does not use alignment, so its unlinked items are not reported either.
    static func alignment(_ board: BoardSnapshot) -> [Diagnostic] {
        let strict = board.config.alignment == "strict"
        let severity: Diagnostic.Severity = strict ? .error : .warning
        let aligning = strict || !board.objectives.isEmpty
        var out: [Diagnostic] = []
        for item in board.items {
            guard let link = item.objective, !link.isEmpty else {
                if aligning, !board.isDone(item) {
                    out.append(diagnostic(item, "objective", "not linked to an active objective (set objective: ID)", severity))
                }
                continue
            }
            guard let objective = board.objective(link) else {
                out.append(diagnostic(item, "objective", "objective \(link) does not exist"))
                continue
            }
            if objective.status != "active", !board.isDone(item) {
                let advice = haltingStatuses.contains(objective.status) ? "; re-link or drop the item" : ""
                out.append(diagnostic(item, "objective", "objective \(objective.id) is \(objective.status), not active\(advice)", severity))
            }
        }
        return out
    }
}
