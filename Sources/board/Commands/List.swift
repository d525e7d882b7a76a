import ArgumentParser
import BoardKit

extension Board {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List items in backlog order (by rank).", aliases: ["ls"])

        @Option(help: "Only items with this status; repeat or separate with commas.")
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
        @Option(help: "Order: rank (default) or wsjf (highest score first, with a WSJF column; unscored items last).")
        var sort = "rank"

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() throws {
            guard ["rank", "wsjf"].contains(sort) else { throw BoardError.usage("--sort \(sort): use rank or wsjf") }
            let workspace = try global.workspace()
            let loaded = workspace.load(.item)
            report(loaded.diagnostics)
            let filter = ItemFilter(statuses: splitList(status), types: splitList(type), tags: splitList(tag),
                                    assignees: splitList(assignee), iterations: splitList(iteration),
                                    objectives: splitList(objective))
            let byWSJF = sort == "wsjf"
            var items = workspace.ordered(loaded.records.filter(filter.matches))
            if byWSJF { items = WSJFOrder(items).items }
            if output.json {
                print(renderJSON(items.map { item -> [String: Any] in
                    var object = item.jsonObject
                    if byWSJF { object["wsjf"] = item.wsjf ?? NSNull() }
                    return object
                }))
                return
            }
            if global.quiet {
                for item in items { print(item.id) }
                return
            }
            let config = workspace.config
            var table = Table(
                headers: ["ID", "TYPE", "STATUS", "PTS", "ASSIGNEE", "ITERATION", "TITLE"],
                rows: items.map { item in
                    [item.id, item.type, colouredStatus(item.status, config.category(of: item.status)),
                     item.points?.compact ?? "", item.assignee ?? "", item.iteration ?? "", item.title]
                },
                rightAligned: [3])
            if byWSJF {
                table.headers.insert("WSJF", at: 4)
                for (i, item) in items.enumerated() { table.rows[i].insert(item.wsjf.map(formatScore) ?? "unscored", at: 4) }
                table.rightAligned = [3, 4]
            }
            print(table.render())
        }
    }
}

import Foundation
