import Clibgit2
import Foundation

/// One commit as the history engine needs it.
public struct CommitInfo: Codable, Sendable, Equatable {
    /// Full hex id.
    public var id: String
    public var parents: [String]
    public var author: String
    public var email: String
    /// Author time (kept by rebases and cherry-picks, unlike the committer time).
    public var time: Date
    /// The author's offset from UTC in minutes, so dates are the author's local dates.
    public var offsetMinutes: Int
    public var summary: String

    public var short: String { String(id.prefix(7)) }

    /// The author's local date, `YYYY-MM-DD`.
    public var date: String { dayString(time, offsetMinutes: offsetMinutes) }
}

/// `YYYY-MM-DD` of a moment at a UTC offset.
public func dayString(_ time: Date, offsetMinutes: Int = 0) -> String {
    // Fast path: whole days since 1970 in the author's zone (TimeZone takes offsets up to ±18 h).
    let seconds = time.timeIntervalSince1970 + Double(offsetMinutes * 60)
    if abs(offsetMinutes) < 18 * 60, seconds >= 0, seconds < 253_402_300_800 {
        return WorkCalendar.date(Int((seconds / 86_400).rounded(.down)))
    }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(secondsFromGMT: offsetMinutes * 60) ?? TimeZone(identifier: "UTC")!
    let c = calendar.dateComponents([.year, .month, .day], from: time)
    return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
}

/// A tree object's bytes: entries of `<octal mode> <name>\0<20-byte id>`, in git's tree order.
final class RawTree {
    private let object: OpaquePointer
    let bytes: UnsafeBufferPointer<UInt8>

    /// Takes over a `git_odb_object` of a tree.
    init(_ object: OpaquePointer) {
        self.object = object
        bytes = UnsafeBufferPointer(start: git_odb_object_data(object)?.assumingMemoryBound(to: UInt8.self), count: git_odb_object_size(object))
    }
    deinit { git_odb_object_free(object) }

    struct Entry {
        var isTree: Bool
        /// The name as stored (not always UTF-8), and as text.
        var nameBytes: [UInt8]
        var name: String { String(decoding: nameBytes, as: UTF8.self) }
        var id: OID
        /// Bytes of the whole entry.
        var length: Int

        /// Git's tree order: names byte by byte, a folder's name as if it ended in `/`.
        static func treeOrder(_ a: Entry, _ b: Entry) -> Int {
            let (na, nb) = (a.nameBytes, b.nameBytes)
            for (x, y) in zip(na, nb) where x != y { return Int(x) - Int(y) }
            func next(_ name: [UInt8], _ entry: Entry, _ common: Int) -> Int {
                name.count > common ? Int(name[common]) : (entry.isTree ? 0x2F : 0)
            }
            let common = min(na.count, nb.count)
            return next(na, a, common) - next(nb, b, common)
        }
    }

    /// Where each entry starts, then the tree's length: worked out by `Repository.diffTrees` when
    /// this tree was a diff's new side, else by reading every entry.
    var starts: [Int32]?

    func entryStarts() throws -> [Int32] {
        if let starts { return starts }
        var found: [Int32] = []
        var at = 0
        while at < bytes.count {
            guard let length = entryLength(at: at) else { throw GitError(message: "a tree is damaged") }
            found.append(Int32(at))
            at += length
        }
        found.append(Int32(at))
        starts = found
        return found
    }

    /// The length of the entry at `offset`; nil when it runs past the end.
    func entryLength(at offset: Int) -> Int? {
        guard let start = bytes.baseAddress, let nul = memchr(start + offset, 0, bytes.count - offset) else { return nil }
        let length = (start + offset).distance(to: nul.assumingMemoryBound(to: UInt8.self)) + 1 + 20
        return offset + length <= bytes.count ? length : nil
    }

