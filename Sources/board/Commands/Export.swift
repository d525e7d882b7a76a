import ArgumentParser
import BoardKit

extension Board {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export items as CSV or JSON, one row or object per item, in backlog order.",
            discussion: "Example: board export csv --iteration 2026-S05 > sprint.csv")

        enum Kind: String, ExpressibleByArgument, CaseIterable { case csv, json }

        @Argument(help: "csv or json.")
        var kind: Kind

        @Option(help: "Only items with this status; repeat or separate with commas.", completion: Completion.statuses)
        var status: [String] = []
        @Option(help: "Only items of this type.")
        var type: [String] = []
        @Option(help: "Only items with this tag.")
        var tag: [String] = []
        @Option(help: "Only items assigned to this person.")
        var assignee: [String] = []
        @Option(help: "Only items in this iteration.")
        var iteration: [String] = []
        @Option(help: "Only items serving this objective.")
        var objective: [String] = []

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let workspace = try global.workspace()
            let loaded = workspace.load(.item)
            report(loaded.diagnostics)
            let filter = ItemFilter(statuses: splitList(status), types: splitList(type), tags: splitList(tag),
                                    assignees: splitList(assignee), iterations: splitList(iteration),
                                    objectives: splitList(objective))
            let items = workspace.ordered(loaded.records.filter(filter.matches))
            switch kind {
            case .json: print(BoardKit.Export.json(items))
            case .csv: print(try BoardKit.Export.csv(items), terminator: "")
            }
        }
    }
}
