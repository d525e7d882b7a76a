import ArgumentParser
import BoardKit

extension Board {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create a board (and a Git repository if there is none) and commit it.")

        @Argument(help: "Folder for the board (default: the current folder).")
        var directory: String?

        @Option(help: "The board's name, written into board.yml.")
        var name: String?

        @OptionGroup var global: GlobalOptions
        @OptionGroup var write: WriteFlags

        func run() throws {
            let target = directory ?? global.startDirectory
            let workspace = try Workspace.initialize(directory: target, template: try Workspace.templateDirectory(),
                                                     name: name, options: write.options)
            if !global.quiet { print("Created board \"\(workspace.config.name)\" in \(workspace.root)") }
        }
    }
}
