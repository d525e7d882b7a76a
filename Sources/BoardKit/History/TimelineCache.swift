import Foundation

/// The timeline of the last walk, in `.git/board-cache/`, keyed by the commit it ends at: one file
/// for a walk from the first commit, one for a walk from a snapshot (`Timeline.base`).
/// Deleting the folder only makes the next walk slower.
///
/// Binary format (little-endian): the magic `BOARDTL5`, a checksum of the rest, then the cache key,
/// a table of every distinct string (each written once), and the timeline with strings as table
/// indices. A change stores only its `after` state; `before` is what the replay so far holds for
/// that id, stored explicitly only when it differs. A file that is short, corrupt, from another
/// version or for another key is ignored (the walk starts over).
struct TimelineCache {
    static let version = 5
    static let magic = Array("BOARDTL\(version)".utf8)
    let file: String
    let key: String

    init(gitDir: String, prefix: String, allParents: Bool, window: Bool = false) {
        let name = (prefix.isEmpty ? "root" : prefix.replacingOccurrences(of: "/", with: "_"))
        key = "\(allParents ? "all" : "first")\u{0}\(prefix)"
        file = gitDir + "board-cache/timeline-v\(Self.version)-\(allParents ? "all" : "first")-\(name)\(window ? "-window" : "").bin"
    }

    func load() -> Timeline? {
        guard let bytes = readBytes(file) else { return nil }
        return Self.decode(bytes, key: key)
    }

    func remove() { unlink(file) }

    func save(_ timeline: Timeline) {
        try? atomicWrite(Self.encode(timeline, key: key), to: file)
        // The caches of earlier versions (JSON up to 25 MB, then binary) are not read any more.
        for (version, ending) in [(2, ".json"), (3, ".bin"), (4, ".bin")] {
            unlink(file.replacingOccurrences(of: "timeline-v\(Self.version)-", with: "timeline-v\(version)-").dropLast(4) + ending)
        }
    }

    // MARK: Encoding

    static func encode(_ timeline: Timeline, key: String) -> Data {
        var body = Writer()
        body.names = FieldKey.names
        body.string(key)
        body.optionalString(timeline.tip)
        // Replay the changes as a reader will, to store `before` only when it differs.
        var state: [String: ItemState] = [:]
        body.int(timeline.entries.count)
        for entry in timeline.entries {
            let c = entry.commit
            body.string(c.id)
            body.int(c.parents.count)
            for p in c.parents { body.string(p) }
            body.string(c.author)
            body.string(c.email)
            body.u64(c.time.timeIntervalSince1970.bitPattern)
            body.signed(c.offsetMinutes)
            body.string(c.summary)
            body.int(entry.changes.count)
            for change in entry.changes {
                body.string(change.id)
                let folded = state[change.id]
                var flags = 0
                if change.after != nil { flags |= 1 }
                if change.before != folded { flags |= change.before == nil ? 4 : 2 }
                if change.after != nil, change.before != nil { flags |= 8 }
                body.int(flags)
                if flags & 2 != 0, let before = change.before { body.state(before) }
                if let after = change.after {
                    if let before = change.before { body.delta(after, from: before) } else { body.state(after) }
                }
                state[change.id] = change.after
            }
        }
        body.diagnostics(timeline.warnings)
        body.int(timeline.items.count)
        for id in timeline.items.keys.sorted() {
            let item = timeline.items[id]!
            body.string(id)
            if state[id] == item { body.int(0) } else { body.int(1); body.state(item) }
        }
        body.int(timeline.everSeen.count)
        for id in timeline.everSeen.sorted() { body.string(id) }
        body.int(timeline.firstSeen.count)
        for (id, commit) in timeline.firstSeen.sorted(by: { $0.key < $1.key }) { body.string(id); body.string(commit) }
        body.int(timeline.starts.count)
        for (id, n) in timeline.starts.sorted(by: { $0.key < $1.key }) { body.string(id); body.int(n) }
        if let base = timeline.base {
            body.int(1)
            body.string(base.commit)
            body.string(base.floor)
            body.int(base.started.count)
            for id in base.started.sorted() { body.string(id) }
        } else {
            body.int(0)
        }
        body.int(timeline.twins.count)
        for twin in timeline.twins { body.state(twin) }
        return seal(body, magic: magic)
    }

    /// A file's bytes: `magic`, the checksum, the string table, then `body`.
    static func seal(_ body: Writer, magic: [UInt8]) -> Data {
        var table = Writer()
        table.int(body.table.count)
        for s in body.table {
            let bytes = Array(s.utf8)
            table.int(bytes.count)
            table.bytes.append(contentsOf: bytes)
        }
        let payload = table.bytes + body.bytes
        var out = Writer()
        out.bytes = magic
        out.u64(checksum(payload[...]))
        out.bytes += payload
        return Data(out.bytes)
    }

