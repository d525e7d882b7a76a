import ArgumentParser
import BoardKit

extension Board {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List items in backlog order (by rank).", aliases: ["ls"])

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
        @OptionGroup var output: FormatOption

        func run() throws {
            let workspace = try global.workspace()
            let loaded = workspace.load(.item)
            report(loaded.diagnostics)
            let filter = ItemFilter(statuses: splitList(status), types: splitList(type), tags: splitList(tag),
                                    assignees: splitList(assignee), iterations: splitList(iteration),
                                    objectives: splitList(objective))
            let items = workspace.ordered(loaded.records.filter(filter.matches))
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
