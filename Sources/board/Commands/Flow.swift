import ArgumentParser
import BoardKit
import Foundation

extension Board {
    struct Flow: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "flow",
            abstract: "Cumulative flow per status category, cycle and lead times with percentiles, weekly throughput.")

        @Option(help: "First day (default: the day of the first item change).")
        var from: String?
        @Option(help: "Last day (default: today).")
        var to: String?
        @Flag(name: .customLong("all-parents"), help: "Read every commit of merged branches, not only the first-parent line.")
        var allParents = false
        @Option(help: "Output format: text, json or csv (the daily cumulative flow).")
        var format: ReportFormat = .text

        @OptionGroup var global: GlobalOptions

        func run() throws {
            guard format != .markdown else { throw BoardError.usage("board flow prints text, json or csv") }
            for date in [from, to].compactMap({ $0 }) where !isDate(date) {
                throw BoardError.usage("\(date): expected a date YYYY-MM-DD")
            }
            let workspace = try global.workspace()
            let summary = try workspace.flowSummary(allParents: allParents, progress: historyProgress)
            defer { keepUntilExit(summary) }
            report(summary.warnings)
            let last = to ?? Workspace.today
            let first = from ?? summary.firstDay ?? last
            guard first <= last else { throw BoardError.usage("--from \(first) is after --to \(last)") }
            let flow = FlowReport(summary: summary, from: first, to: last)
            let percentiles = [50.0, 85, 95]
            func stats(_ values: [Int]) -> [String: Any] {
                var o: [String: Any] = ["count": values.count]
                for p in percentiles { o["p\(Int(p))"] = FlowReport.percentile(values, p) ?? NSNull() }
                return o
            }
            switch format {
            case .json:
                print(renderJSON([
                    "from": first, "to": last,
                    "cumulative_flow": flow.days.map { ["date": $0.date, "todo": $0.todo, "doing": $0.doing, "done": $0.done] },
                    "items": flow.items.map { i -> [String: Any] in
                        ["id": i.id, "title": i.title, "created": i.created, "started": i.started ?? NSNull(), "done": i.done,
                         "cycle_days": i.cycleDays ?? NSNull(), "lead_days": i.leadDays ?? NSNull()]
                    },
                    "cycle_time": stats(flow.cycleTimes), "lead_time": stats(flow.leadTimes),
                    "throughput": flow.throughput.map { ["week": $0.week, "done": $0.count] },
                ] as [String: Any]))
            case .csv:
                print("date,todo,doing,done")
                for d in flow.days { print("\(d.date),\(d.todo),\(d.doing),\(d.done)") }
            default:
                print("Cumulative flow \(first) to \(last)")
                print(Table(headers: ["DAY", "TODO", "DOING", "DONE"],
                            rows: flow.days.map { [$0.date, "\($0.todo)", "\($0.doing)", "\($0.done)"] }).render())
                print("\nFinished items")
                print(Table(headers: ["ID", "STARTED", "DONE", "CYCLE", "LEAD", "TITLE"], rows: flow.items.map {
                    [$0.id, $0.started ?? "", $0.done, $0.cycleDays.map(String.init) ?? "", $0.leadDays.map(String.init) ?? "", $0.title]
                }, rightAligned: [3, 4]).render())
                print("")
                print(Table(headers: ["DAYS", "ITEMS", "50%", "85%", "95%"], rows: [("cycle time", flow.cycleTimes), ("lead time", flow.leadTimes)].map { name, values in
                    [name, "\(values.count)"] + percentiles.map { FlowReport.percentile(values, $0).map(String.init) ?? "-" }
                }, rightAligned: [1, 2, 3, 4]).render())
                print("\nThroughput")
                print(Table(headers: ["WEEK", "DONE"], rows: flow.throughput.map { [$0.week, "\($0.count)"] }).render())
            }
        }
    }
}
