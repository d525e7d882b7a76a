import Foundation
import Plot

/// `board portfolio report`: the stakeholder report across boards: a table of the members, then one
/// section per portfolio objective (its boards and team objectives, points, KPI, forecast, halted
/// work and text), then the team objectives with no portfolio parent. Rendered with the escaping and
/// the pieces of `board report` (`MarkdownReport`, `HTMLReport`).
public struct PortfolioReport {
    public var name: String
    public var date: String
    public var members: [MemberStatus]
    public var objectives: PortfolioObjectives

    public init(name: String, date: String = Workspace.today, members: [MemberStatus], objectives: PortfolioObjectives) {
        self.name = name
        self.date = date
        self.members = members
        self.objectives = objectives
    }

    static let memberHeaders = ["Board", "Owner", "Iteration", "Done / committed", "Health", "Velocity", "Forecast 85 %",
                                "Unaligned", "Halted", "Sign-offs", "Data age", "Problem"]

    /// A member's cells as plain text (each renderer escapes them).
    static func cells(_ m: MemberStatus) -> [String] {
        let n = { (v: Double?) in v.map(oneDecimal) ?? "–" }
        return [m.member.name, m.member.owner ?? "–", m.iteration ?? "–",
                m.committed.map { "\(n(m.completed)) of \(n($0))" } ?? "–", m.health?.rawValue ?? "–",
                m.velocity.map { oneDecimal($0) + (m.trend.map { " (\($0))" } ?? "") } ?? "–", m.forecast?.p85 ?? "–",
                "\(m.unaligned)", "\(m.halted)", "\(m.pendingSignOffs)", m.age(), m.error ?? ""]
    }

    static func facts(_ r: PortfolioObjectiveRollup) -> [(String, String)] {
        [("Status", r.objective.status + (r.isHalted ? ": \(r.openItems) open items halted in the teams" : "")),
         ("KPI", r.objective.kpi?.summary ?? "–"),
         ("Points done", "\(r.pointsDone.compact) of \(r.pointsTotal.compact)"),
         ("Boards", r.boards.isEmpty ? "none yet" : r.boards.joined(separator: ", ")),
         ("Forecast", r.forecast.map { "\($0.p50) (50 %), \($0.p85) (85 %)" } ?? "–")]
    }

    static func teamCells(_ c: PortfolioObjectiveRollup.Contribution) -> [String] {
        [c.board, c.progress.objective.id, c.progress.objective.title, c.progress.objective.status,
         "\(c.progress.pointsDone.compact) of \(c.progress.pointsTotal.compact)"]
    }

    static let teamHeaders = ["Board", "Team objective", "Title", "Status", "Points done"]

    public var markdown: String {
        let text = MarkdownReport.text
        var out = ["# \(text(name)): portfolio report of \(date)", "## Boards",
                   MarkdownReport.table(Self.memberHeaders, members.map { Self.cells($0).map(text) })]
        for r in objectives.rollups {
            out.append("## \(text(r.objective.id)) \(text(r.objective.title))")
            out.append(MarkdownReport.table(["", ""], Self.facts(r).map { ["**\($0.0)**", text($0.1)] }))
            if !r.contributions.isEmpty {
                out.append(MarkdownReport.table(Self.teamHeaders, r.contributions.map { Self.teamCells($0).map(text) }))
            }
            let body = r.objective.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
            if !body.isEmpty { out.append(body.replacingOccurrences(of: "<", with: "&lt;")) }
        }
        if !objectives.unaligned.isEmpty {
            out.append("## Unaligned team objectives")
            out.append(MarkdownReport.table(["Board", "Team objective", "Title"],
                                            objectives.unaligned.map { [text($0.board), text($0.objective.id), text($0.objective.title)] }))
        }
        return out.joined(separator: "\n\n") + "\n"
    }

    public var html: String {
        typealias N = HTMLReport.N
        let plain = { (cells: [String]) -> [N] in cells.map { .text($0) } }
        var sections: [N] = [HTMLReport.section("boards", "Boards", [HTMLReport.table(Self.memberHeaders, members.map { plain(Self.cells($0)) })])]
        for r in objectives.rollups {
            var nodes: [N] = [HTMLReport.list(Self.facts(r).map { ($0.0, $0.1, "") })]
            if !r.contributions.isEmpty { nodes.append(HTMLReport.table(Self.teamHeaders, r.contributions.map { plain(Self.teamCells($0)) })) }
            if !r.objective.bodyText.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { nodes.append(HTMLReport.markdown(r.objective.bodyText)) }
            sections.append(HTMLReport.section("objective-" + r.objective.id, "\(r.objective.id) \(r.objective.title)", nodes))
        }
        if !objectives.unaligned.isEmpty {
            sections.append(HTMLReport.section("unaligned", "Unaligned team objectives", [
                HTMLReport.table(["Board", "Team objective", "Title"], objectives.unaligned.map { plain([$0.board, $0.objective.id, $0.objective.title]) }),
            ]))
        }
        let title = "\(name): portfolio report of \(date)"
        let document = HTML(
            .lang(.english),
            .head(.meta(.charset(.utf8)), .viewport(.accordingToDevice), .element(named: "title", text: title), .style(HTMLReport.css)),
            .body(
                .header(.h1(.text(name)), .p(.class("muted"), .text("Portfolio report of \(date)"))),
                .group(sections),
                .footer(.p(.class("muted"), .text("Made by board from the member boards' repositories.")))
            )
        )
        return "<!DOCTYPE html>\n" + document.render(indentedBy: .spaces(1)).replacingOccurrences(of: "<!DOCTYPE html>", with: "")
            .trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
    }
}
