import ArgumentParser
import BoardKit

extension Board {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate every board file; exit 1 if any error is found.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Flag(help: "Check the staged version of the board (the index), as the pre-commit hook does.")
        var staged = false

        func run() throws {
            let workspace = try global.workspace(staged: staged)
            let snapshot = staged ? try workspace.stagedSnapshot() : workspace.snapshot()
            keepUntilExit(snapshot)
            let diagnostics = Checker.check(snapshot)
            let errors = diagnostics.filter { $0.severity == .error }.count
            if output.json {
                print(renderJSON(diagnostics.map(json)))
            } else {
                for d in diagnostics { print(d.description) }
                if !global.quiet {
                    let warnings = diagnostics.count - errors
                    printError(errors + warnings == 0 ? "board check: no problems"
                               : "board check: \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
                }
            }
            if errors > 0 { throw ExitCode(1) }
        }
    }
}
