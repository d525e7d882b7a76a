import Foundation

/// Makes large, realistic boards for benchmarks (`board dev generate`): items spread
/// over closed iterations, and optionally the Git history that built them.
public struct BoardGenerator {
    public var items: Int
    public var iterations: Int
    public var seed: UInt64

    static let authors = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov"]
    static let words = ["export", "invoice", "login", "report", "payment", "search", "profile", "audit", "billing",
                        "refund", "dashboard", "import", "email", "alert", "schedule", "archive", "tax", "ledger"]
    static let scale: [Double] = [1, 2, 3, 5, 8, 13]
    /// Monday 3 January 2022: the first iteration's start.
    static let firstStart = Date(timeIntervalSince1970: 1_641_168_000)

    public init(items: Int, iterations: Int, seed: UInt64 = 42) {
        self.items = items
        self.iterations = max(1, iterations)
        self.seed = seed
    }

    struct Item {
        var id: String
        var title: String
        var type: String
        var points: Double
        var rank: Double
        var iteration: Int?  // 1-based; nil for the backlog
        var created: String
    }

    static func day(_ offset: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: firstStart.addingTimeInterval(Double(offset) * 86_400))
    }

    func makeItems() -> [Item] {
        var random = SplitMix64(seed: seed)
        let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")
        var seen = Set<String>()
        let planned = items * 9 / 10
        return (0..<items).map { n in
            var id: String
            repeat { id = "B-" + String((0..<5).map { _ in alphabet.randomElement(using: &random)! }) } while !seen.insert(id).inserted
            let title = (0..<3).map { _ in Self.words.randomElement(using: &random)! }.joined(separator: " ").capitalized
            let iteration = n < planned ? n * iterations / max(planned, 1) + 1 : nil
            let created = Self.day(((iteration ?? iterations) - 1) * 14 - 3)
            return Item(id: id, title: "\(title) \(n)", type: ["story", "story", "story", "bug", "task"].randomElement(using: &random)!,
                        points: Self.scale.randomElement(using: &random)!, rank: Double(n + 1) * 1000,
                        iteration: iteration, created: created)
        }
    }

    func itemText(_ item: Item, status: String, points: Double) -> String {
        """
        ---
        id: \(item.id)
        title: \(item.title)
        type: \(item.type)
        status: \(status)
        points: \(YAMLValue.format(points))
        rank: \(YAMLValue.format(item.rank))
        assignee: \(["alice", "bob", "carol", "dan"][Int(item.rank / 1000) % 4])
        tags: [\(Self.words[Int(item.rank / 1000) % Self.words.count])]
        iteration: \(item.iteration.map { "S\($0)" } ?? "")
        objective:
        depends_on: []
        created: \(item.created)
        updated: \(item.created)
        ---

        Generated item \(item.id).

        ## Acceptance criteria
        - [ ] It works

        """
    }

    func iterationText(_ k: Int, state: String, committed: [Item]?, completed: [Item]?) -> String {
        var text = """
        ---
        id: S\(k)
        name: Sprint \(k)
        start: \(Self.day((k - 1) * 14))
        end: \(Self.day((k - 1) * 14 + 11))
        goal: Deliver sprint \(k)
        state: \(state)

        """
        func list(_ items: [Item]) -> String { items.map { "    - {id: \($0.id), points: \(YAMLValue.format($0.points))}" }.joined(separator: "\n") }
        if let committed {
            text += "commitment:\n  date: \(Self.day((k - 1) * 14))\n  points: \(YAMLValue.format(committed.map(\.points).reduce(0, +)))\n"
            text += committed.isEmpty ? "  items: []\n" : "  items:\n\(list(committed))\n"
        }
        if let completed {
            text += "outcome:\n  date: \(Self.day((k - 1) * 14 + 11))\n  completed_points: \(YAMLValue.format(completed.map(\.points).reduce(0, +)))\n"
            text += completed.isEmpty ? "  completed: []\n" : "  completed:\n\(list(completed))\n"
            text += "  not_completed: []\n"
        }
        return text + "---\n"
    }

    func path(_ item: Item) -> String { "backlog/\(item.id)-\(slugify(item.title)).md" }

    /// The final board: every planned item done in its closed iteration, the rest in the backlog.
    public func files() -> [String: Data] {
        let all = makeItems()
        var files: [String: Data] = [:]
        for item in all {
            files[path(item)] = Data(itemText(item, status: item.iteration == nil ? "backlog" : "done", points: item.points).utf8)
        }
        let byIteration = Dictionary(grouping: all.filter { $0.iteration != nil }, by: { $0.iteration! })
        for k in 1...iterations {
            let mine = byIteration[k] ?? []
            files["iterations/S\(k).md"] = Data(iterationText(k, state: "closed", committed: mine, completed: mine).utf8)
        }
        return files
    }

    /// Builds the board as `commits` commits through libgit2 (plans, starts, status moves,
    /// re-estimates, closes, by several authors), then checks the final state out into the work tree.
    /// Objects are written as pack files, every 500 commits, like a repository after `git gc`.
    public func writeHistory(into workspace: Workspace, commits: Int, progress: (Int) -> Void = { _ in }) throws {
        guard workspace.repository != nil else { throw BoardError.usage("not a Git repository") }
        // A handle of its own: the pack writer keeps every later write of this handle in memory until a flush.
        let repository = try Repository.discover(from: workspace.root)
        let packs = try PackWriter(repository)
        // On an error too: the branch already points at the commits held in memory.
        var flushed = false
        defer { if !flushed { try? packs.flush() } }
        let all = makeItems()
        let byIteration = Dictionary(grouping: all.filter { $0.iteration != nil }, by: { $0.iteration! })
        let backlog = all.filter { $0.iteration == nil }
        let perIteration = max(4, commits / iterations)
        var random = SplitMix64(seed: seed &+ 1)
        var points = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0.points) })
        var made = 0
        var final: [String: Data] = [:]
        func commit(_ changes: [String: Data], _ message: String, day: Int) throws {
            let author = Self.authors[made % Self.authors.count]
            let signature = Signature(name: author, email: author.lowercased().replacingOccurrences(of: " ", with: ".") + "@example.com",
                                      time: Self.firstStart.addingTimeInterval(Double(day) * 86_400 + Double(made % 600) * 60))
            let prefixed = Dictionary(uniqueKeysWithValues: changes.map { (workspace.repoPrefix + $0.key, Optional($0.value)) })
            try repository.commit(changes: prefixed, message: message, author: signature, updateIndex: false)
            final.merge(changes) { _, new in new }
            made += 1
            if made % 500 == 0 { try packs.flush() }
            progress(made)
        }
        let statuses = ["ready", "in-progress", "review", "done"]
        for k in 1...iterations {
            let mine = byIteration[k] ?? []
            let day = (k - 1) * 14
            var plan = Dictionary(uniqueKeysWithValues: mine.map { (path($0), Data(itemText($0, status: "ready", points: $0.points).utf8)) })
            for item in backlog where Int(item.rank / 1000) % iterations + 1 == k {
                plan[path(item)] = Data(itemText(item, status: "backlog", points: item.points).utf8)
            }
            plan["iterations/S\(k).md"] = Data(iterationText(k, state: "planned", committed: nil, completed: nil).utf8)
            try commit(plan, "board: plan S\(k)", day: day - 1)
            try commit(["iterations/S\(k).md": Data(iterationText(k, state: "active", committed: mine, completed: nil).utf8)],
                       "board: iteration start S\(k)", day: day)
            // Moves: every item walks ready → in-progress → review → done over the middle commits.
            var steps = mine.flatMap { item in (1..<statuses.count).map { (item, $0) } }
            steps.sort { ($0.1, $0.0.rank) < ($1.1, $1.0.rank) }
            let middle = max(1, perIteration - 3)
            let chunk = max(1, (steps.count + middle - 1) / middle)
            for (n, batch) in stride(from: 0, to: steps.count, by: chunk).map({ Array(steps[$0..<min($0 + chunk, steps.count)]) }).enumerated() {
                var changes: [String: Data] = [:]
                for (item, step) in batch {
                    if step == 1, Int.random(in: 0..<10, using: &random) == 0 {  // one in ten is re-estimated when started
                        points[item.id] = Self.scale.randomElement(using: &random)!
                    }
                    changes[path(item)] = Data(itemText(item, status: statuses[step], points: points[item.id]!).utf8)
                }
                try commit(changes, "board: move \(batch.count) items", day: day + 1 + n * 10 / middle)
            }
            let done = mine.map { item -> Item in var copy = item; copy.points = points[item.id]!; return copy }
            try commit(["iterations/S\(k).md": Data(iterationText(k, state: "closed", committed: mine, completed: done).utf8)],
                       "board: iteration close S\(k)", day: day + 11)
        }
        try packs.flush()
        flushed = true
        for (path, data) in final { try atomicWrite(data, to: workspace.absolute(path)) }
        try workspace.repository?.stage(paths: final.keys.map { workspace.repoPrefix + $0 })
    }
}
