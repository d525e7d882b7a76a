import Foundation
import Yams

/// The stat fields that change whenever a file's content may have changed.
struct FileStamp: Equatable {
    var size: Int64
    var mtime: Int64  // nanoseconds since 1970
    var ctime: Int64
    var inode: UInt64

    init(_ info: stat) {
        size = Int64(info.st_size)
        mtime = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        ctime = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        inode = UInt64(info.st_ino)
    }

    init(size: Int64, mtime: Int64, ctime: Int64, inode: UInt64) {
        (self.size, self.mtime, self.ctime, self.inode) = (size, mtime, ctime, inode)
    }

    /// Like git's racily clean index entries: a file changed in the same second as (or after)
    /// the load began could change again unseen with the same stamp, so it is not cached.
    func isStorable(loadStartedAt second: Int64) -> Bool {
        mtime / 1_000_000_000 < second && ctime / 1_000_000_000 < second
    }
}

/// Parsed front matter of one board folder, in `<gitDir>/board-cache/records-v3-…`, so a warm
/// `Workspace.load` reads one file and `lstat`s each record instead of reading and parsing it.
///
/// Entries are keyed by file name and `FileStamp`; files that failed to load are not cached.
/// Records built from it hold no lines or body (see `FrontMatterDocument.origin`). The folder's
/// own stamp and the names of its files without an entry are kept too: while the folder's stamp
/// is the same, no file was added, removed or renamed in it, so it need not be listed again (git's
/// untracked cache does the same). A damaged, truncated or foreign file is ignored and rewritten.
/// Layout, little-endian: magic, scope string, folder stamp (zeros when not kept), the other
/// names, entry count, entries (each prefixed by its byte length), FNV-1a 64 checksum.
struct RecordCache {
    static let magic = Array("board-records-v3\n".utf8)

    struct Entry {
        /// Where the file name is in `bytes`.
        var name: Range<Int>
        var stamp: FileStamp
        /// The whole entry (for copying into the next cache) and where its record starts.
        var bytes: Range<Int>
        var recordStart: Int
    }

    /// The file, mapped: its pages come from the page cache, neither copied nor zeroed (each new
    /// page of memory costs about 3 µs in a virtual machine, and a 10,000-item cache is 4 MB).
    let file: MappedFile
    var bytes: UnsafeBufferPointer<UInt8> { file.bytes }
    /// In file-name order, as written.
    let entries: [Entry]
    /// The folder's stamp when it was listed (nil when not kept), and its `*.md` files without an entry.
    let folder: FileStamp?
    let otherNames: [String]

    static func file(gitDir: String, prefix: String, kind: RecordKind) -> String {
        let key = prefix.isEmpty ? "root" : prefix.replacingOccurrences(of: "/", with: "_")
        return gitDir + "board-cache/records-v3-\(key)-\(kind.folder).bin"
    }

