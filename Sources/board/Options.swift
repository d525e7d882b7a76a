import ArgumentParser
import BoardKit
import Foundation

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customShort("C"), help: ArgumentHelp("Run as if board was started in <dir>.", valueName: "dir"))
    var directory: String?

    @Flag(name: .shortAndLong, help: "Print only what scripts need (ids), no summaries.")
    var quiet = false

    /// The board folder: `-C`, else `BOARD_DIR`, else the current folder.
    var startDirectory: String {
        directory ?? ProcessInfo.processInfo.environment["BOARD_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.currentDirectoryPath
    }

    func workspace(staged: Bool = false) throws -> Workspace { try Workspace.open(directory: startDirectory, staged: staged) }
}

extension OutputFormat: ExpressibleByArgument {}

struct FormatOption: ParsableArguments {
    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    var json: Bool { format == .json }
}

/// Options of commands that change files.
struct WriteFlags: ParsableArguments {
    @Flag(name: .customLong("no-commit"), help: "Change the files but do not commit them.")
    var noCommit = false

    @Flag(name: .customLong("detach-ok"), help: "Allow committing on a detached HEAD.")
    var detachOK = false

    var options: WriteOptions { WriteOptions(commit: !noCommit, detachOK: detachOK) }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Prints diagnostics to stderr like a compiler, coloured when stderr is a terminal.
func report(_ diagnostics: [Diagnostic]) {
    for d in diagnostics { printError(d.description) }
}

/// JSON for one diagnostic.
func json(_ d: Diagnostic) -> [String: Any] {
    var object: [String: Any] = ["path": d.path, "severity": d.severity.rawValue, "message": d.message]
    if let line = d.line { object["line"] = line }
    return object
}

/// The item filters of `list` and `export`.
struct ItemFilterOptions: ParsableArguments {
    @Option(help: "Only items with this status; repeat or separate with commas.", completion: Completion.statuses)
    var status: [String] = []
    @Option(help: "Only items of this type.", completion: .list(itemTypes))
    var type: [String] = []
    @Option(help: "Only items with this tag.", completion: Completion.tags)
    var tag: [String] = []
    @Option(help: "Only items assigned to this person.")
    var assignee: [String] = []
    @Option(help: "Only items in this iteration.", completion: Completion.iterationIDs)
    var iteration: [String] = []
    @Option(help: "Only items serving this objective.")
    var objective: [String] = []

    var filter: ItemFilter {
        ItemFilter(statuses: splitList(status), types: splitList(type), tags: splitList(tag),
                   assignees: splitList(assignee), iterations: splitList(iteration), objectives: splitList(objective))
    }
}

/// `ID KEY=VALUE...` and what goes with them: the `set` commands of objectives and change tasks.
struct SetArguments: ParsableArguments {
    @Argument(help: "The id.")
    var id: String
    @Argument(help: "KEY=VALUE assignments; KEY= removes a field.")
    var assignments: [String]

    @OptionGroup var global: GlobalOptions
    @OptionGroup var write: WriteFlags

    func run(_ kind: RecordKind) throws {
        let record = try global.workspace().setFields(id, assignments, kind: kind, options: write.options)
        if !global.quiet { print("\(record.id): \(assignments.joined(separator: " "))") }
    }
}

