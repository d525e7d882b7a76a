import ArgumentParser
import BoardKit

extension Board {
    struct VelocityCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "velocity",
            abstract: "Velocity of closed iterations: committed, completed, added, removed, carried over.",
            discussion: "Example: board velocity --last 5 --format json")

        @Option(help: "How many closed iterations make the window.")
        var last = 3

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() throws {
            guard last >= 1 else { throw BoardError.usage("--last must be at least 1") }
            let workspace = try global.workspace()
            let (iterations, diagnostics) = workspace.iterations()
            report(diagnostics)
            let velocity = Velocity(iterations: iterations, config: workspace.config, last: last)
            if output.json {
                print(renderJSON(velocity.jsonObject))
                return
            }
            guard !velocity.rows.isEmpty else {
                print("No closed iterations yet: `board iteration start` and `board iteration close` record velocity.")
                return
            }
            print(Table(headers: ["ITERATION", "COMMITTED", "COMPLETED", "ADDED", "REMOVED", "CARRIED OVER", "PERSON-DAYS"],
                        rows: velocity.rows.map { r in
                            [r.id, r.committed.compact, r.completed.compact.green, r.added.compact, r.removed.compact,
                             r.carriedOver.compact, r.capacityDays.compact]
                        }, rightAligned: [1, 2, 3, 4, 5, 6]).render())
            let stats: [(String, Double?)] = [
                ("average", velocity.average), ("median", velocity.median), ("min", velocity.minimum),
                ("max", velocity.maximum), ("points per person-day", velocity.pointsPerPersonDay),
            ]
            print("\nOver the last \(velocity.rows.count) closed iterations:")
            print(Table(headers: ["", ""], rows: stats.map { [$0.0 + ":", $0.1.map { (($0 * 100).rounded() / 100).compact } ?? ""] }, rightAligned: [1]).render())
        }
    }
}