    /// The entry at `offset`.
    func entry(at offset: Int) throws -> Entry {
        guard let length = entryLength(at: offset), let space = bytes[offset...].firstIndex(of: 0x20),
              space < offset + length - 21 else { throw GitError(message: "a tree is damaged") }
        let nameEnd = offset + length - 21
        var id = git_oid()
        withUnsafeMutableBytes(of: &id) { $0.copyMemory(from: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[(nameEnd + 1)..<(nameEnd + 21)]))) }
        // The mode in octal, as libgit2 reads it: a folder is 40000 (some old tools wrote 040000).
        var mode = 0
        for digit in bytes[offset..<space] {
            guard digit >= 0x30, digit <= 0x37 else { throw GitError(message: "a tree is damaged") }
            mode = mode * 8 + Int(digit - 0x30)
        }
        return Entry(isTree: mode & 0o170000 == 0o40000, nameBytes: Array(bytes[(space + 1)..<nameEnd]), id: OID(id), length: length)
    }
}

/// How many bytes two buffers of at least `count` bytes have the same from their start.
func commonPrefix(_ p: UnsafePointer<UInt8>, _ q: UnsafePointer<UInt8>, _ count: Int) -> Int {
    var at = 0
    for block in [4096, 64] {
        while count - at >= block, memcmp(p + at, q + at, block) == 0 { at += block }
    }
    while at < count, p[at] == q[at] { at += 1 }
    return at
}

/// Which version of the files a diff side reads.
public enum TreeSide: Equatable, Sendable {
    /// The tree of a commit; nil is the empty tree.
    case commit(OID?)
    /// The staged version (the index).
    case index
    /// The files on disk.
    case workdir
}

/// A file that differs between two sides. Paths are relative to the work tree.
public struct FileChange: Sendable, Equatable {
    public var oldPath: String?
    public var newPath: String?
    /// Blob ids; nil when the side has no file or (for the work tree) the id is not known.
    public var oldBlob: OID?
    public var newBlob: OID?
}

extension Repository {
    /// Resolves a revision (`HEAD`, `main~2`, a short id, a tag) to a commit id.
    public func resolve(_ revision: String) throws -> OID {
        var object: OpaquePointer?
        try GitError.check(git_revparse_single(&object, pointer, revision), "unknown revision \(revision)")
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        try GitError.check(git_object_peel(&commit, object, GIT_OBJECT_COMMIT), "\(revision) is not a commit")
        defer { git_object_free(commit) }
        return OID(git_object_id(commit).pointee)
    }

    /// A commit's parents, author, time and subject.
    public func commitInfo(_ oid: OID) throws -> CommitInfo {
        var raw = oid.raw
        var commit: OpaquePointer?
        try GitError.check(git_commit_lookup(&commit, pointer, &raw), "cannot read commit \(oid.short)")
        defer { git_commit_free(commit) }
        let parents = (0..<git_commit_parentcount(commit)).compactMap { git_commit_parent_id(commit, $0) }
            .map { OID($0.pointee).hex }
        let author = git_commit_author(commit)!.pointee
        let summary = git_commit_summary(commit).map { String(cString: $0) } ?? ""
        return CommitInfo(id: oid.hex, parents: parents, author: String(cString: author.name),
                          email: String(cString: author.email),
                          time: Date(timeIntervalSince1970: TimeInterval(author.when.time)),
                          offsetMinutes: Int(author.when.offset), summary: summary)
    }

    /// Commits reachable from `tip`, oldest first (parents before children, then by time), leaving out those reachable from `hidden`.
    /// `firstParent` follows only the first parent of merges (the branch's own line).
    /// Refuses a shallow clone (`git clone --depth`), whose walks would stop at commits whose parents
    /// are missing: history reports need the whole history.
    func requireFullHistory() throws {
        guard git_repository_is_shallow(pointer) == 1 else { return }
        throw BoardError.usage("this is a shallow clone, so its history is incomplete; run `git fetch --unshallow` first")
    }

