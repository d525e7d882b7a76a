import ArgumentParser
import BoardKit
import Foundation

extension Board {
    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "edit",
            abstract: "Edit an item in $EDITOR; it is checked when you save and committed only if valid.")

        @Argument(help: "The item's id.", completion: Completion.itemIDs)
        var id: String

        @OptionGroup var global: GlobalOptions
        @OptionGroup var write: WriteFlags

        func run() throws {
            let workspace = try global.workspace()
            let record = try workspace.find(id)
            var session = EditSession(workspace: workspace, path: record.path, options: write.options,
                                      message: "board: edit \(record.id) \"\(record.title)\"")
            session.askToRetry = askToRetry
            try session.run()
        }
    }
}

/// Shows why a save was refused and asks whether to edit again (only when a person is at the terminal).
func askToRetry(_ diagnostic: Diagnostic) -> Bool {
    printError(diagnostic.description)
    guard Terminal.isInteractive else { return false }
    FileHandle.standardError.write(Data("Edit again? [Y/n] ".utf8))
    let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? "n"
    return answer.isEmpty || answer.hasPrefix("y")
}