    /// A reader at the body of a sealed file, its string table read; nil for another magic or a bad checksum.
    static func open(_ bytes: [UInt8], magic: [UInt8]) -> Reader? {
        guard bytes.count >= magic.count + 8, Array(bytes[0..<magic.count]) == magic else { return nil }
        var reader = Reader(bytes: bytes, at: magic.count)
        guard let sum = try? reader.u64(), sum == checksum(bytes[reader.at...]), (try? reader.readTable()) != nil else { return nil }
        return reader
    }

    struct Writer {
        var bytes: [UInt8] = []
        var table: [String] = []
        var index: [String: Int] = [:]
        /// Field keys by `FieldKey` slot, the slots in key order, and each key's table index once written.
        var names: [String] = [] {
            didSet {
                order = names.indices.sorted { names[$0] < names[$1] }
                keyIndex = Array(repeating: nil, count: names.count)
            }
        }
        private var order: [Int] = []
        private var keyIndex: [Int?] = []

        mutating func int(_ value: Int) {
            var v = UInt64(value)
            while v >= 0x80 { bytes.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
            bytes.append(UInt8(v))
        }
        mutating func signed(_ value: Int) { int(Int(bitPattern: UInt((value << 1) ^ (value >> 63)))) }
        mutating func u64(_ value: UInt64) { for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) } }
        mutating func string(_ s: String) {
            if let n = index[s] { int(n); return }
            index[s] = table.count
            int(table.count)
            table.append(s)
        }
        mutating func optionalString(_ s: String?) {
            if let s { int(1); string(s) } else { int(0) }
        }
        mutating func diagnostics(_ list: [Diagnostic]) {
            int(list.count)
            for d in list {
                string(d.path)
                int(d.line.map { $0 + 1 } ?? 0)
                int(d.severity == .error ? 0 : 1)
                string(d.message)
            }
        }
        /// A field key, by its slot.
        mutating func key(_ slot: Int) {
            if let n = keyIndex[slot] { int(n); return }
            string(names[slot])
            keyIndex[slot] = index[names[slot]]
        }
        /// The fields that differ from `base`: set ones, then removed keys.
        mutating func delta(_ s: ItemState, from base: ItemState) {
            string(s.path)
            let slots = ItemState.differingSlots(base, s).sorted { names[$0] < names[$1] }
            let set = slots.filter { s[slot: $0] != nil }
            int(set.count)
            for slot in set { key(slot); string(s[slot: slot]!) }
            let removed = slots.filter { s[slot: $0] == nil }
            int(removed.count)
            for slot in removed { key(slot) }
        }
        /// Every field, in key order.
        mutating func state(_ s: ItemState) {
            string(s.path)
            int(order.reduce(0) { $0 + (s[slot: $1] == nil ? 0 : 1) })
            for slot in order { if let value = s[slot: slot] { key(slot); string(value) } }
        }
    }

    /// 64-bit multiply-rotate hash, eight bytes at a time.
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        bytes.withUnsafeBytes { raw in
            let words = raw.count / 8
            for i in 0..<words {
                let w = raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
                h = ((h ^ w) &* 0xFF51_AFD7_ED55_8CCD)
                h = (h << 29) | (h >> 35)
            }
            for i in (words * 8)..<raw.count { h = ((h ^ UInt64(raw[i])) &* 0xC4CE_B9FE_1A85_EC53) }
        }
        return h ^ (h >> 31)
    }

    // MARK: Decoding

    struct Malformed: Error {}

    static func decode(_ data: Data, key expected: String) -> Timeline? { decode([UInt8](data), key: expected) }

    static func decode(_ bytes: [UInt8], key expected: String) -> Timeline? {
        guard var reader = open(bytes, magic: magic) else { return nil }
        return try? reader.timeline(key: expected)
    }

    struct Reader {
        let bytes: [UInt8]
        var at: Int
        var table: [String] = []
        /// Per string of the table, its `FieldKey` slot once it has been read as a key (-1 before).
        var slots: [Int] = []
        /// One more than the highest slot read so far: the room a state's values take.
        var width = 0

        init(bytes: [UInt8], at: Int) { self.bytes = bytes; self.at = at }

        mutating func int() throws -> Int {
            var v: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard at < bytes.count, shift < 64 else { throw Malformed() }
                let b = bytes[at]; at += 1
                v |= UInt64(b & 0x7f) << shift
                if b < 0x80 { break }
                shift += 7
            }
            guard v <= UInt64(Int.max) else { throw Malformed() }
            return Int(v)
        }
        mutating func signed() throws -> Int { let v = UInt(try int()); return Int(bitPattern: (v >> 1) ^ (0 &- (v & 1))) }
        mutating func u64() throws -> UInt64 {
            guard at + 8 <= bytes.count else { throw Malformed() }
            var v: UInt64 = 0
            for i in 0..<8 { v |= UInt64(bytes[at + i]) << (8 * UInt64(i)) }
            at += 8
            return v
        }
        /// A count, bounded by the bytes left so a corrupt one cannot ask for a huge allocation.
        mutating func count() throws -> Int {
            let n = try int()
            guard n <= bytes.count - at else { throw Malformed() }
            return n
        }
        /// A string as its index in the table.
        mutating func index() throws -> Int {
            let n = try int()
            guard n < table.count else { throw Malformed() }
            return n
        }
        mutating func string() throws -> String { table[try index()] }
        /// A field key as its slot.
        mutating func key() throws -> Int {
            let n = try index()
            if slots[n] < 0 {
                slots[n] = FieldKey.slot(table[n])
                width = max(width, slots[n] + 1)
            }
            return slots[n]
        }
        mutating func state() throws -> ItemState {
            let path = try string()
            let n = try count()
            var values: [String?] = []
            for _ in 0..<n {
                let k = try key()
                if k >= values.count { values += repeatElement(nil, count: width - values.count) }
                values[k] = try string()
            }
            return ItemState(path: path, values: values)
        }

        mutating func readTable() throws {
            let strings = try count()
            table.reserveCapacity(strings)
            for _ in 0..<strings {
                let n = try count()
                table.append(bytes.withUnsafeBufferPointer { String(decoding: $0[at..<(at + n)], as: UTF8.self) })
                at += n
            }
            slots = Array(repeating: -1, count: strings)
        }

        mutating func optionalString() throws -> String? { try int() == 1 ? try string() : nil }
        mutating func diagnostics() throws -> [Diagnostic] {
            try (0..<(try count())).map { _ in
                let path = try string()
                let line = try int()
                let severity: Diagnostic.Severity = try int() == 0 ? .error : .warning
                return Diagnostic(path: path, line: line == 0 ? nil : line - 1, severity: severity, message: try string())
            }
        }

        mutating func timeline(key expected: String) throws -> Timeline {
            let strings = table.count
            guard try string() == expected else { throw Malformed() }
            var timeline = Timeline()
            timeline.tip = try optionalString()
            // What the replay holds per item, by the table index of its id.
            var folded: [ItemState?] = Array(repeating: nil, count: strings)
            let entries = try count()
            timeline.entries.reserveCapacity(entries)
            for _ in 0..<entries {
                let id = try string()
                var parents: [String] = []
                for _ in 0..<(try count()) { parents.append(try string()) }
                let author = try string(), email = try string()
                let time = Date(timeIntervalSince1970: Double(bitPattern: try u64()))
                let offset = try signed()
                let summary = try string()
                let commit = CommitInfo(id: id, parents: parents, author: author, email: email, time: time,
                                        offsetMinutes: offset, summary: summary)
                let n = try count()
                var changes: [ItemChange] = []
                changes.reserveCapacity(n)
                for _ in 0..<n {
                    let idIndex = try index()
                    let flags = try int()
                    var before = folded[idIndex]
                    if flags & 2 != 0 { before = try state() } else if flags & 4 != 0 { before = nil }
                    var after: ItemState?
                    if flags & 8 != 0, let base = before {
                        var s = base.copy(path: try string())
                        for _ in 0..<(try count()) { let k = try key(); s[slot: k] = try string() }
                        for _ in 0..<(try count()) { s[slot: try key()] = nil }
                        after = s
                    } else if flags & 8 != 0 {
                        throw Malformed()
                    } else if flags & 1 != 0 {
                        after = try state()
                    }
                    changes.append(ItemChange(id: table[idIndex], before: before, after: after))
                    folded[idIndex] = after
                }
                timeline.entries.append(TimelineEntry(commit: commit, changes: changes))
            }
            timeline.warnings = try diagnostics()
            let items = try count()
            timeline.items.reserveCapacity(items)
            for _ in 0..<items {
                let idIndex = try index()
                let id = table[idIndex]
                switch try int() {
                case 0: guard let s = folded[idIndex] else { throw Malformed() }; timeline.items[id] = s
                case 1: timeline.items[id] = try state()
                default: throw Malformed()
                }
            }
            let seen = try count()
            timeline.everSeen.reserveCapacity(seen)
            for _ in 0..<seen { timeline.everSeen.insert(try string()) }
            let first = try count()
            timeline.firstSeen.reserveCapacity(first)
            for _ in 0..<first { let id = try string(); timeline.firstSeen[id] = try string() }
            for _ in 0..<(try count()) { let id = try string(); timeline.starts[id] = try int() }
            switch try int() {
            case 0: break
            case 1:
                let commit = try string(), floor = try string()
                var started = Set<String>()
                for _ in 0..<(try count()) { started.insert(try string()) }
                timeline.base = TimelineBase(commit: commit, floor: floor, started: started)
            default: throw Malformed()
            }
            timeline.twins = try (0..<(try count())).map { _ in try state() }
            guard at == bytes.count else { throw Malformed() }
            return timeline
        }
    }
}
