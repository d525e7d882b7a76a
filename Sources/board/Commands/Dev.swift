import ArgumentParser
import BoardKit
import Foundation

extension Board {
    /// Developer tools, hidden from help: `board dev generate` makes benchmark boards.
    struct Dev: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dev",
            abstract: "Developer tools (benchmark data).", shouldDisplay: false, subcommands: [Generate.self])

        struct Generate: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "generate",
                abstract: "Create a large deterministic board in DIR (a new folder).")

            @Argument(help: "Folder to create.")
            var directory: String
            @Option(help: "Number of items.")
            var items = 10_000
            @Option(help: "Number of closed iterations.")
            var iterations = 100
            @Option(help: "Build the board as this many commits (0: one commit of the final state).")
            var commits = 0
            @Option(help: "Random seed.")
            var seed: UInt64 = 42

            func run() throws {
                let env = ["GIT_AUTHOR_NAME": "Board Bench", "GIT_AUTHOR_EMAIL": "bench@example.com"]
                setenv("GIT_AUTHOR_NAME", env["GIT_AUTHOR_NAME"]!, 0)
                setenv("GIT_AUTHOR_EMAIL", env["GIT_AUTHOR_EMAIL"]!, 0)
                let workspace = try Workspace.initialize(directory: directory, template: try Workspace.templateDirectory(),
                                                         name: "Benchmark board")
                let generator = BoardGenerator(items: items, iterations: iterations, seed: seed)
                if commits > 0 {
                    let tty = isatty(STDERR_FILENO) == 1
                    try generator.writeHistory(into: workspace, commits: commits) { n in
                        if tty && n % 100 == 0 { FileHandle.standardError.write(Data("\r\(n) commits".utf8)) }
                    }
                    if tty { FileHandle.standardError.write(Data("\n".utf8)) }
                } else {
                    try workspace.save(generator.files(), message: "board: generate \(items) items")
                }
            }
        }
    }
}
