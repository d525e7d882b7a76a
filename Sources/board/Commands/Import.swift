import ArgumentParser
import BoardKit
import Foundation

extension Board {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import items from Backlog.md or a Jira CSV export, in one commit.",
            discussion: """
                Re-running an import skips what was imported before (matched by imported_from).
                Example: board import jira-csv jira.csv --map 'In Review=review' --dry-run
                """,
            subcommands: [BacklogMD.self, JiraCSV.self])

        /// Options both importers take.
        struct Common: ParsableArguments {
            @Option(help: ArgumentHelp("Map a source status onto a board status; repeatable.", valueName: "SOURCE=STATUS"))
            var map: [String] = []
            @Flag(name: .customLong("dry-run"), help: "Print what would be written; change nothing.")
            var dryRun = false
        }

        struct BacklogMD: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "backlog-md", abstract: "Import the tasks of a Backlog.md project (its backlog/ folder).")

            @Argument(help: "The Backlog.md project or its backlog/ folder.", completion: .directory)
            var path: String
            @Option(name: .customLong("milestones-as"), help: "Milestones become tags (default) or iterations.")
            var milestonesAs: BacklogMDImport.MilestonesAs = .tags

            @OptionGroup var common: Common
            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: FormatOption
            @OptionGroup var write: WriteFlags

            func run() throws {
                var job = BacklogMDImport(path: path)
                job.map = common.map
                job.milestonesAs = milestonesAs
                let result = try job.run(on: try global.workspace(), dryRun: common.dryRun, options: write.options)
                printImport(result, dryRun: common.dryRun, global: global, output: output)
            }
        }

        struct JiraCSV: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "jira-csv", abstract: "Import issues and sprints from a Jira CSV export.")

            @Argument(help: "The CSV file.", completion: .file(extensions: ["csv"]))
            var file: String
            @Option(name: .customLong("points-field"), help: "The story-points column (default: Story Points).")
            var pointsField: String?

            @OptionGroup var common: Common
            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: FormatOption
            @OptionGroup var write: WriteFlags

            func run() throws {
                var job = JiraCSVImport(file: file)
                job.map = common.map
                job.pointsField = pointsField
                let result = try job.run(on: try global.workspace(), dryRun: common.dryRun, options: write.options)
                printImport(result, dryRun: common.dryRun, global: global, output: output)
            }
        }
    }
}

extension BacklogMDImport.MilestonesAs: ExpressibleByArgument {}

/// The summary of an import: imported, skipped (with reason) and unmapped values; with `--dry-run`
/// also every file that would be written.
func printImport(_ result: ImportResult, dryRun: Bool, global: GlobalOptions, output: FormatOption) {
    if output.json {
        var object = result.jsonObject
        if !dryRun { object["files"] = result.files.map(\.path) }
        print(renderJSON(object))
        return
    }
    if global.quiet {
        for row in result.rows where row.outcome == "imported" { print(row.id) }
        return
    }
    var text = Table(headers: ["SOURCE", "RESULT", "ID", "TITLE / REASON"],
                     rows: result.rows.map { [$0.source, $0.outcome, $0.id, $0.detail] }).render()
    if !result.unmapped.isEmpty {
        text += "\n\nUnmapped values:\n" + Table(headers: ["FIELD", "VALUE", "BECAME"],
                                               rows: result.unmapped.map { [$0.field, $0.value, $0.mappedTo] }).render()
    }
    let iterations = result.rows.filter { $0.outcome == "iteration" }.count
    let skipped = result.rows.filter { $0.outcome == "skipped" }.count
    text += "\n\n\(dryRun ? "Would import" : "Imported") \(result.importedCount) items and \(iterations) iterations; skipped \(skipped)."
    if dryRun {
        for file in result.files { text += "\n\n==> \(file.path) <==\n" + String(decoding: file.data, as: UTF8.self) }
    }
    Pager.print(text)
}