    /// Reads a cache file; nil when missing, damaged or written for another scope.
    init?(file: String, scope: String) {
        guard let mapped = MappedFile(file), case let bytes = mapped.bytes, bytes.count >= Self.magic.count + 8,
              bytes.starts(with: Self.magic) else { return nil }
        let end = bytes.count - 8
        var sum: UInt64 = 0
        for i in 0..<8 { sum |= UInt64(bytes[end + i]) << (8 * UInt64(i)) }
        guard Self.checksum(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[..<end]))) == sum else { return nil }
        let parsed: (FileStamp?, [String], [Entry])? = {
            var reader = ByteReader(buffer: UnsafeBufferPointer(rebasing: bytes[..<end]), position: Self.magic.count)
            guard reader.string() == scope, let folder = reader.stamp(), let others = reader.u32(), Int(others) <= end else { return nil }
            var names: [String] = []
            for _ in 0..<others {
                guard let name = reader.string() else { return nil }
                names.append(name)
            }
            guard let count = reader.u32(), Int(count) <= end else { return nil }
            var entries: [Entry] = []
            entries.reserveCapacity(Int(count))
            for _ in 0..<count {
                guard let length = reader.u32(), reader.position + Int(length) <= end else { return nil }
                let start = reader.position
                guard let name = reader.bytes(), let stamp = reader.stamp() else { return nil }
                entries.append(Entry(name: name, stamp: stamp, bytes: (start - 4)..<(start + Int(length)), recordStart: reader.position))
                reader.position = start + Int(length)
            }
            return reader.position == end ? (folder.mtime == 0 ? nil : folder, names, entries) : nil
        }()
        guard let parsed else { return nil }
        self.file = mapped
        (folder, otherNames, entries) = parsed
    }

    /// The folder's `*.md` files and their entries, as when the cache was written, if the folder's
    /// stamp is still `folder`: none was added, removed or renamed since. `files` is nil when every
    /// file has an entry (the usual case): their names are the entries'.
    func listing(_ folder: FileStamp) -> (files: [String]?, matches: [Int?])? {
        guard self.folder == folder else { return nil }
        if otherNames.isEmpty { return (nil, entries.indices.map { Optional($0) }) }
        var files: [String] = [], matches: [Int?] = []
        files.reserveCapacity(entries.count + otherNames.count)
        matches.reserveCapacity(entries.count + otherNames.count)
        // Both lists are in byte order: merged.
        var j = 0
        for (index, entry) in entries.enumerated() {
            let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[entry.name]), as: UTF8.self)
            while j < otherNames.count, otherNames[j].utf8.lexicographicallyPrecedes(name.utf8) {
                files.append(otherNames[j])
                matches.append(nil)
                j += 1
            }
            files.append(name)
            matches.append(index)
        }
        files += otherNames[j...]
        matches += repeatElement(nil, count: otherNames.count - j)
        return (files, matches)
    }

    /// The file names of the entries.
    var names: [String] { entries.map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0.name]), as: UTF8.self) } }

    /// For each of `files` (sorted), the index of its entry, found by walking both lists in order
    /// (no dictionary of 10,000 strings). Names are compared byte for byte; a name the walk
    /// misses is only read from disk again.
    func match(_ files: [String]) -> [Int?] {
        var j = 0
        return files.map { file -> Int? in
            var name = file
            return name.withUTF8 { wanted in
                while j < entries.count {
                    let found = UnsafeBufferPointer(rebasing: bytes[entries[j].name])
                    if found.elementsEqual(wanted) { j += 1; return j - 1 }
                    if !found.lexicographicallyPrecedes(wanted) { return nil }
                    j += 1
                }
                return nil
            }
        }
    }

    /// Decodes the records of one cache, one after another. What a record shares byte for byte
    /// with the one decoded before it (its keys and line numbers, most often; a status, a type, an
    /// empty list; never a nested Yams node) is taken from that one instead of being decoded again:
    /// making strings was a third of a warm `board list`.
    struct Decoder {
        let buffer: UnsafeBufferPointer<UInt8>
        private var keys: [String] = [], lines: [Int] = []
        private var values: [FieldValue] = []
        /// Where the last record's keys and values are in `buffer`, and the record being decoded's.
        private var keyRanges: [Range<Int>] = [], valueRanges: [Range<Int>] = []
        private var newKeyRanges: [Range<Int>] = [], newValueRanges: [Range<Int>] = []

        init(_ buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }

        /// The record of an entry; nil when it does not decode.
        /// `root` and `path` make the file's absolute path (see `FrontMatterDocument.origin`).
        mutating func record(_ entry: Entry, path: String, root: String) -> Record? {
            var reader = ByteReader(buffer: UnsafeBufferPointer(rebasing: buffer[..<entry.bytes.upperBound]),
                                    position: entry.recordStart)
            guard let firstLine = reader.u32(), let count = reader.u32(), Int(count) <= entry.bytes.count else { return nil }
            let n = Int(count)
            var newKeys = keys.count == n ? keys : [], newLines = lines.count == n ? lines : []
            var newValues: [FieldValue] = []
            newValues.reserveCapacity(n)
            newKeyRanges.removeAll(keepingCapacity: true)
            newValueRanges.removeAll(keepingCapacity: true)
            for i in 0..<n {
                guard let keyRange = reader.bytes() else { return nil }
                let same = i < keyRanges.count && equal(keyRange, keyRanges[i])
                if !same {
                    if newKeys.count == n { newKeys.removeSubrange(i...) }
                    newKeys.append(String(decoding: UnsafeBufferPointer(rebasing: buffer[keyRange]), as: UTF8.self))
                } else if newKeys.count < n {
                    newKeys.append(keys[i])
                }
                guard let line = reader.u32() else { return nil }
                if newLines.count == n, newLines[i] != Int(line) { newLines.removeSubrange(i...) }
                if newLines.count < n { newLines.append(Int(line)) }
                let start = reader.position
                guard reader.skipValue(depth: 0) else { return nil }
                let valueRange = start..<reader.position
                // Yams nodes are not shared between records: their tags resolve lazily, in place,
                // and two records may be read on two threads.
                if i < valueRanges.count, equal(valueRange, valueRanges[i]), ValueTag(rawValue: buffer[start]).map(\.isFlat) == true {
                    newValues.append(values[i])
                } else {
                    reader.position = start
                    guard let value = reader.value(depth: 0) else { return nil }
                    newValues.append(value)
                }
                newKeyRanges.append(keyRange)
                newValueRanges.append(valueRange)
            }
            guard let checklist = reader.byte(), checklist < 2, reader.position == entry.bytes.upperBound else { return nil }
            (keys, lines, values) = (newKeys, newLines, newValues)
            swap(&keyRanges, &newKeyRanges)
            swap(&valueRanges, &newValueRanges)
            return Record(path: path, document: FrontMatterDocument(cachedKeys: keys, values: values, lineIndexes: lines,
                                                                     firstLine: Int(firstLine), originRoot: root, path: path,
                                                                     hasChecklist: checklist == 1))
        }

        private func equal(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
            a.count == b.count && memcmp(buffer.baseAddress! + a.lowerBound, buffer.baseAddress! + b.lowerBound, a.count) == 0
        }
    }

    /// One encoded entry (length prefix included); nil for a record that cannot be cached.
    static func encode(name: String, stamp: FileStamp, record: Record) -> [UInt8]? {
        var out = ByteWriter()
        out.u32(0)  // length, filled in below
        out.string(name)
        out.stamp(stamp)
        let document = record.document
        out.u32(UInt32(document.firstLine))
        out.u32(UInt32(document.keys.count))
        for i in document.keys.indices {
            out.string(document.keys[i])
            out.u32(UInt32(document.lineIndexes[i]))
            guard out.value(document.values[i], depth: 0) else { return nil }
        }
        out.bytes.append(record.hasChecklist ? 1 : 0)
        let length = UInt32(out.bytes.count - 4)
        for i in 0..<4 { out.bytes[i] = UInt8(truncatingIfNeeded: length >> (8 * UInt32(i))) }
        return out.bytes
    }

    /// The whole cache file, with the folder's stamp (nil: not kept) and the names of its files
    /// that have no entry. `entries` passes each encoded entry, in order, to the function it is given.
    static func file(scope: String, folder: FileStamp?, otherNames: [String],
                     entries: ((UnsafeRawBufferPointer) -> Void) -> Void) -> Data {
        var out = ByteWriter()
        out.bytes = Self.magic
        out.string(scope)
        out.stamp(folder ?? FileStamp(size: 0, mtime: 0, ctime: 0, inode: 0))
        out.u32(UInt32(otherNames.count))
        for name in otherNames { out.string(name) }
        let countAt = out.bytes.count
        out.u32(0)  // the entry count, filled in below
        var count: UInt32 = 0
        entries { entry in
            out.bytes.append(contentsOf: entry)
            count += 1
        }
        for i in 0..<4 { out.bytes[countAt + i] = UInt8(truncatingIfNeeded: count >> (8 * UInt32(i))) }
        out.i64(Int64(bitPattern: out.bytes.withUnsafeBytes { checksum($0) }))
        return Data(out.bytes)
    }

    /// FNV-1a over 8-byte words (then the last bytes one by one): catches damage, not attacks.
    static func checksum(_ raw: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let words = raw.count / 8
        for i in 0..<words { hash = (hash ^ raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) &* 0x100_0000_01b3 }
        for i in (words * 8)..<raw.count { hash = (hash ^ UInt64(raw[i])) &* 0x100_0000_01b3 }
        return hash
    }
}

