import ArgumentParser
import BoardKit

extension Board {
    struct PlanCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "Fill an iteration from the backlog up to its forecast, and commit the plan.",
            discussion: """
                Carried-over items come first, then ready items in rank order whose objective is not halted and
                whose dependencies are done or planned; items that do not fit are skipped for smaller ones.
                Example: board plan S4 --dry-run
                """)

        @Argument(help: "The iteration (default: the first planned one).")
        var iteration: String?
        @Option(help: "Forecast points to plan to, instead of the velocity history.")
        var velocity: Double?
        @Flag(name: .customLong("capacity-only"), help: "Plan to team capacity (capacity_unit: points), ignoring velocity.")
        var capacityOnly = false
        @Flag(name: .customLong("dry-run"), help: "Show the plan without changing anything.")
        var dryRun = false
        @Option(help: "How many closed iterations make the velocity window.")
        var last = 3

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @OptionGroup var write: WriteFlags

        func run() throws {
            if let velocity, velocity < 0 || !velocity.isFinite { throw BoardError.usage("--velocity must be a number of points, 0 or more") }
            guard last >= 1 else { throw BoardError.usage("--last must be at least 1") }
            let workspace = try global.workspace()
            func planned() throws -> Plan {
                let snapshot = workspace.snapshot()
                keepUntilExit(snapshot)
                let plan = try workspace.plan(iteration, velocity: velocity, capacityOnly: capacityOnly, last: last, snapshot: snapshot)
                if !dryRun { try workspace.apply(plan, options: write.options) }
                return plan
            }
            // A plan that is put in place is worked out under the write lock, from what it changes.
            let plan = dryRun ? try planned() : try workspace.exclusively(planned)
            if output.json {
                print(renderJSON(plan.jsonObject))
                return
            }
            if global.quiet {
                plan.selected.forEach { print($0.id) }
                return
            }
            print("\(plan.iteration.id.bold) \(plan.iteration.start) – \(plan.iteration.end): forecast \(oneDecimal(plan.forecastPoints)) points (\(plan.basis))")
            print("capacity: \(plan.capacity.compact) \(plan.unit) in \(plan.capacityDays.compact) person-days")
            print()
            print(Table(headers: ["ID", "PTS", "TOTAL", "OF", "FROM", "TITLE"], rows: plan.selected.map {
                [$0.id, $0.points.compact, $0.total.compact, oneDecimal(plan.forecastPoints), $0.source, $0.title]
            }, rightAligned: [1, 2, 3]).render())
            print("\nplanned \(plan.total.compact) of \(oneDecimal(plan.forecastPoints)) points; remaining \(oneDecimal(plan.remaining))")
            if !plan.skipped.isEmpty {
                print("\nSkipped:")
                print(Table(headers: ["ID", "PTS", "REASON", "DETAIL", "TITLE"], rows: plan.skipped.map {
                    [$0.id, $0.points?.compact ?? "", $0.reason.red, $0.detail, $0.title]
                }, rightAligned: [1]).render())
            }
            if dryRun { print("\n(dry run: nothing changed)".dim) }
        }
    }
}
