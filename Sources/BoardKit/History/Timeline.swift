import Foundation

/// An item's front matter at one moment, as the history engine keeps it:
/// every top-level field as text (lists joined with `, `).
///
/// The values are kept in an array indexed by `FieldKey` slot rather than in a dictionary: a
/// timeline holds tens of thousands of states, each a copy of the one before with a field or two
/// changed, and reports read a few fields of each.
public struct ItemState: Sendable, Equatable {
    public var path: String
    /// Values by `FieldKey` slot, nil where the item has no such field; never ends in nil,
    /// so that equal states have equal arrays.
    private var values: [String?]

    public init(path: String, fields: [String: String]) {
        self.path = path
        values = []
        for (key, value) in fields { self[key] = value }
    }

    /// A state from values by slot (trailing nils are dropped).
    init(path: String, values: [String?]) {
        self.path = path
        self.values = values
        while let last = self.values.last, last == nil { self.values.removeLast() }
    }

    public init(_ record: Record) {
        self.init(path: record.path, values: [])
        for (slot, value) in zip(FieldKey.slots(record.document.keys), record.document.values) {
            if let text = value.string {
                self[slot: slot] = text
            } else if value.isSequence {
                self[slot: slot] = value.strings.joined(separator: ", ")
            }
        }
    }

    /// This state at `path`, with values of its own to change: copied one by one, which costs a
    /// fraction of the generic copy a shared array makes on its first change.
    func copy(path: String) -> ItemState { ItemState(path: path, values: values.map { $0 }) }

    /// The value of a field by its slot.
    subscript(slot slot: Int) -> String? {
        get { slot < values.count ? values[slot] : nil }
        set {
            if let newValue {
                if slot >= values.count { values += repeatElement(nil, count: slot + 1 - values.count) }
                values[slot] = newValue
            } else if slot < values.count {
                values[slot] = nil
                while let last = values.last, last == nil { values.removeLast() }
            }
        }
    }

    /// The value of a field, nil when the item has none.
    subscript(key: String) -> String? {
        get { FieldKey.existingSlot(key).flatMap { self[slot: $0] } }
        set { self[slot: FieldKey.slot(key)] = newValue }
    }

    /// Every field, by key.
    public var fields: [String: String] {
        get {
            let names = FieldKey.names
            return Dictionary(uniqueKeysWithValues: values.indices.compactMap { slot in values[slot].map { (names[slot], $0) } })
        }
        set { values = []; for (key, value) in newValue { self[key] = value } }
    }

    public var id: String { self[slot: FieldKey.id] ?? "" }
    public var title: String { self[slot: FieldKey.title] ?? "" }
    public var status: String { self[slot: FieldKey.status] ?? "" }
    public var iteration: String? { self[slot: FieldKey.iteration] }
    public var objective: String? { self[slot: FieldKey.objective] }
    public var points: Double? { self[slot: FieldKey.points].flatMap(Double.init) }
    var created: String? { self[slot: FieldKey.created] }
    public var dependsOn: [String] {
        (self[slot: FieldKey.dependsOn] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Slots of the fields whose values differ between two states.
    static func differingSlots(_ a: ItemState?, _ b: ItemState?) -> [Int] {
        (0..<max(a?.values.count ?? 0, b?.values.count ?? 0)).filter { a?[slot: $0] != b?[slot: $0] }
    }
}

extension ItemState: Codable {
    enum CodingKeys: String, CodingKey { case path, fields }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(path: try c.decode(String.self, forKey: .path), fields: try c.decode([String: String].self, forKey: .fields))
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(fields, forKey: .fields)
    }
}

/// Front-matter keys as small numbers (slots), the same for every `ItemState` of the process.
/// The keys reports read have fixed slots; others get the next free one when first seen.
enum FieldKey {
    static let id = 0, title = 1, status = 2, iteration = 3, points = 4, created = 5, objective = 6, dependsOn = 7

    private final class Registry: @unchecked Sendable {
        let lock = NSLock()
        var names = ["id", "title", "status", "iteration", "points", "created", "objective", "depends_on"]
        lazy var slots = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
    }
    private static let registry = Registry()

