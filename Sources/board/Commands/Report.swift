import ArgumentParser
import BoardKit
import Foundation

extension ReportDocumentFormat: ExpressibleByArgument {}

extension Board {
    struct ReportCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "A stakeholder report and board view: Markdown, or one self-contained HTML file with charts.",
            discussion: "Example: board report --format html -o report.html")

        @Option(help: "The iteration to report on (default: the active one, else the one holding today).")
        var iteration: String?
        @Option(help: "Document format: md or html.")
        var format: ReportDocumentFormat = .md
        @Option(name: .shortAndLong, help: ArgumentHelp("Write the report to this file instead of stdout.", valueName: "file"))
        var output: String?
        @Option(help: "How many closed iterations the velocity chart shows.")
        var last = 6

        @OptionGroup var global: GlobalOptions

        func run() throws {
            guard last >= 1 else { throw BoardError.usage("--last must be at least 1") }
            let workspace = try global.workspace()
            let model = try workspace.reportModel(iteration: iteration, last: last)
            report(model.unreadable)  // what the report leaves out
            let text = format == .html ? HTMLReport.render(model) : MarkdownReport.render(model)
            guard let output else {
                print(text, terminator: "")
                return
            }
            try atomicWrite(Data(text.utf8), to: URL(fileURLWithPath: output, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).path)
            if !global.quiet { printError("wrote \(output)") }
        }
    }
}
