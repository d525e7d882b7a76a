import ArgumentParser
import BoardKit

extension Board {
    struct Scope: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scope",
            abstract: "Every change of an iteration's scope after its start: items added, removed, re-estimated.")

        @Argument(help: "The iteration id (default: the active one).")
        var iteration: String?
        @Flag(name: .customLong("all-parents"), help: "Read every commit of merged branches, not only the first-parent line.")
        var allParents = false
        @Option(help: "Output format: text, json or csv.")
        var format: ReportFormat = .text

        @OptionGroup var global: GlobalOptions

        func run() throws {
            guard format != .markdown else { throw BoardError.usage("board scope prints text, json or csv") }
            let workspace = try global.workspace()
            let window = try workspace.reportIteration(iteration)
            let timeline = try workspace.timeline(for: window, allParents: allParents, progress: historyProgress)
            defer { keepUntilExit(timeline) }
            report(timeline.warnings)
            let scope = ScopeReport(iteration: window, timeline: timeline)
            func pts(_ p: Double?) -> String { p?.compact ?? "" }
            func signed(_ p: Double) -> String { (p > 0 ? "+" : "") + p.compact }
            switch format {
            case .json:
                print(renderJSON([
                    "iteration": window.id, "start": window.start, "end": window.end, "start_points": scope.startPoints,
                    "changes": scope.changes.map(\.jsonObject), "added": scope.added, "removed": scope.removed,
                    "reestimated": scope.reestimated, "net": scope.net,
                ] as [String: Any]))
            case .csv:
                print("date,commit,author,change,id,before,after,delta,title")
                for c in scope.changes {
                    print([c.date, c.commit.short, csvField(c.commit.author), c.kind.rawValue, c.id, pts(c.before), pts(c.after),
                           c.delta.compact, csvField(c.title)].joined(separator: ","))
                }
            default:
                print("\(window.id) (\(window.start) to \(window.end)): \(scope.startPoints.compact) points at the start")
                if !scope.changes.isEmpty {
                    print(Table(headers: ["DATE", "COMMIT", "AUTHOR", "CHANGE", "ID", "BEFORE", "AFTER", "TITLE"],
                                rows: scope.changes.map { c in
                                    [c.date, c.commit.short, c.commit.author, c.kind.rawValue, c.id, pts(c.before), pts(c.after), c.title]
                                }, rightAligned: [5, 6]).render())
                }
                print("added \(scope.added.compact), removed \(scope.removed.compact), re-estimated \(signed(scope.reestimated)), net \(signed(scope.net)) points")
            }
        }
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break.
func csvField(_ s: String) -> String {
    s.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}