    public func walk(from tip: OID, hiding hidden: OID? = nil, firstParent: Bool = true) throws -> [OID] {
        var walker: OpaquePointer?
        try GitError.check(git_revwalk_new(&walker, pointer), "cannot walk history")
        defer { git_revwalk_free(walker) }
        try GitError.check(git_revwalk_sorting(walker, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue | GIT_SORT_REVERSE.rawValue),
                           "cannot sort history")
        if firstParent { try GitError.check(git_revwalk_simplify_first_parent(walker), "cannot walk history") }
        var start = tip.raw
        try GitError.check(git_revwalk_push(walker, &start), "cannot walk from \(tip.short)")
        if var hide = hidden?.raw { try GitError.check(git_revwalk_hide(walker, &hide), "cannot walk history") }
        var out: [OID] = []
        var next = git_oid()
        while true {
            let rc = git_revwalk_next(&next, walker)
            if rc == GIT_ITEROVER.rawValue { git_error_clear(); break }
            try GitError.check(rc, "cannot walk history")
            out.append(OID(next))
        }
        return out
    }

    /// True when `commit` is `ancestor` or a descendant of it.
    public func contains(_ commit: OID, ancestor: OID) -> Bool {
        if commit == ancestor { return true }
        var a = commit.raw, b = ancestor.raw
        return (try? GitError.check(git_graph_descendant_of(pointer, &a, &b), "cannot compare commits")) == 1
    }

    /// The files that differ between two sides under the given folders (work-tree relative,
    /// e.g. `backlog/`), with `git mv` renames found by similarity.
    public func changes(from old: TreeSide, to new: TreeSide, under folders: [String]) throws -> [FileChange] {
        if case .commit(let a) = old, case .commit(let b) = new, let found = try treeChanges(from: a, to: b, under: folders) {
            return found
        }
        return try diffChanges(from: old, to: new, under: folders)
    }

