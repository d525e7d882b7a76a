import Clibgit2
import Foundation

/// Fetch progress on stderr (installed only when stderr is a terminal).
private let fetchProgress: git_indexer_progress_cb = { stats, _ in
    guard let stats = stats?.pointee, stats.total_objects > 0 else { return 0 }
    let line = "\rreceiving objects: \(stats.received_objects)/\(stats.total_objects)"
        + ", indexed: \(stats.indexed_objects)/\(stats.total_objects)"
    FileHandle.standardError.write(Data(line.utf8))
    return 0
}

extension Repository {
    /// Opens the bare repository at `path`, creating it (and its folders) when there is none.
    public static func bare(at path: String) throws -> Repository {
        _ = libgit2Initialised
        var repo: OpaquePointer?
        if FileManager.default.fileExists(atPath: path + "/HEAD") {
            try GitError.check(git_repository_open_bare(&repo, path), "cannot open the cache \(path)")
        } else {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try GitError.check(git_repository_init(&repo, path, 1), "cannot create the cache \(path)")
        }
        return Repository(repo!)
    }

    /// Fetches one branch of `url` into `refs/heads/BRANCH` of this repository (forced, as a
    /// mirror of that branch) and returns the commit it points at. Progress goes to stderr when
    /// it is a terminal. No credentials are offered: a remote that needs them fails.
    public func fetch(url: String, branch: String) throws -> OID {
        var remote: OpaquePointer?
        try GitError.check(git_remote_create_anonymous(&remote, pointer, url), "cannot use remote \(url)")
        defer { git_remote_free(remote) }
        var options = git_fetch_options()
        try GitError.check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "cannot set up a fetch")
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
        options.update_fetchhead = 0
        let tty = isatty(STDERR_FILENO) == 1
        if tty { options.callbacks.transfer_progress = fetchProgress }
        let ref = "refs/heads/\(branch)"
        let spec = strdup("+\(ref):\(ref)")
        defer { free(spec) }
        var specs: [UnsafeMutablePointer<CChar>?] = [spec]
        try specs.withUnsafeMutableBufferPointer { buffer in
            var array = git_strarray(strings: buffer.baseAddress, count: 1)
            try GitError.check(git_remote_fetch(remote, &array, &options, "board: portfolio fetch"),
                               "cannot fetch \(branch) from \(url)")
        }
        if tty { FileHandle.standardError.write(Data("\n".utf8)) }
        return try resolve(ref)
    }

    /// The blobs directly inside `folder` (repository-relative, e.g. `backlog` or `team/backlog`)
    /// of a commit's tree, by name; empty when the folder does not exist.
    public func blobs(in folder: String, at commit: OID) throws -> [(name: String, blob: OID)] {
        let tree = try treePointer(.commit(commit))
        defer { git_tree_free(tree) }
        var entry: OpaquePointer?
        let rc = git_tree_entry_bypath(&entry, tree, folder)
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return [] }
        try GitError.check(rc, "cannot read \(folder) at \(commit.short)")
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else { return [] }
        var sub: OpaquePointer?
        try GitError.check(git_tree_lookup(&sub, pointer, git_tree_entry_id(entry)), "cannot read \(folder) at \(commit.short)")
        defer { git_tree_free(sub) }
        return (0..<git_tree_entrycount(sub)).compactMap { i in
            guard let e = git_tree_entry_byindex(sub, i), git_tree_entry_type(e) == GIT_OBJECT_BLOB,
                  git_tree_entry_filemode(e) != GIT_FILEMODE_LINK else { return nil }
            return (String(cString: git_tree_entry_name(e)), OID(git_tree_entry_id(e).pointee))
        }
    }

    /// The content of a repository-relative file in a commit's tree; nil when there is no such file.
    public func file(_ path: String, at commit: OID) throws -> Data? {
        let tree = try treePointer(.commit(commit))
        defer { git_tree_free(tree) }
        var entry: OpaquePointer?
        let rc = git_tree_entry_bypath(&entry, tree, path)
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        try GitError.check(rc, "cannot read \(path) at \(commit.short)")
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
        return try blob(OID(git_tree_entry_id(entry).pointee))
    }
}
