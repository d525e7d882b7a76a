import Foundation
import Ink
import Plot

/// Renders a `ReportModel` as one self-contained HTML file: inline CSS, SVG charts, no
/// JavaScript, nothing loaded from the network. Plot escapes all text; Markdown bodies go
/// through Ink with raw HTML, images and script links taken out.
public enum HTMLReport {
    typealias N = Node<HTML.BodyContext>

    public static func render(_ model: ReportModel) -> String {
        let s = model.summary
        let title = "\(s.boardName): report of \(s.date)"
        let html = HTML(
            .lang(.english),
            .head(
                .meta(.charset(.utf8)),
                .viewport(.accordingToDevice),
                .element(named: "title", text: title),
                .style(css)
            ),
            .body(
                .header(.h1(text(s.boardName)), .p(.class("muted"), text("Report of \(s.date)"))),
                summary(s),
                objectives(model.objectives),
                velocity(model.velocity),
                burndown(model.burndown),
                scope(model.scope),
                changes(model.changes),
                risks(model.risks),
                board(model.board),
                .footer(.p(.class("muted"), text("Made by board from the files of the repository.")))
            )
        )
        return "<!DOCTYPE html>\n" + html.render(indentedBy: .spaces(1)).replacingOccurrences(of: "<!DOCTYPE html>", with: "")
            .trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
    }

    // MARK: Sections

    static func section(_ id: String, _ heading: String, _ nodes: [N]) -> N {
        .section(.id(id), .h2(text(heading)), .group(nodes))
    }

    static func note(_ text: String?) -> N { text.map { .p(.class("note"), Self.text($0)) } ?? .empty }

    static func summary(_ s: ReportModel.Summary) -> N {
        var nodes: [N] = []
        if let it = s.iteration {
            nodes.append(.p(.strong(text(it.name)), text(" (\(it.id), \(it.start) to \(it.end), \(it.state))")))
            if let goal = it.goal, !goal.isEmpty { nodes.append(.div(.class("goal"), .strong(text("Goal: ")), markdown(goal))) }
            nodes.append(.div(.class("figures"),
                              figure("\(s.daysLeft)", "of \(s.workingDays) working days left"),
                              figure(s.committed?.compact ?? "–", "points committed"),
                              figure(s.completed.compact, "of \(s.scope.compact) points done")))
        }
        let verdict = s.verdict?.rawValue ?? "n/a"
        nodes.append(.p(.span(.class("verdict " + verdict.replacingOccurrences(of: " ", with: "-")), text(verdict)),
                        text(" " + s.health)))
        return section("summary", "1. Summary", nodes)
    }

    static func figure(_ value: String, _ label: String) -> N {
        .div(.class("figure"), .span(.class("value"), text(value)), .span(.class("muted"), text(label)))
    }

    static func objectives(_ o: ReportModel.Objectives) -> N {
        guard o.note == nil else { return section("objectives", "2. Business value by objective", [note(o.note)]) }
        let rows: [[N]] = o.objectives.map { x in
            [.group(.strong(text(x.id)), text(" " + x.title)), text(x.status), text(x.kpi?.text ?? "–"),
             text("\(x.pointsDone.compact) of \(x.pointsTotal.compact)"), text(x.delivered.isEmpty ? "–" : x.delivered.joined(separator: ", ")),
             text(x.forecast50 ?? "–"), text(x.forecast85 ?? "–")]
        }
        let bodies: [N] = o.objectives.filter { !$0.body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }.map {
            .div(.class("objective-body"), .h3(text("\($0.id) \($0.title)")), markdown($0.body))
        }
        return section("objectives", "2. Business value by objective", [
            table(["Objective", "Status", "KPI: baseline → current → target", "Points done", "Delivered this iteration",
                   "Forecast 50 %", "Forecast 85 %"], rows),
        ] + bodies)
    }

