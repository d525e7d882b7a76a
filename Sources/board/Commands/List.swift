import ArgumentParser
import BoardKit

extension Board {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List items in backlog order (by rank).", aliases: ["ls"])

        @OptionGroup var filters: ItemFilterOptions
        @Option(help: "Order: rank (default) or wsjf (highest score first, with a WSJF column; unscored items last).")
        var sort = "rank"

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() throws {
            guard ["rank", "wsjf"].contains(sort) else { throw BoardError.usage("--sort \(sort): use rank or wsjf") }
            let workspace = try global.workspace()
            let loaded = workspace.load(.item)
            keepUntilExit(loaded)
            report(loaded.diagnostics)
            let byWSJF = sort == "wsjf"
            let records = loaded.records
            let filter = filters.filter
            // Indices, not copies: each copy of a record retains all its parts (10,000 items).
            var order = Workspace.backlogOrder(records).filter { filter.matches(records[$0]) }
            if byWSJF {
                let done = order.map { workspace.config.isDone(records[$0].status) }
                order = WSJFOrder.order(order.map { records[$0].wsjf }, done: done).map { order[$0] }
            }
            if output.json {
                Pager.write(renderJSON(records: order.map { records[$0] },
                                       extra: byWSJF ? order.map { ["wsjf": records[$0].wsjf ?? NSNull()] } : nil))
                return
            }
            if global.quiet {
                for i in order { print(records[i].id) }
                return
            }
            let config = workspace.config, colours = Terminal.colours
            var table = Table(
                headers: ["ID", "TYPE", "STATUS", "PTS", "ASSIGNEE", "ITERATION", "TITLE"],
                rows: records.withUnsafeBufferPointer { buffer in
                    nonisolated(unsafe) let records = buffer  // as `concurrentMap` reads `order`
                    return concurrentMap(order) { row(records[$0], config, colours: colours) }
                },
                rightAligned: [3])
            if byWSJF {
                table.headers.insert("WSJF", at: 4)
                for (row, i) in order.enumerated() { table.rows[row].insert(records[i].wsjf.map(formatScore) ?? "unscored", at: 4) }
                table.rightAligned = [3, 4]
            }
            let text = table.render()
            keepUntilExit(table.rows)  // freeing 10,000 rows only delays the exit
            Pager.print(text)
        }

        /// Borrowed, not copied: a copy retains every part of a record.
        /// With colours on, text from the file is made printable here: the table keeps colour codes.
        func row(_ item: borrowing Record, _ config: BoardConfig, colours: Bool) -> [String] {
            let cells = [item.id, item.type, item.status, item.points?.compact ?? "", item.assignee ?? "", item.iteration ?? "", item.title]
            guard colours else { return cells }
            var printable = cells.map { Table.printable($0, keepingColours: false) }
            printable[2] = colouredStatus(printable[2], config.category(of: item.status))
            return printable
        }
    }
}

import Foundation
