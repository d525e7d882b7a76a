import ArgumentParser
import BoardKit

extension Board {
    struct Rank: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rank",
            abstract: "Move an item up or down the backlog order, or rank the whole backlog by WSJF.",
            discussion: """
                Examples: board rank B-7k3qz --before B-2m8kd
                          board rank --by wsjf --dry-run

                WSJF = (value + time_criticality + risk_reduction) / points, highest first; ties keep their order, items without the inputs follow the scored ones in their order, done items go last.
                """)

        @Argument(help: "The item's id.", completion: Completion.itemIDs)
        var id: String?
        @Option(help: "Put it just before this item.")
        var before: String?
        @Option(help: "Put it just after this item.")
        var after: String?
        @Flag(help: "Put it first.")
        var top = false
        @Flag(help: "Put it last.")
        var bottom = false
        @Option(help: "Rank every open item by a score: wsjf.")
        var by: String?
        @Flag(name: .customLong("dry-run"), help: "With --by: print the new order with scores, change nothing.")
        var dryRun = false

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @OptionGroup var write: WriteFlags

        func validate() throws {
            let chosen = [before != nil, after != nil, top, bottom, by != nil].filter { $0 }.count
            guard chosen == 1 else { throw ValidationError("give exactly one of --before ID, --after ID, --top, --bottom, --by wsjf") }
            if let by {
                guard by == "wsjf" else { throw ValidationError("--by \(by): the one choice is wsjf") }
                guard id == nil else { throw ValidationError("--by wsjf ranks every item; give no id") }
            } else {
                guard id != nil else { throw ValidationError("give the id of the item to move") }
                guard !dryRun else { throw ValidationError("--dry-run goes with --by wsjf") }
            }
        }

        func run() throws {
            let workspace = try global.workspace()
            guard let id else { return try rankByWSJF(workspace) }
            let position: RankPosition = before.map(RankPosition.before) ?? after.map(RankPosition.after)
                ?? (top ? .top : .bottom)
            let record = try workspace.rankItem(id, position, options: write.options)
            if output.json {
                print(renderJSON(record.jsonObject))
            } else if !global.quiet {
                print("\(record.id): rank \(record.rank?.compact ?? "")")
            }
        }

        private func rankByWSJF(_ workspace: Workspace) throws {
            let order = try workspace.rankByWSJF(dryRun: dryRun, options: write.options)
            if output.json {
                print(renderJSON(order.scored.map { ["id": $0.item.id, "wsjf": $0.score] as [String: Any] }
                                 + order.unscored.map { ["id": $0.id, "wsjf": NSNull()] as [String: Any] }))
                return
            }
            if global.quiet { return }
            let rows = order.scored.enumerated().map { n, entry -> [String] in
                let item = entry.item
                return ["\(n + 1)", item.id, formatScore(entry.score)]
                    + ["value", "time_criticality", "risk_reduction", "points"].map { item.number($0)?.compact ?? "" } + [item.title]
            }
            print(Table(headers: ["#", "ID", "WSJF", "VALUE", "TC", "RR", "PTS", "TITLE"], rows: rows, rightAligned: [0, 2, 3, 4, 5, 6]).render())
            if !order.unscored.isEmpty {
                print("unscored (\(order.unscored.count), order kept): " + order.unscored.map(\.id).joined(separator: " "))
            }
            if !dryRun { printError("ranked \(order.scored.count + order.unscored.count) items by WSJF") }
        }
    }
}

import Foundation