    static func velocity(_ v: ReportModel.VelocitySection) -> N {
        guard v.note == nil else { return section("velocity", "3. Velocity", [note(v.note)]) }
        let committed = SVGChart.Series(label: "Committed", cssClass: "series-committed", values: v.bars.map(\.committed))
        let completed = SVGChart.Series(label: "Completed", cssClass: "series-completed", values: v.bars.map(\.completed))
        let lines = v.average.map { [(SVGChart.Series(label: "Average \(oneDecimal($0))", cssClass: "series-average", values: [], dashed: true), $0)] } ?? []
        return section("velocity", "3. Velocity", [
            SVGChart.bars(title: "Velocity: committed and completed points per iteration", labels: v.bars.map(\.id),
                          series: [committed, completed], lines: lines),
            table(["Iteration", "Committed", "Completed"], v.bars.map { [text($0.id), text($0.committed.compact), text($0.completed.compact)] }),
        ])
    }

    static func burndown(_ b: ReportModel.Burndown) -> N {
        guard b.note == nil else { return section("burndown", "4. Burndown and burnup", [note(b.note)]) }
        let labels = b.days.map { String($0.date.dropFirst(5)) }
        let scope = SVGChart.Series(label: "Scope", cssClass: "series-scope", values: b.days.map(\.scope))
        return section("burndown", "4. Burndown and burnup", [
            .div(.class("charts"),
                 .div(.h3(text("Burndown: points left")),
                      SVGChart.lines(title: "Burndown: points remaining against the ideal line", labels: labels, series: [
                          SVGChart.Series(label: "Ideal", cssClass: "series-ideal", values: b.days.map(\.ideal), dashed: true),
                          SVGChart.Series(label: "Remaining", cssClass: "series-remaining", values: b.days.map(\.remaining)), scope,
                      ])),
                 .div(.h3(text("Burnup: points done")),
                      SVGChart.lines(title: "Burnup: points completed against the scope", labels: labels, series: [
                          SVGChart.Series(label: "Completed", cssClass: "series-completed", values: b.days.map(\.completed)), scope,
                      ]))),
            .p(.class("muted"), text("Commitment \(b.commitment.compact) points; each point is the end of a day, from the Git history.")),
        ])
    }

    static func scope(_ s: ReportModel.ScopeChanges) -> N {
        guard s.note == nil else { return section("scope", "5. Scope changes", [note(s.note)]) }
        guard !s.changes.isEmpty else { return section("scope", "5. Scope changes", [.p(text("No scope changes since the iteration started."))]) }
        return section("scope", "5. Scope changes", [
            table(["When", "Who", "What", "Item", "Points"], s.changes.map { c in
                [text(c.date), text(c.author), text(c.kind), .group(.strong(text(c.id)), text(" " + c.title)),
                 text(MarkdownReport.signed(c.delta))]
            }),
        ])
    }

    static func changes(_ c: ReportModel.ChangeManagement) -> N {
        guard c.note == nil else { return section("changes", "6. Change management", [note(c.note)]) }
        var nodes: [N] = c.groups.map { group in
            .group(.h3(text("\(group.status) (\(group.tasks.count))")),
                   table(["Task", "Kind", "Owner", "Due"], group.tasks.map { t in
                       [.group(.strong(text(t.id)), text(" " + t.title)), text(t.kind), text(t.owner ?? ""),
                        .group(text(t.due ?? ""), t.overdue ? .span(.class("badge bad"), text("overdue")) : .empty)]
                   }))
        }
        nodes.append(c.pendingSignOffs.isEmpty ? .p(text("No sign-offs pending."))
                     : .group(.h3(text("Sign-offs pending")), list(c.pendingSignOffs.map { ($0.id, $0.title, $0.due.map { "due " + $0 } ?? "") })))
        return section("changes", "6. Change management", nodes)
    }

    static func risks(_ r: ReportModel.Risks) -> N {
        var nodes: [N] = []
        if r.isEmpty { nodes.append(.p(text("No blocked items, no WIP limit exceeded, all work aligned."))) }
        if !r.blocked.isEmpty { nodes += [.h3(text("Blocked")), list(r.blocked.map { ($0.id, $0.title, $0.reason) })] }
        if !r.overWIP.isEmpty {
            nodes += [.h3(text("Over WIP limits")),
                      list(r.overWIP.map { ($0.status, "\($0.count) items, limit \($0.limit)", $0.items.joined(separator: ", ")) })]
        }
        if !r.unaligned.isEmpty { nodes += [.h3(text("Unaligned")), list(r.unaligned.map { ($0.id, $0.title, $0.reason) })] }
        return section("risks", "7. Risks", nodes)
    }