    /// The slot of a key, given one if it has none yet.
    static func slot(_ key: String) -> Int { slots([key])[0] }

    /// The slots of keys (one lock for a whole record).
    static func slots(_ keys: [String]) -> [Int] {
        let r = registry
        r.lock.lock(); defer { r.lock.unlock() }
        return keys.map { key in
            if let slot = r.slots[key] { return slot }
            r.slots[key] = r.names.count
            r.names.append(key)
            return r.names.count - 1
        }
    }

    /// The slot of a key, nil if no state has had that key.
    static func existingSlot(_ key: String) -> Int? {
        let r = registry
        r.lock.lock(); defer { r.lock.unlock() }
        return r.slots[key]
    }

    /// Every key so far, by slot.
    static var names: [String] {
        let r = registry
        r.lock.lock(); defer { r.lock.unlock() }
        return r.names
    }
}

/// What one commit did to one item: `before` nil is an added item, `after` nil a removed one.
public struct ItemChange: Codable, Sendable, Equatable {
    public var id: String
    public var before: ItemState?
    public var after: ItemState?

    /// Keys whose value differs, sorted.
    public var changedKeys: [String] {
        let slots = ItemState.differingSlots(before, after)
        let names = slots.isEmpty ? [] : FieldKey.names
        return slots.map { names[$0] }.sorted()
    }
}

/// The items one commit changed.
public struct TimelineEntry: Codable, Sendable, Equatable {
    public var commit: CommitInfo
    public var changes: [ItemChange]
}

/// The board's item history: per commit, the items whose front matter changed.
public struct Timeline: Codable, Sendable, Equatable {
    /// Oldest first.
    public var entries: [TimelineEntry] = []
    /// Files that could not be read at some commit, each reported once.
    public var warnings: [Diagnostic] = []
    /// Every item at the last commit walked, by id.
    public var items: [String: ItemState] = [:]
    /// Every id ever seen, so that no id is reused after an item is deleted.
    public var everSeen: Set<String> = []
    /// Per id, the commit that first added it.
    public var firstSeen: [String: String] = [:]
    /// The last commit walked.
    public var tip: String?
    /// Per iteration id, how many entries precede its start: the commit that first recorded its
    /// `commitment` (`board iteration start`), with that commit's own item changes counted before.
    public var starts: [String: Int] = [:]
    /// Nil when the walk began at the first commit. Otherwise the first entry is a snapshot of
    /// every item at a later commit, and `everSeen` and `firstSeen` know only what came since.
    public var base: TimelineBase?
    /// Files at the last commit walked that hold the id of an item another, older file holds (a
    /// copy, or two clones merged): the item stays the older file's, and a twin takes its place
    /// only when that file goes. `board check` reports such ids; `board fix-ids` renumbers them.
    public var twins: [ItemState] = []

    /// True when this timeline gives the same reports on `iteration` as a walk from the first
    /// commit: the iteration's commitment was recorded after the snapshot, and the snapshot's
    /// changes all come before the iteration's first day.
    public func covers(_ iteration: Iteration) -> Bool {
        guard let base else { return true }
        return !base.started.contains(iteration.id) && base.floor <= iteration.start
    }

    /// The items as they were at the end of a day (`YYYY-MM-DD`, the authors' local dates).
    /// Commit times are made non-decreasing along the walk, as a commit cannot land before its parent.
    public func items(atEndOf day: String) -> [String: ItemState] {
        var state: [String: ItemState] = [:]
        for (date, entry) in zip(dates, entries) {
            if date > day { break }
            for change in entry.changes {
                if let after = change.after { state[change.id] = after } else { state[change.id] = nil }
            }
        }
        return state
    }

    /// Entries with each commit's effective (non-decreasing) date.
    public var dated: [(date: String, entry: TimelineEntry)] { Array(zip(dates, entries)) }

