import ArgumentParser
import BoardKit
import Foundation

extension Board {
    struct Objective: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "objective",
            abstract: "Business objectives that work items serve.",
            subcommands: [Add.self, List.self, Show.self, Set.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "add",
                abstract: "Add an objective and print its id.",
                discussion: "Example: board objective add \"Grow online payments\" --owner carol --status active --kpi \"Online share\" --unit % --baseline 20 --target 60")

            @Argument(help: "The objective's title.")
            var title: String
            @Option(help: "Who answers for it.")
            var owner: String?
            @Option(help: "proposed (default), active, on-hold, halted or achieved.")
            var status = "proposed"
            @Option(help: "Target date YYYY-MM-DD.")
            var horizon: String?
            @Option(help: "The KPI's name.")
            var kpi: String?
            @Option(help: "The KPI's unit.")
            var unit: String?
            @Option(help: "The KPI's value at the start.")
            var baseline: Double?
            @Option(help: "The KPI's goal.")
            var target: Double?
            @Option(help: "The KPI's value now (recorded as a dated measurement).")
            var current: Double?

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: FormatOption
            @OptionGroup var write: WriteFlags

            func run() throws {
                var objective = NewObjective(title: title)
                objective.owner = owner
                objective.status = status
                objective.horizon = horizon
                if kpi != nil || unit != nil || baseline != nil || target != nil || current != nil {
                    objective.kpi = KPI(name: kpi, unit: unit, baseline: baseline, target: target, current: current)
                }
                let record = try global.workspace().addObjective(objective, options: write.options)
                print(output.json ? renderJSON(record.jsonObject) : record.id)
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "list",
                abstract: "Objectives with points done / total, open items, KPI progress and forecast.")

            @Option(help: "Only objectives with this status; repeat or separate with commas.")
            var status: [String] = []

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: FormatOption

            func run() throws {
                let board = try global.workspace().snapshot()
                report(board.loadDiagnostics)  // an item that cannot be read is missing from the figures
                let statuses = splitList(status)
                let objectives = board.objectives.filter { statuses.isEmpty || statuses.contains($0.status) }
                    .sorted { (objectiveStatuses.firstIndex(of: $0.status) ?? 9, $0.id) < (objectiveStatuses.firstIndex(of: $1.status) ?? 9, $1.id) }
                let progress = objectives.map(board.progress(of:))
                if output.json {
                    print(renderJSON(progress.map { p -> [String: Any] in
                        var object = p.objective.jsonObject
                        object["progress"] = p.jsonObject
                        return object
                    }))
                    return
                }
                if global.quiet {
                    for objective in objectives { print(objective.id) }
                    return
                }
                let withForecast = progress.contains { $0.forecast != nil }
                var headers = ["ID", "STATUS", "OWNER", "POINTS", "OPEN", "KPI", "HORIZON"]
                if withForecast { headers.append("FORECAST") }
                let rows = progress.map { p -> [String] in
                    var row = [p.objective.id, colouredObjectiveStatus(p.objective.status), p.objective.owner ?? "",
                               "\(p.pointsDone.compact)/\(p.pointsTotal.compact)", "\(p.openItems.count)",
                               p.objective.kpi?.summary ?? "", p.objective.horizon ?? ""]
                    if withForecast { row.append(p.forecast.map { "\($0.p50) (85%: \($0.p85))" } ?? "") }
                    return row + [p.objective.title]
                }
                print(Table(headers: headers + ["TITLE"], rows: rows, rightAligned: [3, 4]).render())
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "show",
                abstract: "One objective: its fields, KPI, progress and items; for a halted or on-hold objective, the open items to re-link or drop.")

            @Argument(help: "The objective's id.")
            var id: String

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: FormatOption

            func run() throws {
                let workspace = try global.workspace()
                let objective = try workspace.find(id, in: .objective)
                let board = workspace.snapshot()
                report(board.loadDiagnostics)
                let progress = board.progress(of: objective)
                let halted = board.haltedObjectiveIDs.contains(objective.id.lowercased())
                if output.json {
                    var object = objective.jsonObject
                    object["body"] = objective.bodyText
                    object["progress"] = progress.jsonObject
                    object["items"] = progress.items.map(\.id)
                    object["halted_open_items"] = halted ? progress.openItems.map(\.id) : []
                    print(renderJSON(object))
                    return
                }
                print(recordText(objective, skipping: ["kpi"]))
                print("")
                if let kpi = objective.kpi {
                    print("KPI: \(kpi.name.map { $0 + " " } ?? "")\(kpi.summary)")
                }
                print("Progress: \(progress.pointsDone.compact) of \(progress.pointsTotal.compact) points done, \(progress.openItems.count) of \(progress.items.count) items open"
                      + (progress.forecast.map { ", forecast \($0.p50) (50%), \($0.p85) (85%)" } ?? ""))
                let config = workspace.config
                func table(_ items: [Record]) -> String {
                    Table(headers: ["ID", "STATUS", "PTS", "TITLE"], rows: items.map {
                        [$0.id, colouredStatus($0.status, config.category(of: $0.status)), $0.points?.compact ?? "", $0.title]
                    }, rightAligned: [2]).render()
                }
                if halted {
                    print("\n" + "Objective \(objective.status): \(progress.openItems.count) open item\(progress.openItems.count == 1 ? " is" : "s are") left out of planning; re-link them (board set ID objective=O-...) or drop them:".yellow)
                    if !progress.openItems.isEmpty { print(table(progress.openItems)) }
                } else if !progress.items.isEmpty {
                    print("\nItems:")
                    print(table(progress.items))
                }
            }
        }

        struct Set: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "set",
                abstract: "Set fields of an objective; KEY= removes a field, kpi.KEY=VALUE sets a KPI field.",
                discussion: "Example: board objective set O-4kd2q status=active kpi.current=35")

            @OptionGroup var arguments: SetArguments

            func run() throws { try arguments.run(.objective) }
        }
    }
}

/// Objective statuses coloured: active green, on-hold yellow, halted red.
func colouredObjectiveStatus(_ status: String) -> String {
    switch status {
    case "active": return status.green
    case "on-hold": return status.yellow
    case "halted": return status.red
    default: return status
    }
}
