import ArgumentParser
import BoardKit
import Foundation

extension Board {
    struct IterationCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "iteration", abstract: "Create, list, show, start and close iterations (sprints).",
            subcommands: [New.self, List.self, Show.self, Start.self, Close.self])

        struct New: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "new",
                abstract: "Create an iteration and print its id (S1, S2... unless --id).",
                discussion: "Example: board iteration new --start 2026-03-02 --length 14 --goal \"Pay invoices online\"")

            @Option(help: "The id (default: S and the next number).")
            var id: String?
            @Option(help: "The name (default: Sprint N).")
            var name: String?
            @Option(help: "First day, YYYY-MM-DD (default: the day after the last iteration ends, else today).")
            var start: String?
            @Option(help: "Length in calendar days (default: iteration_length in board.yml).")
            var length: Int?
            @Option(help: "The iteration goal.")
            var goal: String?
            @Option(name: .customLong("days-off"), help: "Team days off (holidays); repeat or separate with commas.")
            var daysOff: [String] = []

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: FormatOption
            @OptionGroup var write: WriteFlags

            func run() throws {
                var new = NewIteration()
                new.id = id
                new.name = name
                new.start = start
                new.length = length
                new.goal = goal
                new.daysOff = splitList(daysOff)
                let iteration = try global.workspace().addIteration(new, options: write.options)
                print(output.json ? renderJSON(iteration.record.jsonObject) : iteration.id)
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "List iterations by start date.", aliases: ["ls"])

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: FormatOption

            func run() throws {
                let workspace = try global.workspace()
                let (iterations, diagnostics) = workspace.iterations()
                let loaded = workspace.load(.item)
                report(diagnostics + loaded.diagnostics)
                let items = loaded.records
                let rows = iterations.map { summary($0, workspace: workspace, items: items) }
                if output.json {
                    print(renderJSON(rows))
                } else if global.quiet {
                    iterations.forEach { print($0.id) }
                } else {
                    print(Table(headers: ["ID", "NAME", "STATE", "START", "END", "DAYS", "PERSON-DAYS", "CAPACITY", "ITEMS", "PTS", "GOAL"],
                                rows: rows.map { r in
                                    [r["id"], r["name"], colouredState(r["state"] as! String), r["start"], r["end"],
                                     r["working_days"], r["capacity_days"], r["team_capacity"], r["item_count"], r["points"], r["goal"]]
                                        .map { "\($0.flatMap { $0 is NSNull ? nil : $0 } ?? "")" }
                                }, rightAligned: [5, 6, 7, 8, 9]).render())
                }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "show", abstract: "Show an iteration: dates, capacity, items, commitment and outcome.")

            @Argument(help: "The iteration's id.")
            var id: String

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: FormatOption

            func run() throws {
                let workspace = try global.workspace()
                let iteration = try workspace.iteration(id)
                let config = workspace.config
                let loaded = workspace.load(.item)
                report(loaded.diagnostics)
                let items = workspace.ordered(loaded.records.filter { $0.iteration == iteration.id })
                if output.json {
                    var object = iteration.record.jsonObject
                    object.merge(summary(iteration, workspace: workspace, items: items)) { _, new in new }
                    object["members"] = iteration.members(config).map {
                        ["name": $0.name, "capacity": jsonNumber($0.perDay), "days_off": $0.daysOff,
                         "available_days": iteration.availableDays(of: $0)]
                    }
                    object["items"] = items.map { ["id": $0.id, "status": $0.status, "points": jsonNumber($0.points)] }
                    object["body"] = iteration.record.bodyText
                    print(renderJSON(object))
                    return
                }
                print("\(iteration.id.bold)  \(iteration.name)  \(colouredState(iteration.state.rawValue))")
                print("\(iteration.start) – \(iteration.end): \(iteration.workingDays.count) working days"
                      + (iteration.daysOff.isEmpty ? "" : " (team days off: \(iteration.daysOff.joined(separator: ", ")))"))
                if let goal = iteration.goal { print("goal: \(goal)") }
                let unit = config.capacityUnit ?? "hours"
                print("\nCapacity (\(unit) per day):")
                var rows = iteration.members(config).map { m in
                    [m.name, m.perDay.compact, m.daysOff.joined(separator: ", "), String(iteration.availableDays(of: m)),
                     (m.perDay * Double(iteration.availableDays(of: m))).compact]
                }
                rows.append(["team", "", "", iteration.personDays(config).compact, iteration.capacity(config).compact])
                print(Table(headers: ["MEMBER", "PER DAY", "DAYS OFF", "AVAILABLE", unit.uppercased()], rows: rows,
                            rightAligned: [1, 3, 4]).render())
                print("\nItems:")
                print(Table(headers: ["ID", "STATUS", "PTS", "TITLE"], rows: items.map {
                    [$0.id, colouredStatus($0.status, config.category(of: $0.status)), $0.points?.compact ?? "", $0.title]
                }, rightAligned: [2]).render())
                if let c = iteration.commitment {
                    print("\ncommitted \(c.date): \(c.points.compact) points in \(c.items.count) items")
                }
                if let o = iteration.outcome {
                    print("closed \(o.date): \(o.completedPoints.compact) points done (\(o.completed.count) items), "
                          + "\(o.notCompleted.count) not done" + (o.carriedTo.map { " → \($0)" } ?? ""))
                }
            }
        }

        struct Start: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "start",
                abstract: "Start an iteration: record the commitment (its items and points now) and commit.")

            @Argument(help: "The iteration's id.")
            var id: String

            @OptionGroup var global: GlobalOptions
            @OptionGroup var write: WriteFlags

            func run() throws {
                let (iteration, commitment) = try global.workspace().startIteration(id, options: write.options)
                if !global.quiet {
                    print("\(iteration.id) started: \(commitment.items.count) items, \(commitment.points.compact) points committed")
                }
            }
        }

        struct Close: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "close",
                abstract: "Close an iteration: record what was done and move unfinished items on.")

            @Argument(help: "The iteration's id.")
            var id: String
            @Flag(name: .customLong("to-backlog"), help: "Move unfinished items to the backlog, not the next iteration.")
            var toBacklog = false

            @OptionGroup var global: GlobalOptions
            @OptionGroup var write: WriteFlags

            func run() throws {
                let result = try global.workspace().closeIteration(id, toBacklog: toBacklog, options: write.options)
                guard !global.quiet else { return }
                let o = result.outcome
                print("\(result.iteration.id) closed: \(o.completedPoints.compact) points done in \(o.completed.count) items")
                if !o.notCompleted.isEmpty {
                    print("not done, moved to \(o.carriedTo ?? "the backlog"): \(o.notCompleted.map(\.id).joined(separator: ", "))")
                }
            }
        }
    }
}

/// One iteration's figures, for `iteration list` and `show`.
private func summary(_ iteration: BoardKit.Iteration, workspace: Workspace, items: [Record]) -> [String: Any] {
    let config = workspace.config
    let mine = items.filter { $0.iteration == iteration.id }
    return [
        "id": iteration.id, "name": iteration.name, "state": iteration.state.rawValue,
        "start": iteration.start, "end": iteration.end, "goal": iteration.goal ?? NSNull(),
        "working_days": iteration.workingDays.count, "capacity_days": jsonNumber(iteration.personDays(config)),
        "team_capacity": jsonNumber(iteration.capacity(config)), "item_count": mine.count,
        "points": jsonNumber(mine.reduce(0) { $0 + ($1.points ?? 0) }),
    ]
}

func colouredState(_ state: String) -> String {
    switch state {
    case "active": return state.yellow
    case "closed": return state.dim
    default: return state
    }
}