    /// Each entry's effective date: its commit's, or a later one before it (a snapshot's is its `floor`).
    var dates: [String] {
        var latest = ""
        // By index: an entry is read in place, not copied.
        return entries.indices.map { i in
            latest = max(latest, i == 0 ? base?.floor ?? entries[i].commit.date : entries[i].commit.date)
            return latest
        }
    }
}

/// Where a timeline that does not begin at the first commit begins.
public struct TimelineBase: Codable, Sendable, Equatable {
    /// The commit whose items the first entry holds, read from its tree.
    public var commit: String
    /// The latest date of a commit up to that one, leaving out commits that changed no item:
    /// no change the snapshot holds came later.
    public var floor: String
    /// Iterations whose commitment was recorded by that commit or an earlier one.
    public var started: Set<String>
}

extension Diagnostic: Codable {
    enum CodingKeys: String, CodingKey { case path, line, severity, message }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(path: try c.decode(String.self, forKey: .path), line: try c.decodeIfPresent(Int.self, forKey: .line),
                  severity: try c.decode(Severity.self, forKey: .severity), message: try c.decode(String.self, forKey: .message))
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encodeIfPresent(line, forKey: .line)
        try c.encode(severity, forKey: .severity)
        try c.encode(message, forKey: .message)
    }
}

/// Reads items out of Git objects, parsing each blob once.
final class ItemReader {
    let repository: Repository
    let prefix: String
    private var parsed: [OID: Result<ItemState, BoardError>] = [:]
    /// Blobs parsed ahead (by `HistoryReader`), by blob and the path they were read at.
    var prefetched: [BlobKey: Result<ItemState, BoardError>] = [:]
    /// Blobs parsed by a `HistoryReader` still reading, looked up after `prefetched`.
    var shared: HistoryReader.Shared?
    private(set) var warnings: [Diagnostic] = []
    private var warned: Set<String> = []

    init(repository: Repository, prefix: String, known: [Diagnostic] = []) {
        self.repository = repository
        self.prefix = prefix
        // Warnings of an earlier walk (cached) are not repeated by a walk that continues it.
        for d in known {
            guard let cut = d.message.range(of: " (", options: .backwards), d.message.hasSuffix("; skipped)") else { continue }
            warned.insert(d.path + "\u{0}" + d.message[..<cut.lowerBound])
        }
    }

    /// Board-relative path of a work-tree-relative one.
    func boardPath(_ path: String) -> String { String(path.dropFirst(prefix.count)) }

    /// The item in a blob (or, without a blob, the work-tree file); nil when it cannot be read,
    /// with a warning the first time a path fails with a given message.
    func item(path: String, blob: OID?, where label: String) -> ItemState? {
        let path = boardPath(path)
        guard path.hasSuffix(".md") else { return nil }
        let result: Result<ItemState, BoardError>
        if let blob, let cached = parsed[blob] {
            result = cached.map { var s = $0; s.path = path; return s }
        } else if let blob, let ahead = parsedAhead(BlobKey(blob: blob, path: path)) {
            result = ahead
            parsed[blob] = result
        } else {
            result = Self.parse(path: path) {
                if let blob { return try repository.blob(blob) }
                return try Workspace.readFile((repository.workdir ?? "") + prefix + path, display: path)
            }
            if let blob { parsed[blob] = result }
        }
        switch result {
        case .success(let state): return state
        case .failure(let error):
            var diagnostic: Diagnostic
            if case .invalidFile(let d) = error { diagnostic = d } else { diagnostic = Diagnostic(path: path, message: "\(error)") }
            diagnostic.severity = .warning
            let key = path + "\u{0}" + diagnostic.message
            diagnostic.message += " (\(label); skipped)"
            if warned.insert(key).inserted { warnings.append(diagnostic) }
            return nil
        }
    }

    private func parsedAhead(_ key: BlobKey) -> Result<ItemState, BoardError>? { prefetched[key] ?? shared?.parsed(key) }

    static func parse(path: String, _ read: () throws -> Data) -> Result<ItemState, BoardError> {
        do {
            let data = try read()
            if let line = conflictMarkerLine(in: data) {
                return .failure(.invalidFile(Diagnostic(path: path, line: line, message: "unresolved merge conflict marker")))
            }
            let state = ItemState(try Record(path: path, data: data))
            if state.id.isEmpty { return .failure(.invalidFile(Diagnostic(path: path, message: "missing required key id"))) }
            return .success(state)
        } catch let error as BoardError {
            return .failure(error)
        } catch {
            return .failure(.invalidFile(Diagnostic(path: path, message: "\(error)")))
        }
    }
}

