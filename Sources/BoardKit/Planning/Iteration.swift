import Foundation

/// Calendar arithmetic on `YYYY-MM-DD` dates (proleptic Gregorian, no time zones):
/// a date is turned into a day number (days since 1970-01-01) and back.
public enum WorkCalendar {
    /// Days since 1970-01-01, or nil when the text is not a valid date.
    public static func dayNumber(_ date: String) -> Int? {
        guard isDate(date) else { return nil }
        let parts = date.split(separator: "-").compactMap { Int($0) }
        let (y0, m, d) = (parts[0], parts[1], parts[2])
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return days  // `isDate` already refused 2026-02-30
    }

    /// The date of a day number.
    public static func date(_ dayNumber: Int) -> String {
        let z = dayNumber + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        guard (0...9999).contains(y) else { return String(format: "%04d-%02d-%02d", y, m, d) }
        let digits: [UInt8] = [UInt8(48 + y / 1000), UInt8(48 + y / 100 % 10), UInt8(48 + y / 10 % 10), UInt8(48 + y % 10), 45,
                               UInt8(48 + m / 10), UInt8(48 + m % 10), 45, UInt8(48 + d / 10), UInt8(48 + d % 10)]
        return String(decoding: digits, as: UTF8.self)
    }

    /// The date `days` days after `date` (before, for negative `days`).
    public static func adding(_ days: Int, to date: String) -> String? {
        dayNumber(date).map { Self.date($0 + days) }
    }

    /// True for Saturday and Sunday.
    public static func isWeekend(_ date: String) -> Bool {
        guard let n = dayNumber(date) else { return false }
        let weekday = ((n % 7) + 7 + 4) % 7  // 1970-01-01 was a Thursday; 0 = Sunday
        return weekday == 0 || weekday == 6
    }

    /// Monday-to-Friday dates from `start` to `end` (both inclusive), minus `daysOff`.
    public static func workingDays(from start: String, to end: String, excluding daysOff: [String] = []) -> [String] {
        guard let first = dayNumber(start), let last = dayNumber(end), first <= last else { return [] }
        let off = Set(daysOff)
        return (first...last).map(date).filter { !isWeekend($0) && !off.contains($0) }
    }
}

/// A typed view of an iteration file (`iterations/ID.md`, see docs/format.md).
/// Reading never fails: missing or malformed values read as empty; `problems` lists them.
public struct Iteration: Sendable {
    public enum State: String, Sendable, CaseIterable { case planned, active, closed }

    /// An item id with its points at a moment (commitment or outcome).
    public struct Entry: Sendable, Equatable {
        public var id: String
        public var points: Double
        public init(id: String, points: Double) { self.id = id; self.points = points }
    }

    /// Written by `board iteration start`: what the team committed to.
    public struct Commitment: Sendable, Equatable {
        public var date: String
        public var points: Double
        public var items: [Entry]
        /// Items in the iteration already done at the start; never counted as completed.
        public var alreadyDone: [String]
    }

    /// Written by `board iteration close`: what was done.
    public struct Outcome: Sendable, Equatable {
        public var date: String
        public var completedPoints: Double
        public var completed: [Entry]
        public var notCompleted: [Entry]
        /// Where unfinished items went: the next iteration's id, or nil for the backlog.
        public var carriedTo: String?
    }

    /// One member's capacity in this iteration.
    public struct Member: Sendable, Equatable {
        public var name: String
        /// Capacity per working day, in the board's `capacity_unit`.
        public var perDay: Double
        public var daysOff: [String]
    }

    public var record: Record

    public init(record: Record) { self.record = record }

    public var id: String { record.id }
    public var name: String { record.string("name") ?? record.id }
    public var start: String { record.string("start") ?? "" }
    public var end: String { record.string("end") ?? "" }
    public var goal: String? { record.string("goal") }
    /// The state; a missing or unknown value reads as planned.
    public var state: State { record.string("state").flatMap(State.init) ?? .planned }
    /// Team days off (holidays).
    public var daysOff: [String] { record.strings("days_off") }

