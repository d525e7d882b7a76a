import ArgumentParser
import BoardKit

extension Board {
    struct Burndown: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "burndown",
            abstract: "Remaining points per day of an iteration against the ideal line; --burnup for completed vs scope.")

        @Argument(help: "The iteration id (default: the active one).")
        var iteration: String?
        @Flag(help: "Completed points against the total scope instead.")
        var burnup = false
        @Flag(name: .customLong("all-parents"), help: "Read every commit of merged branches, not only the first-parent line.")
        var allParents = false
        @Option(help: "Output format: text (a chart), json or csv.")
        var format: ReportFormat = .text

        @OptionGroup var global: GlobalOptions

        func run() throws {
            guard format != .markdown else { throw BoardError.usage("board burndown prints text, json or csv") }
            let workspace = try global.workspace()
            let window = try workspace.reportIteration(iteration)
            let timeline = try workspace.timeline(for: window, allParents: allParents, progress: historyProgress)
            defer { keepUntilExit(timeline) }
            report(timeline.warnings)
            let (commitment, days) = workspace.burndown(window, timeline: timeline)
            switch format {
            case .json:
                print(renderJSON(["iteration": window.id, "commitment": commitment, "days": days.map(\.jsonObject)] as [String: Any]))
            case .csv:
                print(burnup ? "date,working_day,completed,scope" : "date,working_day,ideal,remaining,scope")
                for d in days {
                    print(([d.date, "\(d.working)"] + (burnup ? [d.completed.compact, d.scope.compact]
                                                      : [d.ideal.compact, d.remaining.compact, d.scope.compact])).joined(separator: ","))
                }
            default:
                let top = max(commitment, days.map(\.scope).max() ?? 0, 1)
                print("\(window.id) \(burnup ? "burnup" : "burndown"): commitment \(commitment.compact) points, \(window.start) to \(window.end)")
                let rows = days.map { d -> [String] in
                    let value = burnup ? d.completed : d.remaining
                    let chart = bar(value / top * 40, mark: (burnup ? d.scope : d.ideal) / top * 40)
                    return burnup ? [d.date, d.working ? "" : "off", d.completed.compact, d.scope.compact, chart]
                                  : [d.date, d.working ? "" : "off", d.ideal.compact, d.remaining.compact, d.scope.compact, chart]
                }
                let headers = burnup ? ["DAY", "", "DONE", "SCOPE", "DONE █  SCOPE │"] : ["DAY", "", "IDEAL", "LEFT", "SCOPE", "LEFT █ (▒ above ideal)  IDEAL │"]
                print(Table(headers: headers, rows: rows, rightAligned: burnup ? [2, 3] : [2, 3, 4]).render())
            }
        }

        /// A horizontal bar of `length` cells in eighth blocks, with `│` at `mark` and `▒` past it.
        func bar(_ length: Double, mark: Double) -> String {
            let eighths = Int((length * 8).rounded())
            var cells = Array(repeating: "█", count: eighths / 8)
            if eighths % 8 > 0 { cells.append(["▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8 - 1]) }
            let at = Int(mark.rounded())
            // Past the mark (behind the ideal line) the bar is shaded.
            for i in cells.indices where i >= at && cells[i] == "█" { cells[i] = "▒" }
            while cells.count <= at { cells.append(" ") }
            if cells[at] == " " { cells[at] = "│" }
            return cells.joined()
        }
    }
}
