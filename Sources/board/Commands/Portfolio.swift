import ArgumentParser
import BoardKit
import Foundation

extension Board {
    struct PortfolioCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "portfolio",
            abstract: "One view across many team boards, fetched through Git.",
            subcommands: [Init.self, Add.self, Fetch.self, Status.self, Objectives.self, Report.self])

        struct Init: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "init",
                abstract: "Create a portfolio: a board for the shared objectives plus portfolio.yml.")

            @Argument(help: "Folder to create it in (default: the current folder).")
            var directory: String?
            @Option(help: "The portfolio's name.")
            var name: String?
            @OptionGroup var global: GlobalOptions
            @OptionGroup var write: WriteFlags

            func run() throws {
                let portfolio = try BoardKit.Portfolio.initialize(directory: directory ?? global.startDirectory,
                                                                  template: try Workspace.templateDirectory(), name: name,
                                                                  options: write.options)
                if !global.quiet { print("created portfolio \"\(portfolio.config.name)\" in \(portfolio.workspace.root)") }
            }
        }

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "add",
                abstract: "Add a member board: a local path or a Git URL.",
                discussion: "Example: board portfolio add payments https://git.example.com/payments.git --branch main --folder board --owner carol")

            @Argument(help: "A short name for the member (letters, digits, -, _).")
            var name: String
            @Argument(help: "A local folder (relative to the portfolio) or a Git URL.")
            var location: String
            @Option(help: "Branch to fetch (URL members; default main).")
            var branch: String?
            @Option(help: "The board's folder inside the repository.")
            var folder: String?
            @Option(help: "Who answers for the member board.")
            var owner: String?
            @OptionGroup var global: GlobalOptions
            @OptionGroup var write: WriteFlags

            func run() throws {
                let portfolio = try BoardKit.Portfolio.open(directory: global.startDirectory)
                let member = PortfolioMember(name: name, location: location, branch: branch, folder: folder, owner: owner)
                if member.url == nil, branch != nil { throw BoardError.usage("--branch is for Git URLs; a local path is read at its HEAD") }
                try portfolio.add(member, options: write.options)
                if !global.quiet { print("added \(name) (\(member.url == nil ? "local path" : "Git URL, run board portfolio fetch"))") }
            }
        }

        struct Fetch: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "fetch",
                abstract: "Fetch every member given by URL into the portfolio's .git/board-portfolio/ cache.")

            @OptionGroup var global: GlobalOptions

            func run() throws {
                let portfolio = try BoardKit.Portfolio.open(directory: global.startDirectory)
                let results = portfolio.fetchAll { member in
                    if isatty(STDERR_FILENO) == 1 { printError("fetching \(member.name) from \(member.location)") }
                }
                var failed = 0
                for (member, result) in results {
                    switch result {
                    case .success(let record):
                        if !global.quiet { print("\(member.name): \(record.branch) at \(record.commit.prefix(7))") }
                    case .failure(let error):
                        failed += 1
                        let last = portfolio.lastFetch(member).map { "; using the fetch of \(ISO8601DateFormatter().string(from: $0.fetched))" } ?? ""
                        printError("\(member.name): error: \(memberMessage(error))\(last)")
                    }
                }
                if failed > 0 { throw ExitCode(1) }
            }
        }

        struct Status: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "status",
                abstract: "One row per member: iteration, points, burndown health, velocity, forecast, alignment, sign-offs, data age.")

            @Option(help: "Output format: text, json or csv.")
            var format: ReportFormat = .text
            @OptionGroup var global: GlobalOptions

            func run() throws {
                guard format != .markdown else { throw BoardError.usage("board portfolio status prints text, json or csv") }
                let portfolio = try BoardKit.Portfolio.open(directory: global.startDirectory)
                let rows = portfolio.statusRows()
                func n(_ v: Double?) -> String { v.map { oneDecimal($0) } ?? "" }
                switch format {
                case .json:
                    print(renderJSON(["portfolio": portfolio.config.name, "members": rows.map { $0.jsonObject }] as [String: Any]))
                case .csv:
                    print(MemberStatus.csvHeader.joined(separator: ","))
                    for row in rows { print(row.csvFields.map(csvField).joined(separator: ",")) }
                default:
                    let table = rows.map { r -> [String] in
                        let health: String
                        switch r.health {
                        case .onTrack?: health = "on track".green
                        case .atRisk?: health = "at risk".yellow
                        case .offTrack?: health = "off track".red
                        case nil: health = ""
                        }
                        let arrow = ["up": "↑", "down": "↓", "flat": "→"][r.trend ?? ""] ?? ""
                        return [r.member.name, r.iteration ?? "", r.committed.map { "\(n(r.completed))/\(n($0))" } ?? "", health,
                                r.velocity.map { "\(n($0)) \(arrow)" } ?? "", r.forecast?.p85 ?? "", "\(r.unaligned)", "\(r.halted)",
                                "\(r.pendingSignOffs)", r.age(), r.error.map { $0.red } ?? ""]
                    }
                    print(Table(headers: ["MEMBER", "ITERATION", "DONE/COMMITTED", "HEALTH", "VELOCITY", "FORECAST 85%",
                                          "UNALIGNED", "HALTED", "SIGN-OFFS", "AGE", "PROBLEM"],
                                rows: table, rightAligned: [2, 6, 7, 8, 9]).render())
                }
                if rows.contains(where: { $0.error != nil }) { throw ExitCode(1) }
            }
        }

        struct Objectives: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "objectives",
                abstract: "Per portfolio objective: contributing boards and team objectives, points, KPI, forecast, halted work.")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: FormatOption

            func run() throws {
                let portfolio = try BoardKit.Portfolio.open(directory: global.startDirectory)
                let (boards, failed) = readBoards(portfolio)
                let report = PortfolioObjectives(objectives: portfolio.objectives, boards: boards)
                if output.json {
                    print(renderJSON([
                        "objectives": report.rollups.map(\.jsonObject),
                        "unaligned": report.unaligned.map { ["board": $0.board, "id": $0.objective.id, "title": $0.objective.title] },
                    ] as [String: Any]))
                } else {
                    for rollup in report.rollups {
                        let o = rollup.objective
                        let status = rollup.isHalted ? o.status.uppercased().red : o.status
                        print("\(o.id.bold)  \(o.title)  [\(status)]")
                        var facts = ["points \(rollup.pointsDone.compact)/\(rollup.pointsTotal.compact)",
                                     "boards \(rollup.boards.isEmpty ? "none" : rollup.boards.joined(separator: ", "))"]
                        if let kpi = o.kpi { facts.append("KPI \(kpi.summary)") }
                        if let f = rollup.forecast { facts.append("forecast \(f.p50) (50%) \(f.p85) (85%)") }
                        if rollup.isHalted, rollup.openItems > 0 { facts.append("\(rollup.openItems) open items halted".red) }
                        print("  " + facts.joined(separator: " · "))
                        let rows = rollup.contributions.map { c -> [String] in
                            ["  " + c.board, c.progress.objective.id, c.progress.objective.title, c.progress.objective.status,
                             "\(c.progress.pointsDone.compact)/\(c.progress.pointsTotal.compact)"]
                        }
                        if !rows.isEmpty { print(Table(headers: ["", "", "", "", ""], rows: rows, rightAligned: [4]).render()) }
                        print("")
                    }
                    if !report.unaligned.isEmpty {
                        print("Unaligned team objectives (no portfolio parent):".yellow)
                        print(Table(headers: ["", "", ""], rows: report.unaligned.map { ["  " + $0.board, $0.objective.id, $0.objective.title] }).render())
                    }
                }
                if failed { throw ExitCode(1) }
            }
        }

        struct Report: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "report",
                abstract: "The stakeholder report across boards: a table of members, one section per portfolio objective.",
                discussion: "Example: board portfolio report --format html -o portfolio.html")

            @Option(help: "Document format: md or html.")
            var format: ReportDocumentFormat = .md
            @Option(name: .shortAndLong, help: ArgumentHelp("Write the report to this file instead of stdout.", valueName: "file"))
            var output: String?
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let portfolio = try BoardKit.Portfolio.open(directory: global.startDirectory)
                let (boards, failed) = readBoards(portfolio)
                let report = PortfolioReport(name: portfolio.config.name, members: portfolio.statusRows(),
                                             objectives: PortfolioObjectives(objectives: portfolio.objectives, boards: boards))
                let text = format == .html ? report.html : report.markdown
                if let output {
                    try atomicWrite(Data(text.utf8), to: URL(fileURLWithPath: output, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).path)
                    if !global.quiet { printError("wrote \(output)") }
                } else {
                    print(text, terminator: "")
                }
                // The report shows a member that cannot be read with its problem; the exit code says so too.
                if failed { throw ExitCode(1) }
            }
        }
    }
}

/// Every member board that can be read; each one that cannot is reported on stderr.
private func readBoards(_ portfolio: BoardKit.Portfolio) -> (boards: [MemberBoard], failed: Bool) {
    var boards: [MemberBoard] = []
    var failed = false
    for (member, result) in portfolio.readAll() {
        switch result {
        case .success(let board): boards.append(board)
        case .failure(let error):
            failed = true
            printError("\(member.name): error: \(memberMessage(error))")
        }
    }
    return (boards, failed)
}