    /// Mon–Fri dates between start and end, minus the team's days off.
    public var workingDays: [String] { WorkCalendar.workingDays(from: start, to: end, excluding: daysOff) }

    /// Per-member capacity: the file's `capacity:` map, else the board's members
    /// (a member listed in the file but not in board.yml counts too).
    public func members(_ config: BoardConfig) -> [Member] {
        let map = record.document.value("capacity")?.plainValue as? [String: Any] ?? [:]
        var out: [Member] = (config.members ?? []).map { member in
            let own = map[member.name] as? [String: Any]
            // `name: {capacity, days_off}` or a bare number, the daily capacity.
            return Member(name: member.name, perDay: yamlNumber(own?["capacity"]) ?? yamlNumber(map[member.name]) ?? member.capacity ?? 0,
                          daysOff: yamlStrings(own?["days_off"]))
        }
        for (name, value) in map.sorted(by: { $0.key < $1.key }) where !out.contains(where: { $0.name == name }) {
            let own = value as? [String: Any]
            out.append(Member(name: name, perDay: yamlNumber(own?["capacity"]) ?? yamlNumber(value) ?? 0, daysOff: yamlStrings(own?["days_off"])))
        }
        return out
    }

    /// A member's available days: the working days minus their own days off.
    public func availableDays(of member: Member) -> Int {
        let off = Set(member.daysOff)
        return workingDays.filter { !off.contains($0) }.count
    }

    /// Available person-days: the sum of available days of members with a capacity above zero.
    public func personDays(_ config: BoardConfig) -> Double {
        members(config).filter { $0.perDay > 0 }.reduce(0) { $0 + Double(availableDays(of: $1)) }
    }

    /// Team capacity: the sum of daily capacity × available days (in `capacity_unit`).
    public func capacity(_ config: BoardConfig) -> Double {
        members(config).reduce(0) { $0 + $1.perDay * Double(availableDays(of: $1)) }
    }

    public var commitment: Commitment? {
        guard let map = record.document.value("commitment")?.plainValue as? [String: Any] else { return nil }
        let items = entries(map["items"])
        return Commitment(date: map["date"] as? String ?? "", points: yamlNumber(map["points"]) ?? items.reduce(0) { $0 + $1.points },
                          items: items, alreadyDone: yamlStrings(map["already_done"]))
    }

    /// `outcome.carried_to`, without reading the rest of the outcome.
    var carriedTo: String? {
        guard case .mapping(let map)? = record.document.value("outcome") else { return nil }
        // The last such key, as in `plainValue`'s dictionary.
        return map.reversed().first { $0.key.string == "carried_to" }?.value.plainValue as? String
    }

    public var outcome: Outcome? {
        guard let map = record.document.value("outcome")?.plainValue as? [String: Any] else { return nil }
        let completed = entries(map["completed"])
        return Outcome(date: map["date"] as? String ?? "",
                       completedPoints: yamlNumber(map["completed_points"]) ?? completed.reduce(0) { $0 + $1.points },
                       completed: completed, notCompleted: entries(map["not_completed"]),
                       carriedTo: map["carried_to"] as? String)
    }

    /// True when `board iteration close` moved the unfinished item `id` out of this iteration on
    /// `date` (or later): that is no change of its scope, and its points are still remaining.
    func carriedOver(_ id: String, on date: String) -> Bool {
        guard let outcome, !outcome.date.isEmpty, date >= outcome.date else { return false }
        return outcome.notCompleted.contains { $0.id == id }
    }