// Value tags in the cache.
private enum ValueTag: UInt8 {
    case plain = 0, single, double, flowList, blockList, scalar, mapping, sequence

    /// A value of plain Swift strings, not a Yams node.
    var isFlat: Bool { rawValue < ValueTag.scalar.rawValue }
}

/// Nodes nested deeper than this are not cached (the decoder recurses).
private let maxCachedDepth = 64

private struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func u32(_ v: UInt32) { for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) } }
    mutating func i64(_ v: Int64) {
        let u = UInt64(bitPattern: v)
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: u >> (8 * UInt64(i)))) }
    }
    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { u32(UInt32($0.count)); bytes.append(contentsOf: $0) }
    }
    mutating func stamp(_ stamp: FileStamp) {
        for v in [stamp.size, stamp.mtime, stamp.ctime, Int64(bitPattern: stamp.inode)] { i64(v) }
    }

    mutating func value(_ value: FieldValue, depth: Int) -> Bool {
        switch value {
        case .plain(let s): bytes.append(ValueTag.plain.rawValue); string(s)
        case .quoted(let s, let double): bytes.append((double ? ValueTag.double : .single).rawValue); string(s)
        case .list(let items, let flow):
            bytes.append((flow ? ValueTag.flowList : .blockList).rawValue)
            u32(UInt32(items.count))
            for item in items where !self.value(item, depth: depth + 1) { return false }
        case .node(let node): return self.node(node, depth: depth)
        }
        return true
    }

    mutating func node(_ node: Node, depth: Int) -> Bool {
        guard depth < maxCachedDepth else { return false }
        switch node {
        case .scalar(let s):
            bytes.append(ValueTag.scalar.rawValue)
            string(s.tag.description)
            u32(s.style.rawValue)
            string(s.string)
        case .mapping(let m):
            bytes.append(ValueTag.mapping.rawValue)
            string(m.tag.description)
            u32(m.style.rawValue)
            u32(UInt32(m.count))
            for (k, v) in m {
                guard self.node(k, depth: depth + 1), self.node(v, depth: depth + 1) else { return false }
            }
        case .sequence(let seq):
            bytes.append(ValueTag.sequence.rawValue)
            string(seq.tag.description)
            u32(seq.style.rawValue)
            u32(UInt32(seq.count))
            for item in seq where !self.node(item, depth: depth + 1) { return false }
        case .alias: return false
        }
        return true
    }
}

