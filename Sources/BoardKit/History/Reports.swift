import Foundation

/// Every calendar day from `a` to `b` inclusive (empty when b < a).
public func dayRange(_ a: String, _ b: String) -> [String] {
    guard let first = WorkCalendar.dayNumber(a), let last = WorkCalendar.dayNumber(b), first <= last else { return [] }
    return (first...last).map(WorkCalendar.date)
}

/// Whole days from `a` to `b`.
func daysBetween(_ a: String, _ b: String) -> Int? {
    guard let x = WorkCalendar.dayNumber(a), let y = WorkCalendar.dayNumber(b) else { return nil }
    return y - x
}

/// ISO week of a day, `2026-W10`.
func isoWeek(_ day: String) -> String {
    guard let n = WorkCalendar.dayNumber(day) else { return day }
    let c = isoCalendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: Date(timeIntervalSince1970: Double(n) * 86_400))
    return String(format: "%04d-W%02d", c.yearForWeekOfYear ?? 0, c.weekOfYear ?? 0)
}

/// The ISO 8601 calendar in UTC, made once (making one takes longer than asking it a week).
private let isoCalendar: Calendar = {
    var calendar = Calendar(identifier: .iso8601)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar
}()

extension Workspace {
    /// The iteration a report is about: the one named, else the `active` one, else the one holding today.
    public func reportIteration(_ id: String?) throws -> Iteration {
        let iteration: Iteration
        if let id, let found = quickIteration(id) {
            iteration = found
        } else if let id {
            iteration = try self.iteration(id)
        } else {
            let today = Workspace.today
            let all = iterations().iterations
            guard let found = all.first(where: { $0.state == .active })
                ?? all.first(where: { $0.start <= today && today <= $0.end && isDate($0.start) })
            else { throw BoardError.usage("no active iteration; name one") }
            iteration = found
        }
        guard isDate(iteration.start), isDate(iteration.end), iteration.start <= iteration.end else {
            throw BoardError.invalidFile(Diagnostic(path: iteration.record.path, line: iteration.record.document.lineNumber(of: "start"),
                                                    message: "an iteration needs dates start and end (YYYY-MM-DD, start first)"))
        }
        return iteration
    }
}

extension Workspace {
    /// The iteration `id` as `iteration(id)` finds it (the first file by name whose id matches),
    /// parsing only the files whose text could hold that id; nil to leave it to `iteration(id)`.
    func quickIteration(_ id: String) -> Iteration? {
        let folder = RecordKind.iteration.folder
        guard !id.isEmpty, id.utf8.allSatisfy({ $0 < 0x80 }), symbolicLinkFolder(in: folder + "/x") == nil,
              let names = try? FileManager.default.contentsOfDirectory(atPath: absolute(folder)) else { return nil }
        let needle = Array(id.lowercased().utf8)
        // In byte order, as `load` reads a folder.
        for name in names.filter({ $0.hasSuffix(".md") && !$0.hasPrefix(".") }).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let path = folder + "/" + name
            guard let data = try? Self.readFile(absolute(path), display: path) else { return nil }
            // YAML escapes could spell the id without its letters: such files are parsed too.
            guard Self.containsCaseInsensitive(data, needle) || data.contains(UInt8(ascii: "\\")) else { continue }
            guard conflictMarkerLine(in: data) == nil, let record = try? Record(path: path, data: data) else { return nil }
            if record.id.caseInsensitiveCompare(id) == .orderedSame { return Iteration(record: record) }
        }
        return nil
    }

    static func containsCaseInsensitive(_ data: Data, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, data.count >= needle.count else { return false }
        return data.withUnsafeBytes { raw -> Bool in
            let bytes = raw.bindMemory(to: UInt8.self)
            func lower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b + 32 : b }
            for i in 0...(bytes.count - needle.count) where lower(bytes[i]) == first {
                var j = 1
                while j < needle.count, lower(bytes[i + j]) == needle[j] { j += 1 }
                if j == needle.count { return true }
            }
            return false
        }
    }
}

