import ArgumentParser
import BoardKit
import Foundation

@main
struct Board: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "board",
        abstract: "An agile board and backlog kept as Markdown files in a Git repository.",
        discussion: """
            Exit codes: 0 ok, 1 problems found, 2 usage or input error.
            Set NO_COLOR to turn colour off; BOARD_DIR works like -C.
            """,
        version: boardVersion,
        subcommands: [
            Init.self, Add.self, List.self, Show.self, Edit.self, Move.self, Set.self, Rank.self, Check.self,
            IterationCommand.self, VelocityCommand.self, PlanCommand.self, ForecastCommand.self,
            Dev.self, Diff.self, Scope.self, Burndown.self, Flow.self, Hooks.self, FixIDs.self,
            Objective.self, Change.self, ReportCommand.self,
        ]
    )

    /// Runs the command and maps every error to the documented exit codes:
    /// 0 ok, 1 problems found, 2 usage or input error.
    static func main() {
        do {
            var command = try parseAsRoot(hoistingDirectoryOption(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch let error as BoardError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            Foundation.exit(error.exitCode)
        } catch let error as GitError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            Foundation.exit(2)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(code == .failure ? 1 : 2)
        }
    }
}

let boardVersion = "0.1.0"

/// `board -C DIR list` works like git: a leading `-C DIR` moves to the end of the
/// arguments (before any `--`), where the subcommand's own `-C` option reads it.
func hoistingDirectoryOption(_ arguments: [String]) -> [String] {
    var rest = arguments
    var moved: [String] = []
    while let first = rest.first {
        if first == "-C", rest.count > 1 {
            moved += ["-C", rest[1]]
            rest.removeFirst(2)
        } else if first.hasPrefix("-C"), first.count > 2 {
            moved += ["-C", String(first.dropFirst(2))]
            rest.removeFirst()
        } else {
            break
        }
    }
    guard !moved.isEmpty else { return arguments }
    let end = rest.firstIndex(of: "--") ?? rest.count
    rest.insert(contentsOf: moved, at: end)
    return rest
}