private struct ByteReader {
    let buffer: UnsafeBufferPointer<UInt8>
    var position: Int

    mutating func u32() -> UInt32? {
        guard position + 4 <= buffer.count else { return nil }
        defer { position += 4 }
        return UInt32(littleEndian: UnsafeRawBufferPointer(buffer).loadUnaligned(fromByteOffset: position, as: UInt32.self))
    }

    mutating func i64() -> Int64? {
        guard position + 8 <= buffer.count else { return nil }
        defer { position += 8 }
        return Int64(littleEndian: UnsafeRawBufferPointer(buffer).loadUnaligned(fromByteOffset: position, as: Int64.self))
    }

    mutating func stamp() -> FileStamp? {
        guard let size = i64(), let mtime = i64(), let ctime = i64(), let inode = i64() else { return nil }
        return FileStamp(size: size, mtime: mtime, ctime: ctime, inode: UInt64(bitPattern: inode))
    }

    /// Where a length-prefixed string is, without making a String of it.
    mutating func bytes() -> Range<Int>? {
        guard let count = u32(), position + Int(count) <= buffer.count else { return nil }
        defer { position += Int(count) }
        return position..<(position + Int(count))
    }

    mutating func string() -> String? {
        guard let count = u32(), position + Int(count) <= buffer.count else { return nil }
        defer { position += Int(count) }
        return String(decoding: UnsafeBufferPointer(rebasing: buffer[position..<(position + Int(count))]), as: UTF8.self)
    }

    mutating func byte() -> UInt8? {
        guard position < buffer.count else { return nil }
        defer { position += 1 }
        return buffer[position]
    }