extension Workspace {
    /// The work-tree-relative folder of the backlog, for diffs.
    var backlogSpec: String { repoPrefix + RecordKind.item.folder }
    var iterationSpec: String { repoPrefix + RecordKind.iteration.folder }

    /// Walks history from `revision` (first-parent unless `allParents`) and collects, per commit,
    /// the items whose front matter changed. Only blobs that changed are read; results are
    /// cached in `.git/board-cache/` by commit id, so a later walk reads only new commits.
    public func timeline(from revision: String = "HEAD", allParents: Bool = false,
                         progress: ((Int, Int) -> Void)? = nil) throws -> Timeline {
        try timeline(from: revision, allParents: allParents, for: nil, threads: nil, run: 50, progress: progress)
    }

    /// The history a report on one iteration needs (burndown, scope): on the first-parent line it
    /// may start at a snapshot of every item shortly before the iteration began instead of at the
    /// first commit (`Timeline.base`), which gives the same report for that iteration and every
    /// later one without reading older commits' trees.
    public func timeline(for iteration: Iteration, allParents: Bool = false,
                         progress: ((Int, Int) -> Void)? = nil) throws -> Timeline {
        try timeline(from: "HEAD", allParents: allParents, for: iteration, threads: nil, run: 50, progress: progress)
    }

    /// `threads` and `run` (commits a thread takes at a time) are for tests.
    func timeline(from revision: String, allParents: Bool, for iteration: Iteration? = nil, threads: Int?, run: Int,
                  progress: ((Int, Int) -> Void)? = nil) throws -> Timeline {
        guard let repository else { throw BoardError.usage("the board is not in a Git repository") }
        if case .unborn = try repository.head(), revision == "HEAD" { return Timeline() }
        let tip = try repository.resolve(revision)
        try repository.requireFullHistory()
        let full = TimelineCache(gitDir: repository.gitDir, prefix: repoPrefix, allParents: allParents)
        let window = TimelineCache(gitDir: repository.gitDir, prefix: repoPrefix, allParents: allParents, window: true)
        var timeline = Timeline()
        var hidden: OID?
        // A report on one iteration takes a snapshot's walk that covers it, else a full one.
        for cache in iteration == nil ? [full] : [window, full] {
            guard let cached = cache.load(), let cachedTip = cached.tip.flatMap(OID.init(hex:)),
                  iteration.map(cached.covers) ?? (cached.base == nil), repository.contains(tip, ancestor: cachedTip) else { continue }
            if cachedTip == tip { return cached }
            timeline = cached
            hidden = cachedTip
            break
        }
        var commits = try repository.walk(from: tip, hiding: hidden, firstParent: !allParents)
        if let cachedTip = hidden, !allParents, let first = commits.first,
           try repository.commitInfo(first).parents.first != cachedTip.hex {
            // The cached tip is not on this branch's first-parent line: walk it all.
            timeline = Timeline()
            hidden = nil
            commits = try repository.walk(from: tip, firstParent: true)
        }
        let reader = HistoryReader(gitDir: repository.gitDir, prefix: repoPrefix, backlog: backlogSpec,
                                   iterations: iterationSpec, run: run, threads: threads)
        var fold = TimelineFold(timeline: timeline, reader: ItemReader(repository: repository, prefix: repoPrefix, known: timeline.warnings))
        if hidden == nil, !allParents, let iteration,
           let windowed = try windowedFold(commits, for: iteration, reader: reader, progress: progress) {
            fold = windowed
        } else {
            try reader.read(commits, into: &fold, progress: progress)
        }
        // No change after a snapshot may be dated before what it holds: a walk from the first commit
        // would date it by the changes before it, which the snapshot does not know.
        if let base = fold.timeline.base, fold.timeline.entries.count > 1, base.floor > fold.timeline.entries[1].commit.date {
            window.remove()
            return try self.timeline(from: revision, allParents: allParents, for: nil, threads: threads, run: run, progress: progress)
        }
        fold.timeline.warnings += fold.reader.warnings
        fold.timeline.tip = tip.hex
        (fold.timeline.base == nil ? full : window).save(fold.timeline)
        return fold.timeline
    }

