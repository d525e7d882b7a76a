import Clibgit2
import Foundation

/// Initialises libgit2 once per process.
let libgit2Initialised: Bool = {
    git_libgit2_init()
    // libgit2 caches no tree over 4 KiB by default, so a history walk re-read (and re-inflated) the
    // 10,000-entry backlog tree of every parent it had just read as a child (docs/benchmarks.md).
    // The whole cache is capped at 32 MiB (default 256 MiB) to keep a long walk's memory down.
    _ = try? GitError.check(board_git_set_tree_cache_limit(16 << 20), "cannot set the tree cache limit")
    _ = try? GitError.check(board_git_set_cache_max_size(32 << 20), "cannot set the object cache size")
    // libgit2 hashes every object it reads to check it against its id; git does not (fsck does).
    // Over 5,000 commits that was SHA-1 of 2.5 GB of backlog trees, ~45 % of a cold history walk.
    _ = try? GitError.check(board_git_set_strict_hash_verification(0), "cannot turn off hash verification")
    return true
}()

/// A Git object id.
public struct OID: Hashable, Sendable, CustomStringConvertible {
    var raw: git_oid

    init(_ raw: git_oid) { self.raw = raw }

    public init?(hex: String) {
        var oid = git_oid()
        guard hex.count == 40, git_oid_fromstr(&oid, hex) == 0 else { return nil }
        raw = oid
    }

    public var hex: String {
        var copy = raw
        var buffer = [CChar](repeating: 0, count: 41)
        git_oid_tostr(&buffer, 41, &copy)
        return String(decoding: buffer.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public var short: String { String(hex.prefix(7)) }
    public var description: String { hex }

    public static func == (a: OID, b: OID) -> Bool {
        var x = a.raw, y = b.raw
        return git_oid_cmp(&x, &y) == 0
    }

    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes(of: raw) { hasher.combine(bytes: $0) }
    }
}

/// Where HEAD points.
public enum Head: Equatable, Sendable {
    /// A branch with no commit yet; the name is the full ref name.
    case unborn(ref: String)
    case branch(ref: String, commit: OID)
    case detached(commit: OID)

    public var commit: OID? {
        switch self {
        case .unborn: return nil
        case .branch(_, let c), .detached(let c): return c
        }
    }
}

/// Who made a commit and when.
public struct Signature: Sendable, Equatable {
    public var name: String
    public var email: String
    public var time: Date
    /// Offset from UTC in minutes.
    public var offsetMinutes: Int

    public init(name: String, email: String, time: Date, offsetMinutes: Int = 0) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }
}

/// A Git repository opened through libgit2. Owns the `git_repository` pointer.
public final class Repository {
    let pointer: OpaquePointer

    /// The object database, opened on first use (`odb()`).
    private var objects: OpaquePointer?

    /// The folders' trees on the new side of the last commit-to-commit diff (`treeChanges`), by id:
    /// in a history walk they are the next diff's old side.
    var recentTrees: [OID: RawTree] = [:]

    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit {
        git_odb_free(objects)
        git_repository_free(pointer)
    }

    /// The repository's object database.
    func odb() throws -> OpaquePointer {
        if let objects { return objects }
        var odb: OpaquePointer?
        try GitError.check(git_repository_odb(&odb, pointer), "cannot open the object database")
        objects = odb
        return odb!
    }

    /// Opens the repository containing `path`, searching parent folders like git does.
    public static func discover(from path: String) throws -> Repository {
        _ = libgit2Initialised
        var repo: OpaquePointer?
        try GitError.check(git_repository_open_ext(&repo, path, 0, nil), "no Git repository at or above \(path)")
        return Repository(repo!)
    }