    /// `changes` through libgit2's diff, with its rename detection.
    func diffChanges(from old: TreeSide, to new: TreeSide, under folders: [String]) throws -> [FileChange] {
        var options = git_diff_options()
        try GitError.check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "cannot set up a diff")
        options.flags = GIT_DIFF_INCLUDE_UNTRACKED.rawValue | GIT_DIFF_RECURSE_UNTRACKED_DIRS.rawValue
            | GIT_DIFF_SKIP_BINARY_CHECK.rawValue
        let specs = folders.map { strdup($0) }
        defer { specs.forEach { free($0) } }
        var diff: OpaquePointer?
        try specs.withUnsafeBufferPointer { buffer in
            options.pathspec = git_strarray(strings: UnsafeMutablePointer(mutating: buffer.baseAddress), count: buffer.count)
            let oldTree = try treePointer(old)
            defer { git_tree_free(oldTree) }
            switch new {
            case .commit(let oid):
                let newTree = try treePointer(.commit(oid))
                defer { git_tree_free(newTree) }
                try GitError.check(git_diff_tree_to_tree(&diff, pointer, oldTree, newTree, &options), "cannot diff")
            case .index:
                // During `git commit -a` or `git commit PATH`, git points hooks at a temporary index.
                var index: OpaquePointer?
                if let file = ProcessInfo.processInfo.environment["GIT_INDEX_FILE"], !file.isEmpty {
                    let path = file.hasPrefix("/") ? file : (workdir ?? gitDir) + file
                    try GitError.check(git_index_open(&index, path), "cannot open the index \(path)")
                } else {
                    try GitError.check(git_repository_index(&index, pointer), "cannot open the index")
                }
                defer { git_index_free(index) }
                try GitError.check(git_diff_tree_to_index(&diff, pointer, oldTree, index, &options), "cannot diff the index")
            case .workdir:
                try GitError.check(git_diff_tree_to_workdir_with_index(&diff, pointer, oldTree, &options),
                                   "cannot diff the work tree")
            }
        }
        defer { git_diff_free(diff) }
        var find = git_diff_find_options()
        try GitError.check(git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)), "cannot set up rename detection")
        find.flags = GIT_DIFF_FIND_RENAMES.rawValue | GIT_DIFF_FIND_FOR_UNTRACKED.rawValue
        try GitError.check(git_diff_find_similar(diff, &find), "cannot find renames")
        var out: [FileChange] = []
        for i in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, i)?.pointee else { continue }
            let status = delta.status
            if status == GIT_DELTA_UNMODIFIED || status == GIT_DELTA_IGNORED { continue }
            func blob(_ file: git_diff_file) -> OID? {
                var id = file.id
                return git_oid_is_zero(&id) == 1 ? nil : OID(id)
            }
            let hasOld = status != GIT_DELTA_ADDED && status != GIT_DELTA_UNTRACKED
            let hasNew = status != GIT_DELTA_DELETED
            out.append(FileChange(oldPath: hasOld ? String(cString: delta.old_file.path) : nil,
                                  newPath: hasNew ? String(cString: delta.new_file.path) : nil,
                                  oldBlob: hasOld ? blob(delta.old_file) : nil,
                                  newBlob: hasNew ? blob(delta.new_file) : nil))
        }
        return out
    }

    /// Commit-to-commit changes read straight from the trees, as git's own tree diff does: only
    /// differing subtrees are opened and entries are walked in tree order, with no pathspec
    /// matching per entry (libgit2's diff spent most of a history walk there). The folders' trees are
    /// compared as raw bytes (`RawTree`): parsing a 10,000-entry tree and reading it back entry by
    /// entry through libgit2 cost more than the comparison. Nil, to let libgit2 do it, when a commit
    /// both adds and deletes files (renames are found by similarity there) or a folder is not a folder.
    func treeChanges(from old: OID?, to new: OID?, under folders: [String]) throws -> [FileChange]? {
        let oldRoot = try treePointer(.commit(old))
        defer { git_tree_free(oldRoot) }
        let newRoot = try treePointer(.commit(new))
        defer { git_tree_free(newRoot) }
        var out: [FileChange] = []
        var kept: [OID: RawTree] = [:]
        defer { recentTrees = kept }
        func read(_ oid: OID?) throws -> RawTree? {
            guard let oid else { return nil }
            return try recentTrees[oid] ?? rawTree(oid)
        }
        for folder in folders.sorted() {
            guard let a = try subtree(oldRoot, folder), let b = try subtree(newRoot, folder) else { return nil }
            if a == b {
                if let b, let tree = recentTrees[b] { kept[b] = tree }
                continue
            }
            let new = try read(b)
            if let b { kept[b] = new }
            try diffTrees(try read(a), new, prefix: folder + "/", into: &out)
        }
        let adds = out.contains { $0.oldPath == nil }, deletes = out.contains { $0.newPath == nil }
        return adds && deletes ? nil : out
    }

    /// The id of the tree at `path` in `root`: `.some(nil)` when there is none, nil when the path is not a folder.
    private func subtree(_ root: OpaquePointer?, _ path: String) throws -> OID?? {
        guard let root else { return .some(nil) }
        var entry: OpaquePointer?
        let rc = git_tree_entry_bypath(&entry, root, path)
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return .some(nil) }
        try GitError.check(rc, "cannot read \(path)")
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else { return nil }
        return .some(OID(git_tree_entry_id(entry).pointee))
    }

    /// A tree object's bytes, as libgit2's object database holds them.
    func rawTree(_ oid: OID) throws -> RawTree {
        var raw = oid.raw
        var object: OpaquePointer?
        try GitError.check(git_odb_read(&object, try odb(), &raw), "cannot read a tree")
        guard git_odb_object_type(object) == GIT_OBJECT_TREE else {
            git_odb_object_free(object)
            throw GitError(message: "\(oid.short) is not a tree")
        }
        return RawTree(object!)
    }

    /// Appends the files that differ between two trees (either may be nil: empty), in path order.
    /// Identical bytes are skipped a block at a time (most of a folder's tree is the same from one
    /// commit to the next); the old tree's entry offsets tell which entries they cover, and the new
    /// tree keeps its own offsets for the next diff, whose old side it is in a history walk.
    private func diffTrees(_ a: RawTree?, _ b: RawTree?, prefix: String, into out: inout [FileChange]) throws {
        let starts = try a?.entryStarts() ?? [0]
        var newStarts: [Int32] = []
        newStarts.reserveCapacity(starts.count + 8)
        var i = 0, j = 0, k = 0
        let countA = a?.bytes.count ?? 0, countB = b?.bytes.count ?? 0
        while i < countA || j < countB {
            if let a, let b, i < countA, j < countB {
                let end = Int32(i + commonPrefix(a.bytes.baseAddress! + i, b.bytes.baseAddress! + j, min(countA - i, countB - j)))
                // The old entries that end within the same bytes are in the new tree too, moved by j - i.
                var low = k, high = starts.count - 1
                while low < high {
                    let mid = (low + high + 1) / 2
                    if starts[mid] <= end { low = mid } else { high = mid - 1 }
                }
                if low > k {
                    let shift = Int32(j - i)
                    for n in k..<low { newStarts.append(starts[n] &+ shift) }
                    j += Int(starts[low]) - i
                    i = Int(starts[low])
                    k = low
                    if i == countA, j == countB { break }
                }
            }
            let ea = i < countA ? try a!.entry(at: i) : nil, eb = j < countB ? try b!.entry(at: j) : nil
            let order = ea.flatMap { ea in eb.map { eb in RawTree.Entry.treeOrder(ea, eb) } } ?? (ea == nil ? 1 : -1)
            if order <= 0, let ea {
                i += ea.length
                k += 1
            }
            if order >= 0, let eb {
                newStarts.append(Int32(j))
                j += eb.length
            }
            if order < 0 {
                try side(ea!, prefix: prefix, old: true, into: &out)
            } else if order > 0 {
                try side(eb!, prefix: prefix, old: false, into: &out)
            } else {
                let (ea, eb) = (ea!, eb!)
                let name = prefix + ea.name
                switch (ea.isTree, eb.isTree) {
                case (true, true): try diffTrees(try rawTree(ea.id), try rawTree(eb.id), prefix: name + "/", into: &out)
                case (false, false): out.append(FileChange(oldPath: name, newPath: name, oldBlob: ea.id, newBlob: eb.id))
                default:
                    try side(ea, prefix: prefix, old: true, into: &out)
                    try side(eb, prefix: prefix, old: false, into: &out)
                }
            }
        }
        newStarts.append(Int32(countB))
        b?.starts = newStarts
    }

    /// An entry only one side has: a deleted (old) or added file, or every file of such a folder.
    private func side(_ entry: RawTree.Entry, prefix: String, old: Bool, into out: inout [FileChange]) throws {
        let name = prefix + entry.name
        if entry.isTree {
            let tree = try rawTree(entry.id)
            try diffTrees(old ? tree : nil, old ? nil : tree, prefix: name + "/", into: &out)
        } else {
            out.append(old ? FileChange(oldPath: name, newPath: nil, oldBlob: entry.id, newBlob: nil)
                           : FileChange(oldPath: nil, newPath: name, oldBlob: nil, newBlob: entry.id))
        }
    }

    /// The tree of a side that has one (a commit); nil for the empty tree.
    func treePointer(_ side: TreeSide) throws -> OpaquePointer? {
        guard case .commit(let oid?) = side else { return nil }
        var raw = oid.raw
        var commit: OpaquePointer?
        try GitError.check(git_commit_lookup(&commit, pointer, &raw), "cannot read commit \(oid.short)")
        defer { git_commit_free(commit) }
        var tree: OpaquePointer?
        try GitError.check(git_commit_tree(&tree, commit), "cannot read the tree of \(oid.short)")
        return tree
    }

    /// The content of a blob.
    public func blob(_ oid: OID) throws -> Data {
        var raw = oid.raw
        var blob: OpaquePointer?
        try GitError.check(git_blob_lookup(&blob, pointer, &raw), "cannot read blob \(oid.short)")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let bytes = git_blob_rawcontent(blob) else { return Data() }
        return Data(bytes: bytes, count: size)
    }

    /// The content of a work-tree-relative path at a side; nil when there is no such file.
    public func file(_ path: String, at side: TreeSide) throws -> Data? {
        let found = try changes(from: .commit(nil), to: side, under: [path])
        guard let change = found.first(where: { $0.newPath == path }) else { return nil }
        if let blob = change.newBlob, side != .workdir { return try self.blob(blob) }
        return workdir.flatMap { FileManager.default.contents(atPath: $0 + path) }
    }
}
