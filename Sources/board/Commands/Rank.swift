import ArgumentParser
import BoardKit

extension Board {
    struct Rank: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move an item up or down the backlog order.")

        @Argument(help: "The item's id.", completion: Completion.itemIDs)
        var id: String
        @Option(help: "Put it just before this item.")
        var before: String?
        @Option(help: "Put it just after this item.")
        var after: String?
        @Flag(help: "Put it first.")
        var top = false
        @Flag(help: "Put it last.")
        var bottom = false

        @OptionGroup var global: GlobalOptions
        @OptionGroup var write: WriteFlags

        func validate() throws {
            let chosen = [before != nil, after != nil, top, bottom].filter { $0 }.count
            guard chosen == 1 else { throw ValidationError("give exactly one of --before ID, --after ID, --top, --bottom") }
        }

        func run() throws {
            let position: RankPosition = before.map(RankPosition.before) ?? after.map(RankPosition.after)
                ?? (top ? .top : .bottom)
            let workspace = try global.workspace()
            let record = try workspace.rankItem(id, position, options: write.options)
            if !global.quiet { print("\(record.id): rank \(record.rank?.compact ?? "")") }
        }
    }
}
