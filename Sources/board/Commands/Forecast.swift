import ArgumentParser
import BoardKit

extension Board {
    struct ForecastCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "forecast",
            abstract: "Monte Carlo forecast from past iterations: when a scope is done, or how much by a date.",
            discussion: "Example: board forecast --points 40; board forecast --until 2026-06-30 --format json")

        @Option(help: "When will this many more items be done?")
        var items: Int?
        @Option(help: "When will this many more points be done?")
        var points: Double?
        @Option(help: "How much will be done by this date (YYYY-MM-DD)?")
        var until: String?
        @Option(help: "When will this objective's open items be done?")
        var objective: String?
        @Option(help: "Number of simulated futures.")
        var trials = MonteCarlo.defaultTrials
        @Option(help: "Random seed; the same seed gives the same forecast.")
        var seed: UInt64 = MonteCarlo.defaultSeed
        @Option(help: "Sample only the last N closed iterations (default: all).")
        var last: Int?

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() throws {
            let questions: [ForecastQuestion?] = [items.map { .items($0) }, points.map { .points($0) },
                                                  until.map { .until($0) }, objective.map { .objective($0) }]
            let given = questions.compactMap { $0 }
            guard given.count == 1, let question = given.first else {
                throw BoardError.usage("give exactly one of --items, --points, --until or --objective")
            }
            if let items, items < 0 { throw BoardError.usage("--items must be 0 or more") }
            if let points, points < 0 || !points.isFinite { throw BoardError.usage("--points must be 0 or more") }
            if let last, last < 1 { throw BoardError.usage("--last must be at least 1") }
            let result = try global.workspace().forecast(question, trials: trials, seed: seed, last: last)
            if output.json {
                print(renderJSON(result.jsonObject))
                return
            }
            let history = result.samples.map { "\($0.id) \($0.points.compact)" }.joined(separator: ", ")
            print("\(result.question.bold): \(result.trials) trials (seed \(result.seed)) over completed \(result.measure) of \(history)")
            if result.when.isEmpty {
                print("\(result.iterations ?? 0) iterations end by then.")
                print(Table(headers: ["PROBABILITY", "POINTS", "ITEMS"], rows: result.howMuch.map {
                    ["\($0.probability)%", $0.points.compact, $0.items.compact]
                }, rightAligned: [0, 1, 2]).render())
            } else {
                print(Table(headers: ["PROBABILITY", "ITERATIONS", "ITERATION", "ENDS"], rows: result.when.map {
                    ["\($0.probability)%", String($0.iterations), $0.iteration, $0.end]
                }, rightAligned: [0, 1]).render())
            }
        }
    }
}