    /// Problems with the file's own values, for `board check`.
    public var problems: [(key: String, message: String)] {
        var out: [(String, String)] = []
        for key in ["start", "end"] {
            if !record.has(key) || record.string(key) == nil { out.append((key, "missing \(key) date")) }
            else if WorkCalendar.dayNumber(record.string(key)!) == nil { out.append((key, "\(key) must be a date YYYY-MM-DD")) }
        }
        if let a = WorkCalendar.dayNumber(start), let b = WorkCalendar.dayNumber(end), a > b {
            out.append(("end", "end \(end) is before start \(start)"))
        }
        if let s = record.string("state"), State(rawValue: s) == nil {
            out.append(("state", "unknown state \(s) (use planned, active or closed)"))
        }
        for day in daysOff where WorkCalendar.dayNumber(day) == nil {
            out.append(("days_off", "days_off: \(day) is not a date YYYY-MM-DD"))
        }
        let capacity = record.document.value("capacity")?.plainValue as? [String: Any] ?? [:]
        for (name, value) in capacity.sorted(by: { $0.key < $1.key }) {
            let own = value as? [String: Any]
            if own.map({ $0["capacity"] != nil && yamlNumber($0["capacity"]) == nil }) ?? (yamlNumber(value) == nil) {
                out.append(("capacity", "capacity of \(name) must be a number"))
            }
            for day in yamlStrings(own?["days_off"]) where WorkCalendar.dayNumber(day) == nil {
                out.append(("capacity", "days_off of \(name): \(day) is not a date YYYY-MM-DD"))
            }
        }
        return out
    }

    private func entries(_ value: Any?) -> [Entry] {
        (value as? [Any] ?? []).compactMap { element in
            if let map = element as? [String: Any], let id = map["id"] as? String {
                return Entry(id: id, points: yamlNumber(map["points"]) ?? 0)
            }
            return (element as? String).map { Entry(id: $0, points: 0) }
        }
    }
}

/// A number from a plain YAML value (Int, Double or numeric text).
func yamlNumber(_ value: Any?) -> Double? {
    switch value {
    case let n as Int: return Double(n)
    case let n as Double: return n
    case let s as String: return Double(s)
    default: return nil
    }
}

/// A list of strings from a plain YAML value; a single string is a one-element list.
func yamlStrings(_ value: Any?) -> [String] {
    switch value {
    case let list as [Any]: return list.map { "\($0)" }
    case let s as String where !s.isEmpty: return [s]
    default: return []
    }
}

extension Workspace {
    /// All iterations, by start date then id, with the files that could not be read.
    public func iterations() -> (iterations: [Iteration], diagnostics: [Diagnostic]) {
        let loaded = load(.iteration)
        return (sortedIterations(loaded.records), loaded.diagnostics)
    }

    /// Iteration records as iterations, by start date then id.
    public func sortedIterations(_ records: [Record]) -> [Iteration] {
        records.map(Iteration.init).sorted { ($0.start, $0.id) < ($1.start, $1.id) }
    }

    /// True when an item's status is in a `done` category.
    public func isDone(_ item: Record) -> Bool { config.isDone(item.status) }
}

extension Checker {
    /// Iteration files: dates, state, file name; items naming an iteration that does not exist.
    static func iterationFields(_ board: BoardSnapshot) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for record in board.iterations {
            let doc = record.document
            if record.id.isEmpty {
                out.append(Diagnostic(path: record.path, line: doc.firstLine, message: "missing required key id"))
            } else if record.fileName != record.id + ".md" {
                out.append(Diagnostic(path: record.path, line: doc.lineNumber(of: "id"), severity: .warning,
                                      message: "file name is not \(record.id).md"))
            }
            for problem in Iteration(record: record).problems {
                out.append(Diagnostic(path: record.path, line: doc.lineNumber(of: problem.key) ?? doc.firstLine, message: problem.message))
            }
        }
        let ids = Set(board.iterations.map(\.id))
        for item in board.items {
            if let iteration = item.iteration, !iteration.isEmpty, !ids.contains(iteration) {
                out.append(Diagnostic(path: item.path, line: item.document.lineNumber(of: "iteration"), severity: .warning,
                                      message: "iteration \(iteration) does not exist in iterations/"))
            }
        }
        return out
    }
}
