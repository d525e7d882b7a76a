import ArgumentParser
import BoardKit

extension Board {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a work item and print its id.",
            discussion: "Example: board add \"Export invoices\" --type story --points 3 --tag billing")

        @Argument(help: "The item's title.")
        var title: String

        @Option(help: "story, bug, task or spike.")
        var type = "story"
        @Option(help: "Story points, from the board's scale.")
        var points: Double?
        @Option(help: "Workflow status (default: the first todo status).", completion: Completion.statuses)
        var status: String?
        @Option(name: .customLong("tag"), help: "A tag; repeat or separate with commas.")
        var tags: [String] = []
        @Option(help: "Who works on it.")
        var assignee: String?
        @Option(help: "The business objective it serves.")
        var objective: String?
        @Option(help: "The iteration it is planned into.")
        var iteration: String?
        @Option(name: .customLong("depends-on"), help: "An item it depends on; repeat or separate with commas.")
        var dependsOn: [String] = []
        @Option(help: "top, bottom (default) or a rank number.")
        var rank: String?
        @Flag(help: "Open the new file in $EDITOR.")
        var edit = false

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @OptionGroup var write: WriteFlags

        func run() throws {
            let workspace = try global.workspace()
            var item = NewItem(title: title)
            item.type = type
            item.points = points
            item.status = status
            item.tags = splitList(tags)
            item.assignee = assignee
            item.objective = objective
            item.iteration = iteration
            item.dependsOn = splitList(dependsOn)
            item.rank = try rankPosition(rank)
            var record = try workspace.addItem(item, options: edit ? WriteOptions(commit: false) : write.options)
            if edit {
                var session = EditSession(workspace: workspace, path: record.path, options: write.options,
                                          message: "board: add \(record.id) \"\(record.title)\"")
                session.isNew = true
                record = try session.run()
            }
            if output.json {
                print(renderJSON(record.jsonObject))
            } else {
                print(record.id)
            }
        }
    }
}

/// `a,b` and repeated options as one list.
func splitList(_ values: [String]) -> [String] {
    values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

func rankPosition(_ text: String?) throws -> RankPosition {
    switch text {
    case nil, "bottom"?: return .bottom
    case "top"?: return .top
    case let value?:
        guard let number = Double(value) else { throw BoardError.usage("--rank \(value): expected top, bottom or a number") }
        return .value(number)
    }
}