extension Timeline {
    /// The items at the end of each of `days` (sorted), replaying the history once.
    public func states(onDays days: [String]) -> [[String: ItemState]] {
        let dates = self.dates
        var state: [String: ItemState] = [:]
        var next = 0
        return days.map { day in
            while next < dates.count, dates[next] <= day {
                for change in entries[next].changes { state[change.id] = change.after }
                next += 1
            }
            return state
        }
    }
}

/// One change of an iteration's scope after it started.
public struct ScopeChange: Sendable {
    public enum Kind: String, Sendable { case added, removed, reestimated = "re-estimated" }
    public var kind: Kind
    public var id: String
    public var title: String
    public var commit: CommitInfo
    public var date: String
    public var before: Double?
    public var after: Double?

    /// Points this change adds to the scope (negative when it removes).
    public var delta: Double { (after ?? 0) - (before ?? 0) }

    public var jsonObject: [String: Any] {
        var o: [String: Any] = ["change": kind.rawValue, "id": id, "title": title, "commit": commit.short,
                                "author": commit.author, "date": date, "delta": delta]
        o["before"] = before ?? NSNull()
        o["after"] = after ?? NSNull()
        return o
    }
}

/// `board scope`: how an iteration's scope moved after its start.
public struct ScopeReport: Sendable {
    public var iteration: Iteration
    /// Points in the iteration at its start (the commitment commit, else the end of the first day).
    public var startPoints: Double
    public var changes: [ScopeChange]
    public var added: Double { changes.filter { $0.kind == .added }.map(\.delta).reduce(0, +) }
    public var removed: Double { -changes.filter { $0.kind == .removed }.map(\.delta).reduce(0, +) }
    public var reestimated: Double { changes.filter { $0.kind == .reestimated }.map(\.delta).reduce(0, +) }
    public var net: Double { changes.map(\.delta).reduce(0, +) }

    public init(iteration: Iteration, timeline: Timeline) {
        self.iteration = iteration
        let id = iteration.id
        func points(_ s: ItemState?) -> Double { s?.points ?? 0 }
        // The start: the commit that recorded the commitment, else the end of the first day.
        let dates = timeline.dates, entries = timeline.entries
        let first = timeline.starts[id] ?? dates.firstIndex { $0 > iteration.start } ?? dates.count
        // Only the iteration's items are kept, not the whole board.
        var members: [String: ItemState] = [:]
        for entry in entries[..<first] {
            for change in entry.changes { members[change.id] = change.after.flatMap { $0.iteration == id ? $0 : nil } }
        }
        startPoints = members.values.map { points($0) }.reduce(0, +)
        var changes: [ScopeChange] = []
        for (date, entry) in zip(dates[first...], entries[first...]) where date <= iteration.end {
            for change in entry.changes {
                let was = change.before?.iteration == id, now = change.after?.iteration == id
                guard was || now, !(was && !now && iteration.carriedOver(change.id, on: date)) else { continue }
                let title = (change.after ?? change.before)?.title ?? ""
                func add(_ kind: ScopeChange.Kind, _ before: Double?, _ after: Double?) {
                    changes.append(ScopeChange(kind: kind, id: change.id, title: title, commit: entry.commit, date: date,
                                               before: before, after: after))
                }
                if !was && now { add(.added, nil, points(change.after)) }
                if was && !now { add(.removed, points(change.before), nil) }
                if was && now && points(change.before) != points(change.after) {
                    add(.reestimated, points(change.before), points(change.after))
                }
            }
        }
        self.changes = changes
    }
}

/// One day of a burndown.
public struct BurndownDay: Sendable {
    public var date: String
    public var working: Bool
    public var ideal: Double
    /// Points of the iteration's items not yet in a `done` status at the end of the day.
    public var remaining: Double
    /// Points of all the iteration's items at the end of the day.
    public var scope: Double
    public var completed: Double { scope - remaining }