    /// The fold of a walk that starts at a snapshot (`Timeline.base`): the last commit before the
    /// iteration's commitment was recorded and before any later-dated commit that changed an item.
    /// Nil where the walk should start at the first commit instead: that commit comes in the first
    /// quarter of history, or the snapshot would not hold what a walk from the first commit holds there (an item file
    /// that cannot be read, an id in two files, a later commit dated before the snapshot).
    func windowedFold(_ commits: [OID], for iteration: Iteration, reader: HistoryReader,
                      progress: ((Int, Int) -> Void)?) throws -> TimelineFold? {
        guard let repository else { return nil }
        var scan = reader
        scan.withItems = false
        let scans = try scan.read(commits, progress: nil).commits
        // Commits dated after the start that change no item do not count: the first commit, made by
        // `board init` on the day it ran, is one.
        var floor = "", stop = scans.count
        for (i, commit) in scans.enumerated() {
            if commit.committed.contains(iteration.id) { stop = i; break }
            let date = commit.info.date
            if date > iteration.start {
                let parent = commit.info.parents.first.flatMap(OID.init(hex:))
                let changed = try repository.changes(from: .commit(parent), to: .commit(commits[i]), under: [backlogSpec])
                if changed.contains(where: { [$0.oldPath, $0.newPath].contains { $0?.hasSuffix(".md") == true } }) { stop = i; break }
                continue
            }
            floor = max(floor, date)
        }
        // A snapshot that would spare little of the walk is not worth reading: a full walk serves every report.
        guard stop > max(1, commits.count / 4) else { return nil }
        let snapshot = try reader.snapshot(commits[stop - 1])
        var fold = TimelineFold(timeline: Timeline(), reader: ItemReader(repository: repository, prefix: repoPrefix))
        fold.reader.prefetched = snapshot.parsed
        fold.add(snapshot.read)
        // The snapshot is the first entry, even of an empty backlog.
        if fold.timeline.entries.isEmpty { fold.timeline.entries.append(TimelineEntry(commit: snapshot.read.info, changes: [])) }
        guard fold.reader.warnings.isEmpty, fold.timeline.items.count == snapshot.parsed.count else { return nil }
        try reader.read(Array(commits[stop...]), into: &fold, progress: progress)
        fold.timeline.base = TimelineBase(commit: snapshot.read.info.id, floor: floor,
                                          started: Set(scans[..<stop].flatMap(\.committed)))
        return fold
    }
}

/// Folds what commits changed into a timeline, one commit after another.
struct TimelineFold {
    var timeline: Timeline
    var reader: ItemReader
    /// The id each item path holds.
    var pathToID: [String: String] = [:]

    init(timeline: Timeline, reader: ItemReader) {
        self.timeline = timeline
        self.reader = reader
        for (id, state) in timeline.items { pathToID[state.path] = id }
    }

