import Foundation

/// Renders a `ReportModel` as Markdown (GitHub-flavoured tables). Text from board files is
/// escaped so it can neither break a table nor inject HTML.
public enum MarkdownReport {
    public static func render(_ model: ReportModel) -> String {
        var out: [String] = []
        let s = model.summary
        out.append("# \(text(s.boardName)): report of \(s.date)")
        out.append("## 1. Summary")
        if let it = s.iteration {
            var rows = [["Iteration", "\(text(it.name)) (\(text(it.id)), \(it.start) to \(it.end), \(it.state))"]]
            if let goal = it.goal, !goal.isEmpty { rows.append(["Goal", inline(goal)]) }
            rows.append(["Days left", "\(s.daysLeft) of \(s.workingDays) working days"])
            rows.append(["Committed", s.committed.map { "\($0.compact) points" } ?? "not started"])
            rows.append(["Completed", "\(s.completed.compact) of \(s.scope.compact) points"])
            out.append(table(["", ""], rows))
        }
        out.append("**Health: \(s.verdict?.rawValue ?? "n/a")**. \(text(s.health))")

        out.append("## 2. Business value by objective")
        if let note = model.objectives.note { out.append("_\(note)_") } else {
            out.append(table(["Objective", "Status", "KPI: baseline → current → target", "Points done", "Delivered this iteration",
                              "Forecast 50 %", "Forecast 85 %"],
                             model.objectives.objectives.map { o in
                                 ["**\(text(o.id))** \(text(o.title))", text(o.status), o.kpi.map { text($0.text) } ?? "–",
                                  "\(o.pointsDone.compact) of \(o.pointsTotal.compact)",
                                  o.delivered.isEmpty ? "–" : o.delivered.map(text).joined(separator: ", "),
                                  o.forecast50.map(text) ?? "–", o.forecast85.map(text) ?? "–"]
                             }))
            for o in model.objectives.objectives where !o.body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                out.append("### \(text(o.id)) \(text(o.title))\n\n" + o.body.replacingOccurrences(of: "<", with: "&lt;")
                    .trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }

        out.append("## 3. Velocity")
        if let note = model.velocity.note { out.append("_\(note)_") } else {
            out.append(table(["Iteration", "Committed", "Completed"],
                             model.velocity.bars.map { [text($0.id), $0.committed.compact, $0.completed.compact] }))
            if let average = model.velocity.average {
                out.append("Average completed: **\(oneDecimal(average))** points over \(model.velocity.bars.count) iterations.")
            }
        }

        out.append("## 4. Burndown and burnup")
        if let note = model.burndown.note { out.append("_\(note)_") } else {
            out.append("Commitment: \(model.burndown.commitment.compact) points.")
            out.append(table(["Day", "Ideal", "Remaining", "Completed", "Scope"], model.burndown.days.map { d in
                [d.date + (d.working ? "" : " (off)"), oneDecimal(d.ideal), d.remaining.compact, d.completed.compact, d.scope.compact]
            }))
        }

        out.append("## 5. Scope changes")
        if let note = model.scope.note { out.append("_\(note)_") } else if model.scope.changes.isEmpty {
            out.append("No scope changes since the iteration started.")
        } else {
            out.append(table(["When", "Who", "What", "Item", "Points"], model.scope.changes.map { c in
                [c.date, text(c.author), c.kind, "**\(text(c.id))** \(text(c.title))", signed(c.delta)]
            }))
        }

        out.append("## 6. Change management")
        if let note = model.changes.note { out.append("_\(note)_") } else {
            for group in model.changes.groups {
                out.append("### \(text(group.status)) (\(group.tasks.count))")
                out.append(table(["Task", "Kind", "Owner", "Due"], group.tasks.map { t in
                    ["**\(text(t.id))** \(text(t.title))", text(t.kind), text(t.owner ?? ""),
                     (t.due.map(text) ?? "") + (t.overdue ? " **overdue**" : "")]
                }))
            }
            out.append(model.changes.pendingSignOffs.isEmpty ? "No sign-offs pending."
                       : "**Sign-offs pending:** " + model.changes.pendingSignOffs.map { "\(text($0.id)) \(text($0.title))" }.joined(separator: "; "))
        }

        out.append("## 7. Risks")
        let r = model.risks
        if r.isEmpty { out.append("No blocked items, no WIP limit exceeded, all work aligned.") }
        if !r.blocked.isEmpty {
            out.append("### Blocked\n" + r.blocked.map { "- **\(text($0.id))** \(text($0.title)): \(text($0.reason))" }.joined(separator: "\n"))
        }
        if !r.overWIP.isEmpty {
            out.append("### Over WIP limits\n" + r.overWIP.map {
                "- **\(text($0.status))**: \($0.count) items, limit \($0.limit) (\($0.items.map(text).joined(separator: ", ")))"
            }.joined(separator: "\n"))
        }
        if !r.unaligned.isEmpty {
            out.append("### Unaligned\n" + r.unaligned.map { "- **\(text($0.id))** \(text($0.title)): \(text($0.reason))" }.joined(separator: "\n"))
        }

        out.append("## 8. Board: \(text(model.board.scope))")
        let columns = model.board.columns
        let depth = columns.map(\.cards.count).max() ?? 0
        out.append(table(columns.map { c in
            "\(text(c.status)) (\(c.cards.count)\(c.wip.map { "/\($0)" } ?? ""))" + (c.overLimit ? " **over WIP**" : "")
        }, (0..<depth).map { row in
            columns.map { c in row < c.cards.count ? card(c.cards[row]) : "" }
        }))
        return out.joined(separator: "\n\n") + "\n"
    }

    static func card(_ c: ReportModel.Card) -> String {
        var details = [c.points.map { "\($0.compact) pts" }, c.assignee.map(text)].compactMap { $0 }
        if c.blocked { details.append("**blocked**") }
        return "**\(text(c.id))** \(text(c.title))" + (details.isEmpty ? "" : " (\(details.joined(separator: ", ")))")
    }

    static func signed(_ v: Double) -> String { v > 0 ? "+" + v.compact : v.compact }

    static func table(_ headers: [String], _ rows: [[String]]) -> String {
        let line = { (cells: [String]) in "| " + cells.joined(separator: " | ") + " |" }
        return ([line(headers), line(headers.map { _ in "---" })] + rows.map(line)).joined(separator: "\n")
    }

    /// Markdown from a board file on one line (a table cell): its formatting kept, HTML and `|` escaped.
    static func inline(_ s: String) -> String {
        s.replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: "|", with: "\\|")
            .components(separatedBy: .newlines).joined(separator: " ")
    }

    /// Board text made safe for Markdown: one line, Markdown punctuation and HTML escaped.
    static func text(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "\\", "|", "*", "_", "`", "[", "]", "#": out += "\\" + String(ch)
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\n", "\r", "\t": out += " "
            default: out.append(ch)
            }
        }
        return out
    }
}
