import ArgumentParser
import BoardKit
import Foundation

extension Board {
    struct Change: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "change",
            abstract: "Change-management tasks: communication, training, process changes and sign-offs that accompany work.",
            subcommands: [Add.self, List.self, Show.self, Move.self, Set.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "add",
                abstract: "Add a change task and print its id.",
                discussion: "Example: board change add \"Train support on refunds\" --kind training --audience support --related B-7k3qz --due 2026-03-20")

            @Argument(help: "The task's title.")
            var title: String
            @Option(help: "communication, training, process, sign-off or other (default).")
            var kind = "other"
            @Option(help: "An affected department or role; repeat or separate with commas.")
            var audience: [String] = []
            @Option(help: "Who does it.")
            var owner: String?
            @Option(help: "Workflow status (default: the first todo status).")
            var status: String?
            @Option(help: "Due date YYYY-MM-DD.")
            var due: String?
            @Option(help: "The objective it serves.")
            var objective: String?
            @Option(help: "An item it accompanies; repeat or separate with commas.")
            var related: [String] = []
            @Option(help: "The iteration it is planned into.")
            var iteration: String?

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: FormatOption
            @OptionGroup var write: WriteFlags

            func run() throws {
                var change = NewChange(title: title)
                change.kind = kind
                change.audience = splitList(audience)
                change.owner = owner
                change.status = status
                change.due = due
                change.objective = objective
                change.related = splitList(related)
                change.iteration = iteration
                let record = try global.workspace().addChange(change, options: write.options)
                print(output.json ? renderJSON(record.jsonObject) : record.id)
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "Change tasks by due date.")

            @Option(help: "Only tasks with this status; repeat or separate with commas.")
            var status: [String] = []
            @Option(help: "Only tasks of this kind.")
            var kind: [String] = []
            @Option(help: "Only tasks serving this objective.")
            var objective: [String] = []
            @Option(help: "Only tasks in this iteration.")
            var iteration: [String] = []
            @Option(help: "Only tasks related to this item.")
            var related: [String] = []

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: FormatOption

            func run() throws {
                let workspace = try global.workspace()
                let loaded = workspace.load(.change)
                report(loaded.diagnostics)
                let filter = ChangeFilter(statuses: splitList(status), kinds: splitList(kind), objectives: splitList(objective),
                                          iterations: splitList(iteration), related: splitList(related))
                let changes = workspace.orderedChanges(loaded.records.filter(filter.matches))
                if output.json {
                    print(renderJSON(changes.map(\.jsonObject)))
                    return
                }
                if global.quiet {
                    for change in changes { print(change.id) }
                    return
                }
                let config = workspace.config
                print(Table(headers: ["ID", "KIND", "STATUS", "DUE", "OWNER", "AUDIENCE", "RELATED", "TITLE"], rows: changes.map {
                    [$0.id, $0.changeKind, colouredStatus($0.status, config.category(of: $0.status)), $0.due ?? "", $0.owner ?? "",
                     $0.audience.joined(separator: ","), $0.related.joined(separator: ","), $0.title]
                }, rightAligned: []).render())
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "show", abstract: "One change task: its fields, related items and text.")

            @Argument(help: "The task's id.")
            var id: String

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: FormatOption

            func run() throws {
                let workspace = try global.workspace()
                let change = try workspace.find(id, in: .change)
                if output.json {
                    var object = change.jsonObject
                    object["body"] = change.bodyText
                    print(renderJSON(object))
                    return
                }
                print(recordText(change))
                let items = workspace.load(.item).records
                let related = change.related.map { id in items.first { $0.id.caseInsensitiveCompare(id) == .orderedSame } }
                if !related.isEmpty {
                    let config = workspace.config
                    print("\nRelated items:")
                    print(Table(headers: ["ID", "STATUS", "TITLE"], rows: zip(change.related, related).map { id, item in
                        guard let item else { return [id, "missing".red, ""] }
                        return [item.id, colouredStatus(item.status, config.category(of: item.status)), item.title]
                    }, rightAligned: []).render())
                }
            }
        }

        struct Move: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "move", abstract: "Move a change task to another workflow status.")

            @Argument(help: "The task's id.")
            var id: String
            @Argument(help: "The new status.")
            var status: String

            @OptionGroup var global: GlobalOptions
            @OptionGroup var write: WriteFlags

            func run() throws {
                let (record, from) = try global.workspace().moveItem(id, to: status, kind: .change, options: write.options)
                if !global.quiet { print("\(record.id): \(from) → \(status)") }
            }
        }

        struct Set: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "set",
                abstract: "Set fields of a change task; KEY= removes a field.",
                discussion: "Example: board change set C-8m2kd status=done audience=sales,support")

            @OptionGroup var arguments: SetArguments

            func run() throws { try arguments.run(.change) }
        }
    }
}