    static func board(_ b: ReportModel.KanbanBoard) -> N {
        section("board", "8. Board: \(b.scope)", [
            .div(.class("kanban"), .group(b.columns.map { column in
                .div(.class("column " + column.category + (column.overLimit ? " over" : "")),
                     .h3(text(column.status), .span(.class("count"), text(" \(column.cards.count)\(column.wip.map { "/\($0)" } ?? "")"))),
                     .group(column.cards.map { card in
                         .div(.class("card" + (card.blocked ? " blocked" : "")),
                              .div(.class("card-id"), text(card.id)),
                              .div(.class("card-title"), text(card.title)),
                              .div(.class("card-meta"),
                                   card.points.map { .span(.class("points"), text("\($0.compact) pts")) } ?? .empty,
                                   card.assignee.map { .span(.class("assignee"), text($0)) } ?? .empty,
                                   card.blocked ? .span(.class("badge bad"), text("blocked")) : .empty))
                     }))
            })),
        ])
    }

    // MARK: Pieces

    static func table(_ headers: [String], _ rows: [[N]]) -> N {
        .div(.class("scroll"), .table(
            .thead(.tr(.group(headers.map { .th(text($0)) }))),
            .tbody(.group(rows.map { row in .tr(.group(row.map { .td($0) })) }))))
    }

    /// Text from board files: every `&` is written `&amp;`, since Plot leaves what looks like an
    /// entity (`&lt;` in a title) as it is, which a browser would show as `<`.
    static func text(_ s: String) -> N { .text(s.replacingOccurrences(of: "&", with: "&amp;")) }

    static func list(_ entries: [(String, String, String)]) -> N {
        .ul(.group(entries.map { entry in
            .li(.strong(text(entry.0)), text(" " + entry.1 + (entry.2.isEmpty ? "" : ":")),
                entry.2.isEmpty ? .empty : .span(.class("muted"), text(entry.2)))
        }))
    }