    public var jsonObject: [String: Any] {
        ["date": date, "working_day": working, "ideal": ideal, "remaining": remaining, "scope": scope, "completed": completed]
    }
}

extension Workspace {
    /// Remaining, completed and total points per day from the iteration's start to its end or today.
    /// The ideal line falls from the commitment (or the scope at the end of the first day) to 0
    /// in equal steps per working day, flat on other days.
    public func burndown(_ iteration: Iteration, timeline: Timeline) -> (commitment: Double, days: [BurndownDay]) {
        let days = dayRange(iteration.start, min(iteration.end, max(Workspace.today, iteration.start)))
        // Only the iteration's items are kept per day, not the whole board.
        let id = iteration.id
        let dates = timeline.dates
        var members: [String: ItemState] = [:]
        var next = 0
        let states = days.map { day in
            while next < dates.count, dates[next] <= day {
                for change in timeline.entries[next].changes {
                    let after = change.after.flatMap { $0.iteration == id ? $0 : nil }
                    // Moved on by the close: still this iteration's unfinished work.
                    if after == nil, members[change.id] != nil, iteration.carriedOver(change.id, on: dates[next]) { continue }
                    members[change.id] = after
                }
                next += 1
            }
            return members
        }
        let workingDays = Set(iteration.workingDays)
        let working = workingDays.count
        let committed = iteration.commitment?.points
        var commitment = committed ?? 0
        var result: [BurndownDay] = []
        var workedSoFar = 0
        for (day, state) in zip(days, states) {
            let items = Array(state.values)
            let scope = items.map { $0.points ?? 0 }.reduce(0, +)
            let remaining = items.filter { config.category(of: $0.status) != .done }.map { $0.points ?? 0 }.reduce(0, +)
            if day == iteration.start, committed == nil { commitment = scope }
            let isWorking = workingDays.contains(day)
            if isWorking { workedSoFar += 1 }
            let ideal = working == 0 ? 0 : commitment * Double(working - workedSoFar) / Double(working)
            result.append(BurndownDay(date: day, working: isWorking, ideal: (ideal * 100).rounded() / 100,
                                      remaining: remaining, scope: scope))
        }
        return (commitment, result)
    }
}

/// What `board flow` reads of the whole history, whatever range it reports on: every item done
/// at the last commit, and the count per status category at the end of each day that changed one.
/// Kept in `.git/board-cache/` by the commit it was read at (`FlowCache`).
public struct FlowSummary: Sendable, Equatable {
    public struct Finished: Sendable, Equatable {
        public var id: String
        public var title: String
        /// The first day in a `doing` status, unless that came after `done`.
        public var started: String?
        /// `created`, unless the item appeared in history before that (a hand-edited or wrong date).
        public var created: String
        /// The day it last entered a `done` status.
        public var done: String
    }
    public struct Counts: Sendable, Equatable {
        public var day: String
        public var todo: Int, doing: Int, done: Int
    }
    /// By done day, then id.
    public var finished: [Finished] = []
    /// Oldest first, one per day that changed a count.
    public var counts: [Counts] = []
    /// The date of the first item change.
    public var firstDay: String?
    /// The timeline's warnings.
    public var warnings: [Diagnostic] = []

    init() {}

