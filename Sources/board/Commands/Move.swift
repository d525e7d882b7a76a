import ArgumentParser
import BoardKit

extension Board {
    struct Move: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "move",
            abstract: "Move an item to another workflow status (respecting WIP limits).")

        @Argument(help: "The item's id.", completion: Completion.itemIDs)
        var id: String
        @Argument(help: "The new status.", completion: Completion.statuses)
        var status: String
        @Flag(help: "Move even past the status's WIP limit.")
        var force = false

        @OptionGroup var global: GlobalOptions
        @OptionGroup var write: WriteFlags

        func run() throws {
            let workspace = try global.workspace()
            let (record, from) = try workspace.moveItem(id, to: status, force: force, options: write.options)
            if !global.quiet { print("\(record.id): \(from) → \(status)") }
        }
    }
}
