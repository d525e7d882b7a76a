import Foundation

extension Checker {
    /// Change task files: required keys, kind, workflow status, due date, and links that exist.
    static func changeFields(_ board: BoardSnapshot) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let items = Set(board.items.map { $0.id.lowercased() })
        for change in board.changes {
            out += requiredKeys(change, ["id", "title", "kind", "status"])
            if !change.changeKind.isEmpty, !changeKinds.contains(change.changeKind) {
                out.append(diagnostic(change, "kind", "unknown change kind \(change.changeKind) (use \(changeKinds.joined(separator: ", ")))"))
            }
            if !change.status.isEmpty, board.config.status(named: change.status) == nil {
                out.append(diagnostic(change, "status", "unknown status \(change.status) (the workflow is \(board.config.statuses.map(\.name).joined(separator: ", ")))"))
            }
            if let due = change.due, !isDate(due) {
                out.append(diagnostic(change, "due", "due must be a date YYYY-MM-DD, not \(quoted(due))"))
            }
            if let link = change.objective, board.objective(link) == nil {
                out.append(diagnostic(change, "objective", "objective \(link) does not exist"))
            }
            for id in change.related where !items.contains(id.lowercased()) {
                out.append(diagnostic(change, "related", "related names \(id), which does not exist"))
            }
            for key in ["audience", "related"] {
                if let node = change.document.value(key), case .mapping = node { out.append(diagnostic(change, key, "\(key) must be a list")) }
            }
        }
        return out
    }

    /// Items that need organisational change have a change task; sign-off comes before the work is done.
    static func changeCoverage(_ board: BoardSnapshot) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for item in board.items where board.needsChange(item) && board.changes(relatedTo: item).isEmpty {
            let key = item.has("needs_change") ? "needs_change" : "tags"
            out.append(diagnostic(item, key, "needs a change task but none is related to \(item.id) (board change add ... --related \(item.id))", .warning))
        }
        let signOffs = board.changes.filter { $0.changeKind == "sign-off" && !board.isDone($0) }
        if signOffs.isEmpty { return out }
        let byID = Dictionary(board.items.map { ($0.id.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        for change in signOffs {
            let related = change.related.compactMap { byID[$0.lowercased()] }
            if !related.isEmpty, related.count == change.related.count, related.allSatisfy(board.isDone) {
                out.append(diagnostic(change, "status", "sign-off is not done (status \(change.status)) but all its related items are done (\(related.map(\.id).joined(separator: ", ")))", .warning))
            }
        }
        return out
    }
}