    /// Moves past a value without decoding it; false when it does not decode.
    mutating func skipValue(depth: Int) -> Bool {
        guard depth < maxCachedDepth, let raw = byte(), let tag = ValueTag(rawValue: raw) else { return false }
        switch tag {
        case .plain, .single, .double: return bytes() != nil
        case .flowList, .blockList:
            guard let count = u32(), Int(count) <= buffer.count - position else { return false }
            return (0..<count).allSatisfy { _ in skipValue(depth: depth + 1) }
        case .scalar, .mapping, .sequence:
            position -= 1
            return skipNode(depth: depth)
        }
    }

    private mutating func skipNode(depth: Int) -> Bool {
        guard depth < maxCachedDepth, let raw = byte(), let kind = ValueTag(rawValue: raw), bytes() != nil, u32() != nil else { return false }
        switch kind {
        case .scalar: return bytes() != nil
        case .mapping, .sequence:
            guard let count = u32(), Int(count) <= buffer.count - position else { return false }
            return (0..<(kind == .mapping ? 2 * Int(count) : Int(count))).allSatisfy { _ in skipNode(depth: depth + 1) }
        default: return false
        }
    }

    mutating func value(depth: Int) -> FieldValue? {
        guard depth < maxCachedDepth, let raw = byte(), let tag = ValueTag(rawValue: raw) else { return nil }
        switch tag {
        case .plain: return string().map { .plain($0) }
        case .single, .double: return string().map { .quoted($0, double: tag == .double) }
        case .flowList, .blockList:
            guard let count = u32(), Int(count) <= buffer.count - position else { return nil }
            var items: [FieldValue] = []
            items.reserveCapacity(Int(count))
            for _ in 0..<count {
                guard let item = value(depth: depth + 1) else { return nil }
                items.append(item)
            }
            return .list(items, flow: tag == .flowList)
        case .scalar, .mapping, .sequence:
            position -= 1
            return node(depth: depth).map { .node($0) }
        }
    }

    private static func tag(_ name: String) -> Tag {
        Tag(Tag.Name(rawValue: name), .basic, FlatFrontMatter.constructor)
    }

    mutating func node(depth: Int) -> Node? {
        guard depth < maxCachedDepth, let raw = byte(), let kind = ValueTag(rawValue: raw),
              let tagName = string(), let style = u32() else { return nil }
        switch kind {
        case .scalar:
            guard let text = string(), let style = Node.Scalar.Style(rawValue: style) else { return nil }
            return .scalar(Node.Scalar(text, Self.tag(tagName), style))
        case .mapping:
            guard let style = Node.Mapping.Style(rawValue: style), let count = u32(),
                  Int(count) <= buffer.count - position else { return nil }
            var pairs: [(Node, Node)] = []
            pairs.reserveCapacity(Int(count))
            for _ in 0..<count {
                guard let k = node(depth: depth + 1), let v = node(depth: depth + 1) else { return nil }
                pairs.append((k, v))
            }
            return .mapping(Node.Mapping(pairs, Self.tag(tagName), style))
        case .sequence:
            guard let style = Node.Sequence.Style(rawValue: style), let count = u32(),
                  Int(count) <= buffer.count - position else { return nil }
            var items: [Node] = []
            items.reserveCapacity(Int(count))
            for _ in 0..<count {
                guard let item = node(depth: depth + 1) else { return nil }
                items.append(item)
            }
            return .sequence(Node.Sequence(items, Self.tag(tagName), style))
        default: return nil
        }
    }
}

/// A file mapped read-only into memory (and its pages mapped at once); unmapped when released.
/// Only for files that are replaced by renaming, never rewritten in place: a file cut short under
/// a mapping would fault when read.
final class MappedFile: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>

    /// Nil when the file cannot be read or is empty.
    init?(_ path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size > 0, info.st_size < 1 << 31,
              let base = mmap(nil, Int(info.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), base != MAP_FAILED
        else { return nil }
        bytes = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: Int(info.st_size))
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count) }
}

/// A whole file as bytes; nil when it cannot be read.
func readBytes(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0, info.st_size < 1 << 31 else { return nil }
    let size = Int(info.st_size)
    var failed = false
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
        while count < size {
            let n = read(fd, buffer.baseAddress! + count, size - count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { failed = n < 0; break }
            count += n
        }
    }
    return failed || bytes.count != size ? nil : bytes
}
