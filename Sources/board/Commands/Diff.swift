import ArgumentParser
import BoardKit

extension ReportFormat: ExpressibleByArgument {}

extension Board {
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "Items added, removed, moved, re-estimated or re-planned between two versions of the board.",
            discussion: "Without a revision: the work tree against HEAD. REV: the work tree against REV. A..B: two commits.")

        @Argument(help: "REV or REV_A..REV_B.")
        var range: String?
        @Flag(help: "Compare the index (what is staged) with HEAD.")
        var staged = false
        @Option(help: "Output format: text, json or markdown (for a pull-request comment).")
        var format: ReportFormat = .text

        @OptionGroup var global: GlobalOptions

        func run() throws {
            guard format != .csv else { throw BoardError.usage("board diff prints text, json or markdown") }
            let workspace = try global.workspace()
            let diff = try workspace.diff(range: range, staged: staged)
            report(diff.warnings)
            switch format {
            case .json: print(renderJSON(diff.jsonObject))
            case .markdown: print(diff.markdown, terminator: "")
            default:
                if diff.rows.isEmpty {
                    if !global.quiet { printError("board: no item changes") }
                    return
                }
                let table = Table(headers: ["", "ID", "CHANGE", "BEFORE", "", "AFTER", "TITLE"], rows: diff.rows.map { row in
                    [row.mark, row.id, row.kind.rawValue, row.before,
                     row.kind == .added || row.kind == .removed ? "" : "→", row.after, row.title]
                })
                print(table.render())
                print(diff.summary)
            }
        }
    }
}
