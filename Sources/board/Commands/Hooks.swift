import ArgumentParser
import BoardKit
import Foundation

extension Board {
    struct Hooks: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hooks",
            abstract: "Install or remove board's Git hooks (pre-commit: check the staged board; prepare-commit-msg: add the board diff).",
            discussion: "A hook you already have is kept as NAME.pre-board and runs first; uninstall puts it back.")

        @Argument(help: "install or uninstall")
        var action: String

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let workspace = try global.workspace()
            let lines: [String]
            switch action {
            case "install":
                let binary = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
                lines = try workspace.installHooks(binary: FileManager.default.isExecutableFile(atPath: binary) ? binary : "board")
            case "uninstall": lines = try workspace.uninstallHooks()
            default: throw BoardError.usage("board hooks install | uninstall")
            }
            if !global.quiet { for line in lines { print(line) } }
        }
    }
}