    mutating func add(_ read: CommitRead) {
        let info = read.info
        let label = "at commit \(info.short)"
        var changes: [ItemChange] = [], removed = false
        let started = read.committed.filter { timeline.starts[$0] == nil }
        for file in read.items {
            let old = file.oldPath.flatMap { path in reader.item(path: path, blob: file.oldBlob, where: "before \(info.short)") }
            let new = file.newPath.flatMap { path in reader.item(path: path, blob: file.newBlob, where: label) }
            if file.newPath != nil && new == nil { continue }  // unreadable now: keep what we knew
            let oldPath = file.oldPath.map(reader.boardPath)
            if !timeline.twins.isEmpty, let oldPath, let twin = timeline.twins.firstIndex(where: { $0.path == oldPath }) {
                // A twin changed: it stays one while it holds the id, and the item does not change.
                let id = timeline.twins.remove(at: twin).id
                pathToID[oldPath] = nil
                guard let new else { continue }
                if new.id == id, let item = timeline.items[id], item.path != new.path {
                    timeline.twins.append(new)
                    pathToID[new.path] = id
                    continue
                }
            }
            let oldID = old?.id ?? oldPath.flatMap { pathToID[$0] }
            if let oldID, oldID != new?.id, let known = timeline.items[oldID], oldPath == known.path {
                // Deleted, or the file now holds another id: a twin holding the id takes its place.
                pathToID[known.path] = nil
                if let twin = timeline.twins.firstIndex(where: { $0.id == oldID }) {
                    let heir = timeline.twins.remove(at: twin)
                    if !ItemState.differingSlots(known, heir).isEmpty { changes.append(ItemChange(id: oldID, before: known, after: heir)) }
                    timeline.items[oldID] = heir
                } else {
                    changes.append(ItemChange(id: oldID, before: known, after: nil))
                    timeline.items[oldID] = nil
                    removed = true
                }
            }
            guard let new else { continue }
            let known = timeline.items[new.id]
            if let known, known.path != new.path, oldPath != known.path {
                // Another file already holds this id (not a rename of it): a twin.
                timeline.twins.append(new)
                pathToID[new.path] = new.id
                continue
            }
            // A field counts when this commit changed it (against its parent, or against what we
            // knew when the parent's version was unreadable) and it is not already known (merges).
            let base = (old?.id == new.id ? old : nil) ?? known
            let changed = ItemState.differingSlots(base, new).filter { known?[slot: $0] != new[slot: $0] }
            // Only those fields move: a branch commit (all parents) does not undo what the
            // main line changed meanwhile in other fields.
            var after = new
            if let known {
                after = known
                after.path = new.path
                for slot in changed { after[slot: slot] = new[slot: slot] }
            }
            if known == nil || !changed.isEmpty {
                changes.append(ItemChange(id: new.id, before: known, after: after))
            }
            if let known { pathToID[known.path] = nil }
            timeline.items[new.id] = after
            pathToID[after.path] = new.id
            if timeline.everSeen.insert(new.id).inserted { timeline.firstSeen[new.id] = info.id }
        }
        if removed { changes = Self.merged(changes) }
        if !changes.isEmpty { timeline.entries.append(TimelineEntry(commit: info, changes: changes)) }
        for id in started { timeline.starts[id] = timeline.entries.count }
    }

    /// One change per id, for a commit in which a file gave up an id that another file took (two
    /// files swapped contents, or a rename Git did not pair): no change at all if the fields are the same.
    static func merged(_ changes: [ItemChange]) -> [ItemChange] {
        var out: [ItemChange] = [], at: [String: Int] = [:]
        for change in changes {
            if let i = at[change.id] { out[i].after = change.after } else { at[change.id] = out.count; out.append(change) }
        }
        return out.filter { c in
            c.before == nil ? c.after != nil : (c.after == nil || !ItemState.differingSlots(c.before, c.after).isEmpty)
        }
    }
}

/// Output formats of the history reports (`--format`).
public enum ReportFormat: String, CaseIterable, Sendable {
    case text, json, csv, markdown
}

/// Progress of a long history walk on stderr, only when stderr is a terminal.
public func historyProgress(_ done: Int, _ total: Int) {
    guard total >= 200, isatty(STDERR_FILENO) == 1, done == total || done % 50 == 0 else { return }
    FileHandle.standardError.write(Data("\rreading history: \(done)/\(total) commits\(done == total ? "\n" : "")".utf8))
}

/// Keeps a value alive until the process exits: a command's last use of a large timeline or of
/// 10,000 loaded records skips freeing them object by object (about a tenth of a warm
/// `board burndown` or `board plan`). For commands only: a library caller would leak.
public func keepUntilExit(_ value: Any) {
    _ = Unmanaged.passRetained(KeptValue(value))
}

/// Frees a value on a thread of its own: a large intermediate result goes while this thread carries
/// on (freeing the timeline of 5,000 commits that `board flow` sums up took 60 ms).
func releaseAside<T: Sendable>(_ value: consuming T) {
    let box = KeptValue(value)
    Thread { withExtendedLifetime(box) {} }.start()
}

private final class KeptValue: @unchecked Sendable {
    let value: Any
    init(_ value: Any) { self.value = value }
}