    /// Markdown from a board file as HTML: no `<` reaches Ink as such (so no raw HTML gets
    /// through), images become their alt text (nothing is loaded), and links other than
    /// http(s), mailto and relative ones keep only their text.
    static func markdown(_ text: String) -> N {
        var parser = MarkdownParser()
        parser.addModifier(Modifier(target: .images) { _, markdown in
            String(markdown.dropFirst(2).prefix { $0 != "]" }).replacingOccurrences(of: "<", with: "&lt;")
        })
        parser.addModifier(Modifier(target: .links) { html, markdown in
            // Only `<a href="URL">` with a plain URL: no quote, space or other attribute slipped in.
            let rest = html.hasPrefix("<a href=\"") ? html.dropFirst(9) : ""
            let href = rest.prefix { $0 != "\"" }
            let scheme = href.prefix { $0 != ":" && $0 != "/" && $0 != "?" && $0 != "#" }.lowercased()
            let safe = rest.dropFirst(href.count).hasPrefix("\">") && !href.contains { $0.isWhitespace || "'<>`".contains($0) }
                && (!href.contains(":") || ["http", "https", "mailto"].contains(scheme))
            return safe ? html : String(markdown.dropFirst().prefix { $0 != "]" }).replacingOccurrences(of: "<", with: "&lt;")
        })
        // Every `<` reaches Ink as a private-use character and leaves it as `&lt;`: text in code and
        // out of it shows a `<`, and no tag can be written. A fence's language, which Ink writes into
        // an attribute as it is, keeps only letters, digits, `+`, `-` and `_`.
        let lines = text.replacingOccurrences(of: "<", with: "\u{E000}").split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let marker = line.drop { $0 == " " }.prefix { $0 == "`" || $0 == "~" }
            guard marker.count >= 3, let start = line.range(of: marker)?.upperBound else { return String(line) }
            return line[..<start] + line[start...].filter { $0.isASCII && ($0.isLetter || $0.isNumber || "+-_".contains($0)) }
        }
        let html = parser.html(from: lines.joined(separator: "\n"))
        return .div(.class("markdown"), .raw(html.replacingOccurrences(of: "\u{E000}", with: "&lt;")))
    }

    static let css = """
        :root { --fg: #1f2933; --muted: #616e7c; --line: #d9e2ec; --bg: #ffffff; --panel: #f5f7fa;
                --good: #2f855a; --warn: #b7791f; --bad: #c53030; --accent: #2b6cb0; }
        * { box-sizing: border-box; }
        body { font: 15px/1.45 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--fg);
               background: var(--bg); margin: 0 auto; padding: 1rem; max-width: 72rem; }
        h1 { margin: 0; font-size: 1.6rem; } h2 { margin-top: 2rem; border-bottom: 2px solid var(--line); padding-bottom: .2rem; }
        h3 { margin: 1rem 0 .4rem; font-size: 1.05rem; }
        .muted { color: var(--muted); } .note { color: var(--muted); font-style: italic; }
        .figures { display: flex; flex-wrap: wrap; gap: .75rem; margin: .75rem 0; }
        .figure { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .5rem .8rem; min-width: 9rem; }
        .figure .value { display: block; font-size: 1.5rem; font-weight: 600; }
        .verdict { display: inline-block; padding: .15rem .6rem; border-radius: 999px; color: #fff; font-weight: 600; background: var(--muted); }
        .verdict.on-track { background: var(--good); } .verdict.at-risk { background: var(--warn); } .verdict.off-track { background: var(--bad); }
        .badge { display: inline-block; margin-left: .4rem; padding: 0 .4rem; border-radius: 4px; font-size: .8rem; font-weight: 600; }
        .badge.bad { background: #fed7d7; color: var(--bad); }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
        th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { background: var(--panel); font-weight: 600; }
        .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem; }
        svg.chart { width: 100%; height: auto; max-width: 36rem; display: block; }
        svg .grid { stroke: var(--line); stroke-width: 1; } svg .axis { stroke: var(--muted); stroke-width: 1; }
        svg text { font-size: 13px; fill: var(--muted); } svg .legend { fill: var(--fg); }
        svg .line { fill: none; stroke-width: 2.5; } svg .dashed { stroke-dasharray: 6 4; }
        .series-committed { fill: #a0aec0; stroke: #a0aec0; } .series-completed { fill: var(--good); stroke: var(--good); }
        .series-average { fill: none; stroke: var(--bad); } .series-ideal { fill: none; stroke: var(--muted); }
        .series-remaining { fill: none; stroke: var(--accent); } .series-scope { fill: none; stroke: var(--warn); }
        svg .line.series-completed { fill: none; }
        .kanban { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: .75rem; }
        .column { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .5rem; }
        .column h3 { margin: 0 0 .5rem; text-transform: capitalize; } .column .count { color: var(--muted); font-weight: normal; }
        .column.over { border-color: var(--bad); } .column.over h3 { color: var(--bad); }
        .card { background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: 4px;
                padding: .4rem .5rem; margin-bottom: .5rem; }
        .column.done .card { border-left-color: var(--good); } .column.todo .card { border-left-color: #a0aec0; }
        .card.blocked { border-left-color: var(--bad); }
        .card-id { font-size: .8rem; color: var(--muted); font-family: ui-monospace, Menlo, monospace; }
        .card-meta { font-size: .85rem; color: var(--muted); display: flex; gap: .5rem; flex-wrap: wrap; }
        .markdown { overflow-wrap: anywhere; } .goal .markdown, .goal p { display: inline; margin: 0; } .objective-body { border-left: 3px solid var(--line); padding-left: .8rem; }
        @media (max-width: 600px) { body { padding: .6rem; font-size: 14px; } th, td { padding: .3rem; } }
        @media print {
          body { max-width: none; padding: 0; font-size: 10pt; color: #000; }
          h2, h3 { break-after: avoid; } svg.chart, tr, .card, .figure, .objective-body { break-inside: avoid; }
          .scroll { overflow: visible; } .kanban { grid-template-columns: repeat(auto-fit, minmax(7rem, 1fr)); gap: .4rem; }
          .verdict, .badge, .card, .column { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }
        """
}
