import Foundation

/// `board flow`'s summary of history in `.git/board-cache/`, keyed by the commit it was read at and
/// the workflow's status categories: a warm `board flow` reads it instead of the whole timeline.
/// Laid out as the timeline cache is (`TimelineCache.seal`), with the magic `BOARDFL1`.
struct FlowCache {
    static let magic = Array("BOARDFL1".utf8)
    let file: String
    let key: String

    init(gitDir: String, prefix: String, allParents: Bool, tip: String, config: BoardConfig) {
        let name = (prefix.isEmpty ? "root" : prefix.replacingOccurrences(of: "/", with: "_"))
        // NUL and SOH cannot be in a status name (YAML has no such printable character).
        let workflow = config.statuses.map { "\($0.name)\u{1}\($0.category.rawValue)" }.joined(separator: "\u{1}\u{1}")
        key = [allParents ? "all" : "first", prefix, tip, workflow].joined(separator: "\u{0}")
        file = gitDir + "board-cache/flow-v2-\(allParents ? "all" : "first")-\(name).bin"
    }

    func load() -> FlowSummary? { readBytes(file).flatMap { Self.decode($0, key: key) } }

    func save(_ summary: FlowSummary) {
        try? atomicWrite(Self.encode(summary, key: key), to: file)
        unlink(file.replacingOccurrences(of: "board-cache/flow-v2-", with: "board-cache/flow-v1-"))  // read by no version now
    }

    static func encode(_ summary: FlowSummary, key: String) -> Data {
        var body = TimelineCache.Writer()
        body.string(key)
        body.optionalString(summary.firstDay)
        body.int(summary.finished.count)
        for f in summary.finished {
            body.string(f.id)
            body.string(f.title)
            body.optionalString(f.started)
            body.string(f.created)
            body.string(f.done)
        }
        body.int(summary.counts.count)
        for c in summary.counts {
            body.string(c.day)
            for n in [c.todo, c.doing, c.done] { body.int(n) }
        }
        body.diagnostics(summary.warnings)
        return TimelineCache.seal(body, magic: magic)
    }

    static func decode(_ bytes: [UInt8], key expected: String) -> FlowSummary? {
        guard var reader = TimelineCache.open(bytes, magic: magic) else { return nil }
        return try? reader.flowSummary(key: expected)
    }
}

extension TimelineCache.Reader {
    mutating func flowSummary(key expected: String) throws -> FlowSummary {
        guard try string() == expected else { throw TimelineCache.Malformed() }
        var summary = FlowSummary()
        summary.firstDay = try optionalString()
        summary.finished = try (0..<(try count())).map { _ in
            FlowSummary.Finished(id: try string(), title: try string(), started: try optionalString(), created: try string(),
                                 done: try string())
        }
        summary.counts = try (0..<(try count())).map { _ in
            FlowSummary.Counts(day: try string(), todo: try int(), doing: try int(), done: try int())
        }
        summary.warnings = try diagnostics()
        guard at == bytes.count else { throw TimelineCache.Malformed() }
        return summary
    }
}

extension Workspace {
    /// `board flow`'s summary of history (first-parent unless `allParents`), from its cache when it
    /// was read at the same commit with the same status categories.
    public func flowSummary(allParents: Bool = false, progress: ((Int, Int) -> Void)? = nil) throws -> FlowSummary {
        guard let repository else { throw BoardError.usage("the board is not in a Git repository") }
        if case .unborn = try repository.head() { return FlowSummary() }
        func cache(_ tip: String) -> FlowCache {
            FlowCache(gitDir: repository.gitDir, prefix: repoPrefix, allParents: allParents, tip: tip, config: config)
        }
        if let cached = cache(try repository.resolve("HEAD").hex).load() { return cached }
        let timeline = try timeline(allParents: allParents, progress: progress)
        let summary = FlowSummary(timeline: timeline, config: config)
        if let tip = timeline.tip { cache(tip).save(summary) }
        releaseAside(consume timeline)
        return summary
    }
}