    /// Creates a repository (with a work tree) whose first branch is `main`.
    public static func create(at path: String) throws -> Repository {
        _ = libgit2Initialised
        var options = git_repository_init_options()
        git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION))
        options.flags = GIT_REPOSITORY_INIT_MKPATH.rawValue
        var repo: OpaquePointer?
        let rc = "main".withCString { head -> Int32 in
            options.initial_head = head
            return git_repository_init_ext(&repo, path, &options)
        }
        try GitError.check(rc, "cannot create a Git repository at \(path)")
        return Repository(repo!)
    }

    /// The work tree folder, ending in `/`; nil for a bare repository.
    public var workdir: String? {
        git_repository_workdir(pointer).map { String(cString: $0) }
    }

    /// The `.git` folder, ending in `/`.
    public var gitDir: String { String(cString: git_repository_path(pointer)) }

    /// The folder the work trees of a repository share (hooks, config, objects), ending in `/`:
    /// `gitDir` except in a linked work tree (`git worktree add`).
    public var commonDir: String { String(cString: git_repository_commondir(pointer)) }

    /// Opens a `.git` folder directly (another handle on the same repository, e.g. for another thread).
    public static func open(gitDir: String) throws -> Repository {
        _ = libgit2Initialised
        var repo: OpaquePointer?
        try GitError.check(git_repository_open(&repo, gitDir), "cannot open the repository \(gitDir)")
        return Repository(repo!)
    }

    /// True when libgit2 was built thread-safe (one handle per thread is then allowed).
    public static var threadSafe: Bool {
        _ = libgit2Initialised
        return git_libgit2_features() & Int32(GIT_FEATURE_THREADS.rawValue) != 0
    }

    /// The operation in progress (merge, rebase, ...), or nil when there is none.
    public var operationInProgress: String? {
        switch git_repository_state(pointer) {
        case Int32(GIT_REPOSITORY_STATE_NONE.rawValue): return nil
        case Int32(GIT_REPOSITORY_STATE_MERGE.rawValue): return "a merge"
        case Int32(GIT_REPOSITORY_STATE_REVERT.rawValue), Int32(GIT_REPOSITORY_STATE_REVERT_SEQUENCE.rawValue): return "a revert"
        case Int32(GIT_REPOSITORY_STATE_CHERRYPICK.rawValue), Int32(GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE.rawValue): return "a cherry-pick"
        case Int32(GIT_REPOSITORY_STATE_BISECT.rawValue): return "a bisect"
        default: return "a rebase or patch application"
        }
    }

    public func head() throws -> Head {
        var ref: OpaquePointer?
        let rc = git_repository_head(&ref, pointer)
        if rc == GIT_EUNBORNBRANCH.rawValue || rc == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            var symbolic: OpaquePointer?
            try GitError.check(git_reference_lookup(&symbolic, pointer, "HEAD"), "cannot read HEAD")
            defer { git_reference_free(symbolic) }
            let target = git_reference_symbolic_target(symbolic).map { String(cString: $0) } ?? "refs/heads/main"
            return .unborn(ref: target)
        }
        try GitError.check(rc, "cannot read HEAD")
        defer { git_reference_free(ref) }
        guard let target = git_reference_target(ref) else {
            throw GitError(code: -1, context: "HEAD does not point at a commit")
        }
        let oid = OID(target.pointee)
        if git_repository_head_detached(pointer) == 1 { return .detached(commit: oid) }
        return .branch(ref: String(cString: git_reference_name(ref)), commit: oid)
    }

    /// Reads a configuration value (e.g. `user.name`), or nil when unset.
    public func config(_ key: String) -> String? {
        var config: OpaquePointer?
        guard git_repository_config_snapshot(&config, pointer) == 0 else { git_error_clear(); return nil }
        defer { git_config_free(config) }
        var value: UnsafePointer<CChar>?
        guard git_config_get_string(&value, config, key) == 0, let value else { git_error_clear(); return nil }
        return String(cString: value)
    }

    /// The author for new commits: `GIT_AUTHOR_*` from the environment if set,
    /// else `user.name` and `user.email` from git config.
    public func signature(environment: [String: String] = ProcessInfo.processInfo.environment,
                          role: String = "AUTHOR") throws -> Signature {
        let name = environment["GIT_\(role)_NAME"] ?? config("user.name")
        let email = environment["GIT_\(role)_EMAIL"] ?? config("user.email")
        guard let name, !name.isEmpty, let email, !email.isEmpty else {
            throw BoardError.usage("no commit author: set it with `git config user.name \"Your Name\"` and `git config user.email you@example.com` (or use --no-commit)")
        }
        var time = Date()
        var offset = TimeZone.current.secondsFromGMT() / 60
        if let raw = environment["GIT_\(role)_DATE"], let parsed = Self.parseGitDate(raw) {
            time = parsed.0
            offset = parsed.1
        }
        return Signature(name: name, email: email, time: time, offsetMinutes: offset)
    }

    /// Parses `@1700000000 +0100`, `1700000000 +0100` or an ISO 8601 date-time.
    static func parseGitDate(_ raw: String) -> (Date, Int)? {
        let parts = raw.trimmingCharacters(in: .whitespaces).split(separator: " ")
        if let first = parts.first, let seconds = Double(first.hasPrefix("@") ? first.dropFirst() : first) {
            var offset = 0
            if parts.count > 1, let tz = Int(parts[1]) {
                offset = (tz / 100) * 60 + (tz % 100)
            }
            return (Date(timeIntervalSince1970: seconds), offset)
        }
        if let date = ISO8601DateFormatter().date(from: raw) { return (date, 0) }
        return nil
    }

    /// Commits `changes` (paths relative to the work tree; nil content deletes
    /// the path) on top of HEAD's tree, leaving every other path as HEAD has
    /// it. The branch is moved by compare-and-swap; `GitError.isModified` means
    /// someone else moved it first. When `updateIndex` is true, the user's
    /// index is updated for exactly these paths, so `git status` stays clean
    /// for them and untouched for everything else. Changes that leave HEAD's tree as it is make
    /// no (empty) commit: HEAD's id is returned.
    @discardableResult
    /// `keepingWorkTree`: paths whose work-tree file is not what is committed (the user's own
    /// changes are in it, uncommitted): the index gets the committed version, so they stay unstaged.
    /// When the index cannot be written, the branch is put back and the error thrown: nothing lands.
    public func commit(changes: [String: Data?], message: String, author: Signature,
                       committer: Signature? = nil, updateIndex: Bool = true, keepingWorkTree: Set<String> = []) throws -> OID {
        let head = try head()
        var parent: OpaquePointer?
        if let oid = head.commit {
            var raw = oid.raw
            try GitError.check(git_commit_lookup(&parent, pointer, &raw), "cannot read HEAD commit")
        }
        defer { if parent != nil { git_commit_free(parent) } }

        var index: OpaquePointer?
        try GitError.check(git_index_new(&index), "cannot create an index")
        defer { git_index_free(index) }
        if let parent {
            var tree: OpaquePointer?
            try GitError.check(git_commit_tree(&tree, parent), "cannot read HEAD tree")
            defer { git_tree_free(tree) }
            try GitError.check(git_index_read_tree(index, tree), "cannot read HEAD tree")
        }
        var blobs: [String: git_oid] = [:]
        for (path, data) in changes.sorted(by: { $0.key < $1.key }) {
            if let data {
                var blob = git_oid()
                _ = try data.withUnsafeBytes { bytes in
                    try GitError.check(git_blob_create_from_buffer(&blob, pointer, bytes.baseAddress, bytes.count),
                                       "cannot store \(path)")
                }
                blobs[path] = blob
                try Self.add(blob, at: path, to: index)
            } else if git_index_get_bypath(index, path, 0) != nil {
                try GitError.check(git_index_remove(index, path, 0), "cannot remove \(path)")
            }
        }
        var treeID = git_oid()
        try GitError.check(git_index_write_tree_to(&treeID, index, pointer), "cannot write tree")
        if let parent, let oid = head.commit, git_oid_equal(git_commit_tree_id(parent), &treeID) != 0 {
            if updateIndex { try stage(paths: Array(changes.keys), blobs: blobs.filter { keepingWorkTree.contains($0.key) }) }
            return oid
        }
        var tree: OpaquePointer?
        try GitError.check(git_tree_lookup(&tree, pointer, &treeID), "cannot read new tree")
        defer { git_tree_free(tree) }

        let authorSig = try makeSignature(author)
        defer { git_signature_free(authorSig) }
        let committerSig = try makeSignature(committer ?? author)
        defer { git_signature_free(committerSig) }

        var commitID = git_oid()
        var parents: [OpaquePointer?] = parent.map { [$0] } ?? []
        _ = try parents.withUnsafeMutableBufferPointer { buffer in
            try GitError.check(
                git_commit_create(&commitID, pointer, nil, authorSig, committerSig, nil, message, tree,
                                  buffer.count, buffer.baseAddress),
                "cannot create commit")
        }

        let refName: String
        switch head {
        case .unborn(let ref), .branch(let ref, _): refName = ref
        case .detached: refName = "HEAD"
        }
        var newRef: OpaquePointer?
        let logMessage = "commit: " + (message.split(separator: "\n").first.map(String.init) ?? "")
        let rc: Int32
        if var current = head.commit?.raw {
            rc = git_reference_create_matching(&newRef, pointer, refName, &commitID, 1, &current, logMessage)
        } else {
            rc = git_reference_create(&newRef, pointer, refName, &commitID, 0, logMessage)
            if rc == GIT_EEXISTS.rawValue {
                git_error_clear()
                throw GitError(code: GIT_EMODIFIED.rawValue, context: "\(refName) was created by another process")
            }
        }
        try GitError.check(rc, "cannot update \(refName)")
        git_reference_free(newRef)

        guard updateIndex else { return OID(commitID) }
        do {
            try stage(paths: Array(changes.keys), blobs: blobs.filter { keepingWorkTree.contains($0.key) })
        } catch {
            // Put the branch back, so the index and HEAD still agree: only if it still points at this commit.
            var undone: OpaquePointer?
            var rc: Int32 = -1
            if var previous = head.commit?.raw {
                rc = git_reference_create_matching(&undone, pointer, refName, &previous, 1, &commitID, "board: undo, the index could not be written")
            } else if git_reference_lookup(&undone, pointer, refName) == 0 {
                rc = git_reference_target(undone).map { git_oid_equal($0, &commitID) != 0 } == true ? git_reference_delete(undone) : -1
            }
            git_reference_free(undone)
            git_error_clear()
            guard rc == 0 else { throw IndexNotUpdated(commit: OID(commitID), reason: "\(error)") }
            throw error
        }
        return OID(commitID)
    }

    /// A commit that is in, on a branch someone moved on meanwhile, whose index could not be brought up to date.
    public struct IndexNotUpdated: Error, CustomStringConvertible {
        public var commit: OID
        public var reason: String
        public var description: String { "committed \(commit.short), but the index could not be updated (\(reason)); run `git reset -q` to bring it up to date" }
    }

    /// True when the work-tree file (or the index) differs from HEAD, as `git status` sees it (with its filters).
    public func isModified(_ path: String) throws -> Bool {
        var flags: UInt32 = 0
        let rc = git_status_file(&flags, pointer, path)
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return false }
        try GitError.check(rc, "cannot read the status of \(path)")
        return flags & (GIT_STATUS_WT_MODIFIED.rawValue | GIT_STATUS_INDEX_MODIFIED.rawValue | GIT_STATUS_WT_TYPECHANGE.rawValue) != 0
    }

    /// Brings the user's index up to date with the work tree for exactly `paths`; a path in
    /// `blobs` gets that blob instead (what was committed, when the work tree holds more).
    public func stage(paths: [String], blobs: [String: git_oid] = [:]) throws {
        guard let workdir else { return }
        var index: OpaquePointer?
        try GitError.check(git_repository_index(&index, pointer), "cannot open the index")
        defer { git_index_free(index) }
        for path in paths.sorted() {
            if let blob = blobs[path] {
                try Self.add(blob, at: path, to: index)
            } else if FileManager.default.fileExists(atPath: workdir + path) {
                try GitError.check(git_index_add_bypath(index, path), "cannot stage \(path)")
            } else if git_index_get_bypath(index, path, 0) != nil {
                try GitError.check(git_index_remove_bypath(index, path), "cannot unstage \(path)")
            }
        }
        try GitError.check(git_index_write(index), "cannot write the index")
    }

    /// Puts a file entry for a blob in an index.
    private static func add(_ blob: git_oid, at path: String, to index: OpaquePointer?) throws {
        var entry = git_index_entry()
        entry.mode = UInt32(GIT_FILEMODE_BLOB.rawValue)
        entry.id = blob
        try path.withCString { cPath in
            entry.path = cPath
            try GitError.check(git_index_add(index, &entry), "cannot stage \(path)")
        }
    }

    /// `theirs` with the change from `ancestor` to `ours` made to it too (a three-way merge of
    /// texts, as `git merge-file`); nil where the two changes touch the same lines.
    public func mergeFile(ancestor: Data, ours: Data, theirs: Data) throws -> Data? {
        var inputs = [git_merge_file_input(), git_merge_file_input(), git_merge_file_input()]
        for i in inputs.indices { try GitError.check(git_merge_file_input_init(&inputs[i], UInt32(GIT_MERGE_FILE_INPUT_VERSION)), "cannot merge") }
        var result = git_merge_file_result()
        let rc = ancestor.withUnsafeBytes { a in
            ours.withUnsafeBytes { o in
                theirs.withUnsafeBytes { t in
                    inputs[0].ptr = a.baseAddress?.assumingMemoryBound(to: CChar.self); inputs[0].size = a.count
                    inputs[1].ptr = o.baseAddress?.assumingMemoryBound(to: CChar.self); inputs[1].size = o.count
                    inputs[2].ptr = t.baseAddress?.assumingMemoryBound(to: CChar.self); inputs[2].size = t.count
                    return git_merge_file(&result, &inputs[0], &inputs[1], &inputs[2], nil)
                }
            }
        }
        try GitError.check(rc, "cannot merge")
        defer { git_merge_file_result_free(&result) }
        guard result.automergeable != 0 else { return nil }
        return result.ptr.map { Data(bytes: $0, count: result.len) } ?? Data()
    }

    private func makeSignature(_ s: Signature) throws -> UnsafeMutablePointer<git_signature> {
        var sig: UnsafeMutablePointer<git_signature>?
        try GitError.check(git_signature_new(&sig, s.name, s.email, git_time_t(s.time.timeIntervalSince1970),
                                             Int32(s.offsetMinutes)),
                           "invalid author \(s.name) <\(s.email)>")
        return sig!
    }
}
