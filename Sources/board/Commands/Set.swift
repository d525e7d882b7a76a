import ArgumentParser
import BoardKit

extension Board {
    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Set front-matter fields of an item; KEY= removes a field.",
            discussion: "Example: board set B-7k3qz points=5 tags=billing,api assignee=alice")

        @Argument(help: "The item's id.", completion: Completion.itemIDs)
        var id: String
        @Argument(help: "KEY=VALUE assignments.")
        var assignments: [String]

        @OptionGroup var global: GlobalOptions
        @OptionGroup var write: WriteFlags

        func run() throws {
            let workspace = try global.workspace()
            let record = try workspace.setFields(id, assignments, options: write.options)
            if !global.quiet { print("\(record.id): \(assignments.joined(separator: " "))") }
        }
    }
}