    public init(timeline: Timeline, config: BoardConfig) {
        firstDay = timeline.entries.first?.commit.date
        warnings = timeline.warnings
        // One replay: per-category counts (no full state per day), and per item the first day in a
        // `doing` status, the day it last entered `done`, its created day.
        struct Track {
            var category: BoardConfig.Category?
            var firstDoing: String?
            var doneOn: String?
            var created: String?
            var title = ""
        }
        var tracks: [String: Track] = [:]
        tracks.reserveCapacity(timeline.everSeen.count)
        var count = [0, 0, 0]
        func slot(_ c: BoardConfig.Category?) -> Int? {
            switch c { case .todo: return 0; case .doing: return 1; case .done: return 2; default: return nil }
        }
        for (date, entry) in zip(timeline.dates, timeline.entries) {
            if counts.last?.day != date { counts.append(Counts(day: date, todo: 0, doing: 0, done: 0)) }
            for change in entry.changes {
                let now = change.after.flatMap { config.category(of: $0.status) }
                func apply(_ t: inout Track) {
                    if let old = slot(t.category) { count[old] -= 1 }
                    t.category = now
                    if let new = slot(now) { count[new] += 1 }
                    guard let after = change.after else { t.doneOn = nil; return }
                    if t.created == nil { t.created = min(after.created.flatMap { isDate($0) ? $0 : nil } ?? date, date) }
                    let before = change.before.flatMap { config.category(of: $0.status) }
                    if now == .doing, t.firstDoing == nil { t.firstDoing = date }
                    if now == .done, before != .done || change.before == nil { t.doneOn = date }
                    if now != .done { t.doneOn = nil }
                    t.title = after.title
                }
                apply(&tracks[change.id, default: Track()])
            }
            counts[counts.count - 1] = Counts(day: date, todo: count[0], doing: count[1], done: count[2])
        }
        for (id, t) in tracks {
            guard let done = t.doneOn else { continue }
            finished.append(Finished(id: id, title: t.title, started: t.firstDoing.flatMap { $0 <= done ? $0 : nil },
                                     created: t.created ?? done, done: done))
        }
        finished.sort { ($0.done, $0.id) < ($1.done, $1.id) }
    }
}

/// `board flow`: cumulative flow, cycle and lead times, throughput.
public struct FlowReport: Sendable {
    public struct Day: Sendable { public var date: String; public var todo: Int; public var doing: Int; public var done: Int }
    public struct Item: Sendable {
        public var id: String
        public var title: String
        public var started: String?
        public var created: String
        public var done: String
        public var cycleDays: Int?
        public var leadDays: Int?
    }
    public var days: [Day] = []
    public var items: [Item] = []
    public var throughput: [(week: String, count: Int)] = []

    /// Nearest-rank percentile (the smallest value with at least p% of values at or below it).
    public static func percentile(_ values: [Int], _ p: Double) -> Int? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }

    public var cycleTimes: [Int] { items.compactMap(\.cycleDays) }
    public var leadTimes: [Int] { items.compactMap(\.leadDays) }

    public init(timeline: Timeline, config: BoardConfig, from: String, to: String) {
        self.init(summary: FlowSummary(timeline: timeline, config: config), from: from, to: to)
    }

    public init(summary: FlowSummary, from: String, to: String) {
        // Each day's counts are the last ones of that day or before.
        var next = 0
        var current = FlowSummary.Counts(day: "", todo: 0, doing: 0, done: 0)
        for day in dayRange(from, to) {
            while next < summary.counts.count, summary.counts[next].day <= day { current = summary.counts[next]; next += 1 }
            days.append(Day(date: day, todo: current.todo, doing: current.doing, done: current.done))
        }
        // Few distinct days: day numbers and weeks are worked out once per day.
        var dayNumbers: [String: Int?] = [:]
        func number(_ day: String) -> Int? {
            if let n = dayNumbers[day] { return n }
            let n = WorkCalendar.dayNumber(day)
            dayNumbers[day] = n
            return n
        }
        func between(_ a: String, _ b: String) -> Int? {
            guard let x = number(a), let y = number(b) else { return nil }
            return y - x
        }
        for f in summary.finished where f.done >= from && f.done <= to {
            items.append(Item(id: f.id, title: f.title, started: f.started, created: f.created, done: f.done,
                              cycleDays: f.started.flatMap { between($0, f.done) }, leadDays: between(f.created, f.done)))
        }
        var perWeek: [String: Int] = [:]
        var day = "", week = isoWeek("")
        for item in items {
            if item.done != day { day = item.done; week = isoWeek(day) }
            perWeek[week, default: 0] += 1
        }
        throughput = perWeek.map { ($0.key, $0.value) }.sorted { $0.week < $1.week }
    }
}
