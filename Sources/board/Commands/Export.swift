import ArgumentParser
import BoardKit

extension Board {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Export items as CSV or JSON, one row or object per item, in backlog order.",
            discussion: "Example: board export csv --iteration 2026-S05 > sprint.csv")

        enum Kind: String, ExpressibleByArgument, CaseIterable { case csv, json }

        @Argument(help: "csv or json.")
        var kind: Kind

        @OptionGroup var filters: ItemFilterOptions

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let workspace = try global.workspace()
            let loaded = workspace.load(.item)
            report(loaded.diagnostics)
            let items = workspace.ordered(loaded.records.filter(filters.filter.matches))
            switch kind {
            case .json: print(BoardKit.Export.json(items))
            case .csv: print(try BoardKit.Export.csv(items), terminator: "")
            }
        }
    }
}
