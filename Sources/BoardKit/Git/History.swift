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
    /// matching per entry (libgit2's diff spent most of a history walk there). Nil, to let libgit2
    /// do it, when a commit both adds and deletes files (renames are found by similarity there)
    /// or a folder is not a folder.
    func treeChanges(from old: OID?, to new: OID?, under folders: [String]) throws -> [FileChange]? {
        let oldRoot = try treePointer(.commit(old))
        defer { git_tree_free(oldRoot) }
        let newRoot = try treePointer(.commit(new))
        defer { git_tree_free(newRoot) }
        var out: [FileChange] = []
        for folder in folders.sorted() {
            guard let a = try subtree(oldRoot, folder) else { return nil }
            defer { git_tree_free(a) }
            guard let b = try subtree(newRoot, folder) else { return nil }
            defer { git_tree_free(b) }
            try diffTrees(a, b, prefix: folder + "/", into: &out)
        }
        let adds = out.contains { $0.oldPath == nil }, deletes = out.contains { $0.newPath == nil }
        return adds && deletes ? nil : out
    }

    /// The tree at `path` in `root`: `.some(nil)` when there is none, nil when the path is not a folder.
    private func subtree(_ root: OpaquePointer?, _ path: String) throws -> OpaquePointer?? {
        guard let root else { return .some(nil) }
        var entry: OpaquePointer?
        let rc = git_tree_entry_bypath(&entry, root, path)
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return .some(nil) }
        try GitError.check(rc, "cannot read \(path)")
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else { return nil }
        return .some(try lookupTree(entry!))
    }

    /// Appends the files that differ between two trees (either may be nil: empty), in path order.
    private func diffTrees(_ a: OpaquePointer?, _ b: OpaquePointer?, prefix: String, into out: inout [FileChange]) throws {
        if let a, let b, git_oid_equal(git_tree_id(a), git_tree_id(b)) == 1 { return }
        let countA = a.map(git_tree_entrycount) ?? 0, countB = b.map(git_tree_entrycount) ?? 0
        var i = 0, j = 0
        while i < countA || j < countB {
            let ea = i < countA ? git_tree_entry_byindex(a, i) : nil
            let eb = j < countB ? git_tree_entry_byindex(b, j) : nil
            // Most entries are the same on both sides: same id, mode and name.
            if let ea, let eb, git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) == 1,
               git_tree_entry_filemode(ea) == git_tree_entry_filemode(eb),
               strcmp(git_tree_entry_name(ea), git_tree_entry_name(eb)) == 0 {
                i += 1
                j += 1
                continue
            }
            let order = ea.flatMap { ea in eb.map { eb in Self.treeOrder(ea, eb) } } ?? (ea == nil ? 1 : -1)
            if order < 0 {
                try side(ea!, prefix: prefix, old: true, into: &out)
                i += 1
            } else if order > 0 {
                try side(eb!, prefix: prefix, old: false, into: &out)
                j += 1
            } else {
                i += 1
                j += 1
                let (ea, eb) = (ea!, eb!)
                let name = prefix + String(cString: git_tree_entry_name(ea))
                switch (git_tree_entry_type(ea) == GIT_OBJECT_TREE, git_tree_entry_type(eb) == GIT_OBJECT_TREE) {
                case (true, true):
                    let ta = try lookupTree(ea)
                    defer { git_tree_free(ta) }
                    let tb = try lookupTree(eb)
                    defer { git_tree_free(tb) }
                    try diffTrees(ta, tb, prefix: name + "/", into: &out)
                case (false, false):
                    out.append(FileChange(oldPath: name, newPath: name, oldBlob: OID(git_tree_entry_id(ea).pointee),
                                          newBlob: OID(git_tree_entry_id(eb).pointee)))
                default:
                    try side(ea, prefix: prefix, old: true, into: &out)
                    try side(eb, prefix: prefix, old: false, into: &out)
                }
            }
        }
    }

    /// An entry only one side has: a deleted (old) or added file, or every file of such a folder.
    private func side(_ entry: OpaquePointer, prefix: String, old: Bool, into out: inout [FileChange]) throws {
        let name = prefix + String(cString: git_tree_entry_name(entry))
        if git_tree_entry_type(entry) == GIT_OBJECT_TREE {
            let tree = try lookupTree(entry)
            defer { git_tree_free(tree) }
            try diffTrees(old ? tree : nil, old ? nil : tree, prefix: name + "/", into: &out)
        } else {
            let blob = OID(git_tree_entry_id(entry).pointee)
            out.append(old ? FileChange(oldPath: name, newPath: nil, oldBlob: blob, newBlob: nil)
                           : FileChange(oldPath: nil, newPath: name, oldBlob: nil, newBlob: blob))
        }
    }

    private func lookupTree(_ entry: OpaquePointer) throws -> OpaquePointer? {
        var tree: OpaquePointer?
        try GitError.check(git_tree_lookup(&tree, pointer, git_tree_entry_id(entry)), "cannot read a tree")
        return tree
    }

    /// Git's tree order: names byte by byte, a folder's name as if it ended in `/`.
    private static func treeOrder(_ a: OpaquePointer, _ b: OpaquePointer) -> Int {
        let (na, nb) = (git_tree_entry_name(a)!, git_tree_entry_name(b)!)
        let (la, lb) = (strlen(na), strlen(nb))
        let common = min(la, lb)
        let c = memcmp(na, nb, common)
        if c != 0 { return Int(c) }
        func next(_ name: UnsafePointer<CChar>, _ length: Int, _ entry: OpaquePointer) -> Int {
            length > common ? Int(UInt8(bitPattern: name[common])) : (git_tree_entry_type(entry) == GIT_OBJECT_TREE ? 0x2F : 0)
        }
        return next(na, la, a) - next(nb, lb, b)
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
