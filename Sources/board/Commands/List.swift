import ArgumentParser
import BoardKit

extension Board {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List items in backlog order (by rank).", aliases: ["ls"])

        @OptionGroup var filters: ItemFilterOptions

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() throws {
            let workspace = try global.workspace()
            let loaded = workspace.load(.item)
            report(loaded.diagnostics)
            let items = workspace.ordered(loaded.records.filter(filters.filter.matches))
            if output.json {
                print(renderJSON(items.map(\.jsonObject)))
                return
            }
            if global.quiet {
                for item in items { print(item.id) }
                return
            }
            let config = workspace.config
            let table = Table(
                headers: ["ID", "TYPE", "STATUS", "PTS", "ASSIGNEE", "ITERATION", "TITLE"],
                rows: items.map { item in
                    [item.id, item.type, colouredStatus(item.status, config.category(of: item.status)),
                     item.points?.compact ?? "", item.assignee ?? "", item.iteration ?? "", item.title]
                },
                rightAligned: [3])
            Pager.print(table.render())
        }
    }
}
