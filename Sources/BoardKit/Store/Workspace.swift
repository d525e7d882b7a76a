import Foundation

/// Records read from one board folder, with the files that could not be read.
public struct LoadResult: Sendable {
    public var records: [Record]
    public var diagnostics: [Diagnostic]
}

/// How a command's changes reach the repository.
public struct WriteOptions: Sendable {
    /// Commit the changed paths (and only those) through libgit2.
    public var commit: Bool
    /// Allow writing while HEAD is detached.
    public var detachOK: Bool

    public init(commit: Bool = true, detachOK: Bool = false) {
        self.commit = commit
        self.detachOK = detachOK
    }
}

/// An opened board: the folder holding `board.yml`, its configuration, and the
/// Git repository around it. All reads and writes of board files go through here.
public final class Workspace {
    /// Absolute path of the board folder, without a trailing slash.
    public let root: String
    public let config: BoardConfig
    /// The repository holding the board, if any, opened on first use: starting libgit2 loads the
    /// system's TLS certificates (about 5 % of a warm `list`), which reading commands need not pay.
    public private(set) lazy var repository: Repository? = try? Repository.discover(from: root)
    /// The board folder relative to the repository's work tree: "" or "sub/dir/".
    public private(set) lazy var repoPrefix: String =
        Self.prefix(of: root, in: repository?.workdir.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path })

    public init(root: String, config: BoardConfig, repository: Repository?) {
        self.root = root
        self.config = config
        self.repository = repository
        cacheLocation = repository.map { ($0.gitDir, repoPrefix) }
    }

    /// A workspace whose repository is looked for when first needed.
    init(root: String, config: BoardConfig) {
        self.root = root
        self.config = config
    }

    static func prefix(of root: String, in workdir: String?) -> String {
        guard let workdir, root.hasPrefix(workdir), root != workdir else { return "" }
        return String(root.dropFirst(workdir.count).drop(while: { $0 == "/" })) + "/"
    }

    /// The `.git` folder (ending in `/`) and board prefix that name the record cache. Found as
    /// libgit2 finds them when `.git` is a plain folder in the board folder or above it, on the
    /// same file system, without starting libgit2; otherwise asked of the repository.
    lazy var cacheLocation: (gitDir: String, prefix: String)? = {
        var dir = root, rootDevice: dev_t?
        while true {
            var st = stat()
            guard lstat(dir, &st) == 0 else { break }
            if rootDevice == nil { rootDevice = st.st_dev } else if st.st_dev != rootDevice { break }
            let git = (dir == "/" ? "" : dir) + "/.git"
            if lstat(git, &st) == 0 {
                // A `.git` file (worktree, submodule) or link: libgit2 knows where it points.
                guard st.st_mode & S_IFMT == S_IFDIR else { break }
                return (git + "/", Self.prefix(of: root, in: dir))
            }
            guard dir != "/" else { break }
            dir = (dir as NSString).deletingLastPathComponent
        }
        return repository.map { ($0.gitDir, repoPrefix) }
    }()

    /// Finds the board folder at or above `directory` and reads its `board.yml`: the staged one
    /// with `staged` (`board check --staged` checks the index, whatever the work tree holds).
    public static func open(directory: String, staged: Bool = false) throws -> Workspace {
        var url = URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath()
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue else {
            throw BoardError.usage("\(directory): no such directory")
        }
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent(BoardConfig.fileName).path) {
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path {
                throw BoardError.usage("not a board: no \(BoardConfig.fileName) in \(directory) or any parent folder (run `board init`)")
            }
            url = parent
        }
        if staged {
            guard let repository = try? Repository.discover(from: url.path) else {
                throw BoardError.usage("the board is not in a Git repository")
            }
            let prefix = Self.prefix(of: url.path, in: repository.workdir.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path })
            return Workspace(root: url.path, config: try stagedConfig(repository, prefix: prefix), repository: repository)
        }
        let configPath = url.appendingPathComponent(BoardConfig.fileName).path
        let data = try readFile(configPath, display: BoardConfig.fileName)
        return Workspace(root: url.path, config: try BoardConfig(data: data))
    }

    /// The `board.yml` in the index.
    static func stagedConfig(_ repository: Repository, prefix: String) throws -> BoardConfig {
        guard let data = try repository.file(prefix + BoardConfig.fileName, at: .index) else {
            throw BoardError.usage("\(BoardConfig.fileName) is not staged")
        }
        return try BoardConfig(data: data)
    }

    /// Today's date as `YYYY-MM-DD`; `BOARD_TODAY` overrides it (for tests and reproducible runs).
    public static var today: String {
        if let fixed = ProcessInfo.processInfo.environment["BOARD_TODAY"], !fixed.isEmpty { return fixed }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date())
    }

    public func absolute(_ path: String) -> String { root + "/" + path }

    // MARK: Reading

    /// Reads every `*.md` file of a board folder. Files that cannot be read or parsed are
    /// reported and skipped; symbolic links and folders are never followed.
    ///
    /// In a repository, parsed front matter is kept in `RecordCache`: an unchanged file (same
    /// `lstat` stamp) is not read again. Records from the cache hold no text: their body,
    /// `data` and edits read the file again (`FrontMatterDocument.origin`).
    public func load(_ kind: RecordKind) -> LoadResult { load(kind, startedAt: Int64(time(nil))) }

    /// What a record cache is for: the folder, and the parser's version (a cache written by a
    /// build that reads front matter differently is not trusted).
    func recordCacheScope(_ kind: RecordKind) -> String {
        FrontMatterDocument.parserVersion + ":" + (cacheLocation?.prefix ?? "") + kind.folder
    }

    /// `load`, with the second the load began given (tests move it to make fresh files cacheable).
    func load(_ kind: RecordKind, startedAt: Int64) -> LoadResult {
        let folder = absolute(kind.folder)
        if let link = symbolicLinkFolder(in: kind.folder + "/x") {
            return LoadResult(records: [], diagnostics: [Diagnostic(path: link, line: 1, message: "symbolic link: not followed")])
        }
        // Stamps are taken relative to the folder, so the kernel walks its path once, not per file.
        let folderFD = Glibc.open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { if folderFD >= 0 { close(folderFD) } }
        // The folder's stamp before it is listed: a change after it shows next time. Whether it can be
        // kept goes by the clock, not `startedAt`: timestamps are coarser than the time a test takes
        // to add a file after a load.
        let listedAt = Int64(time(nil))
        var folderInfo = stat()
        guard folderFD >= 0, fstat(folderFD, &folderInfo) == 0 else { return LoadResult(records: [], diagnostics: []) }
        let folderStamp = FileStamp(folderInfo)
        let cacheFile = cacheLocation.map { RecordCache.file(gitDir: $0.gitDir, prefix: $0.prefix, kind: kind) }
        let scope = recordCacheScope(kind)
        let cache = cacheFile.flatMap { RecordCache(file: $0, scope: scope) }
        // The files, by name (nil: the names of the cache's entries), and each one's entry.
        let files: [String]?, matches: [Int?]
        if let listed = cache?.listing(folderStamp) {
            (files, matches) = listed
        } else if let listed = Self.markdownFiles(in: folderFD) {
            (files, matches) = (listed, cache?.match(listed) ?? [])
        } else {
            return LoadResult(records: [], diagnostics: [])
        }
        let count = files?.count ?? matches.count
        let rootSlash = root + "/", folderSlash = kind.folder + "/"
        // Read through unsafe buffers: the runs touch no shared reference-counted value.
        nonisolated(unsafe) let bytes = cache?.bytes ?? UnsafeBufferPointer(start: nil, count: 0)
        defer { withExtendedLifetime(cache) {} }
        let cacheEntries = cache?.entries ?? []
        var loads = cacheEntries.withUnsafeBufferPointer { entryBuffer in
            nonisolated(unsafe) let cached = entryBuffer
            return concurrentMap(count: count, runs: count, start: { RecordCache.Decoder(bytes) }) { decoder, index in
                let match = matches.isEmpty ? nil : matches[index]
                func load(name: UnsafeBufferPointer<UInt8>) -> FileLoad {
                    let path = Self.concatenated(folderSlash, name)
                    var info = stat()
                    // The name as a C string: the end of the path's (which is stored NUL-terminated).
                    if let match, path.withCString({ fstatat(folderFD, $0 + folderSlash.utf8.count, &info, AT_SYMLINK_NOFOLLOW) }) == 0,
                       info.st_mode & S_IFMT == S_IFREG, FileStamp(info) == cached[match].stamp,
                       let record = decoder.record(cached[match], path: path, root: rootSlash) {
                        return FileLoad(result: .success(record), hit: true)
                    }
                    do {
                        let data = try Self.readFile(rootSlash + path, display: path, info: &info)
                        if let line = conflictMarkerLine(in: data) {
                            throw BoardError.invalidFile(Diagnostic(path: path, line: line, message: "unresolved merge conflict marker"))
                        }
                        let record = try Record(path: path, data: data)
                        let stamp = FileStamp(info)
                        guard cacheFile != nil, stamp.isStorable(loadStartedAt: startedAt) else { return FileLoad(result: .success(record)) }
                        let name = String(decoding: name, as: UTF8.self)
                        return FileLoad(result: .success(record), entry: RecordCache.encode(name: name, stamp: stamp, record: record))
                    } catch let error as BoardError {
                        return FileLoad(result: .failure(error))
                    } catch {
                        return FileLoad(result: .failure(.invalidFile(Diagnostic(path: path, message: "\(error)"))))
                    }
                }
                guard var name = files?[index] else { return load(name: UnsafeBufferPointer(rebasing: bytes[cached[match!].name])) }
                return name.withUTF8 { load(name: $0) }
            }
        }
        var loaded = LoadResult(records: [], diagnostics: [])
        loaded.records.reserveCapacity(loads.count)
        for index in loads.indices {
            // Moved out, not copied: no retain now and no release when `loads` goes.
            switch loads[index].result.take() {
            case .success(let record): loaded.records.append(record)
            case .failure(.invalidFile(let diagnostic)): loaded.diagnostics.append(diagnostic)
            case .failure(let error): loaded.diagnostics.append(Diagnostic(path: kind.folder, message: "\(error)"))
            case nil: break
            }
        }
        // Rewritten only when an entry was added or one of the old ones is gone or stale, or the
        // folder's stamp is new. A folder changed in the second the load began is not vouched for.
        let hitCount = loads.lazy.filter(\.hit).count
        // A second more than for files: some file systems keep times to two seconds.
        let keptFolder = folderStamp.isStorable(loadStartedAt: listedAt - 1) ? folderStamp : nil
        if let cacheFile, loads.contains(where: { $0.entry != nil }) || hitCount != (cache?.entries.count ?? 0) || (keptFolder != cache?.folder && count > 0) {
            // A file is a hit only when it has an entry.
            let others = loads.indices.filter { !loads[$0].hit && loads[$0].entry == nil }.map { index in
                files?[index] ?? String(decoding: UnsafeBufferPointer(rebasing: bytes[cacheEntries[matches[index]!].name]), as: UTF8.self)
            }
            let data = RecordCache.file(scope: scope, folder: keptFolder, otherNames: others) { add in
                for index in loads.indices {
                    if loads[index].hit, let cache, let match = matches[index] {
                        add(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: cache.bytes[cache.entries[match].bytes])))
                    } else if let entry = loads[index].entry {
                        entry.withUnsafeBytes(add)
                    }
                }
            }
            // A cache that cannot be written (read-only repository) only makes the next load slower.
            try? atomicWrite(data, to: cacheFile)
            for old in ["/records-v1-", "/records-v2-"] { unlink(cacheFile.replacingOccurrences(of: "/records-v3-", with: old)) }
        }
        return loaded
    }

    /// What loading one file gave: its record or why not, whether it came from the cache, and
    /// the new cache entry of a file read now.
    private struct FileLoad {
        var result: Result<Record, BoardError>?
        var hit = false
        var entry: [UInt8]?
    }

    /// `a` followed by the text `b`, in one allocation (10,000 paths a load).
    private static func concatenated(_ a: String, _ b: UnsafeBufferPointer<UInt8>) -> String {
        guard !a.isEmpty || !b.isEmpty else { return "" }
        var a = a
        return a.withUTF8 { x in
            String(unsafeUninitializedCapacity: x.count + b.count) { out in
                if let from = x.baseAddress { out.baseAddress!.initialize(from: from, count: x.count) }
                if let from = b.baseAddress { (out.baseAddress! + x.count).initialize(from: from, count: b.count) }
                return x.count + b.count
            }
        }
    }

    /// The names of a folder's `*.md` files (not hidden ones), in byte order; nil when it cannot be read.
    static func markdownFiles(in folderFD: Int32) -> [String]? {
        // A stream of its own, so closing it leaves `folderFD` open.
        let copy = dup(folderFD)
        guard copy >= 0, let dir = fdopendir(copy) else {
            if copy >= 0 { close(copy) }
            return nil
        }
        defer { closedir(dir) }
        // The names, NUL-terminated, one after another, then sorted with strcmp (byte order).
        var text: [CChar] = []
        var starts: [Int] = []
        while let entry = readdir(dir) {
            withUnsafeBytes(of: entry.pointee.d_name) { raw in
                let name = raw.bindMemory(to: CChar.self)
                let n = strnlen(name.baseAddress!, name.count)
                guard n > 3, name[0] != 0x2E, name[n - 3] == 0x2E, name[n - 2] == 0x6D, name[n - 1] == 0x64 else { return }
                starts.append(text.count)
                text.append(contentsOf: name[..<n])
                text.append(0)
            }
        }
        guard !starts.isEmpty else { return [] }
        return text.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            return starts.sorted { strcmp(base + $0, base + $1) < 0 }.map { String(cString: base + $0) }
        }
    }

    /// Reads a regular file, refusing symbolic links, folders and files over 64 MiB
    /// (reported at line 1, so every diagnostic reads `path:line: message`).
    static func readFile(_ absolutePath: String, display: String) throws -> Data {
        var info = stat()
        return try readFile(absolutePath, display: display, info: &info)
    }

    /// `readFile`, also giving the `lstat` taken before reading (so a change during the read
    /// shows as a changed stamp next time).
    static func readFile(_ absolutePath: String, display: String, info: inout stat) throws -> Data {
        guard lstat(absolutePath, &info) == 0 else {
            throw BoardError.invalidFile(Diagnostic(path: display, line: 1, message: "cannot read: \(String(cString: strerror(errno)))"))
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFLNK: throw BoardError.invalidFile(Diagnostic(path: display, line: 1, message: "symbolic link: not followed"))
        case S_IFDIR: throw BoardError.invalidFile(Diagnostic(path: display, line: 1, message: "is a directory, not a file"))
        default: throw BoardError.invalidFile(Diagnostic(path: display, line: 1, message: "not a regular file"))
        }
        if info.st_size > 64 << 20 {
            throw BoardError.invalidFile(Diagnostic(path: display, line: 1, message: "file is larger than 64 MiB"))
        }
        // Plain open/read: FileHandle costs more than the read itself for small files.
        let fd = Glibc.open(absolutePath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw BoardError.invalidFile(Diagnostic(path: display, line: 1, message: "cannot open for reading"))
        }
        defer { Glibc.close(fd) }
        var data = Data(count: Int(info.st_size) + 1)
        var count = 0
        while true {
            if count == data.count { data.count *= 2 }  // the file grew since lstat
            let n = data.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            count += n
        }
        data.count = count
        return data
    }

    /// Finds a record by id (case-insensitive), reading only valid files.
    public func find(_ id: String, in kind: RecordKind = .item) throws -> Record {
        try find(id, among: load(kind), kind: kind)
    }

    /// Finds a record by id among already loaded ones; a file named for the id that failed to
    /// load is reported with its own diagnostic.
    public func find(_ id: String, among loaded: LoadResult, kind: RecordKind = .item) throws -> Record {
        if let record = loaded.records.first(where: { $0.id.caseInsensitiveCompare(id) == .orderedSame }) {
            return record
        }
        // A file named for the id that cannot be read: say why, rather than "no such item".
        // Items are `ID-slug.md`, iterations `ID.md`.
        let name = id.lowercased()
        if let broken = loaded.diagnostics.first(where: { d in
            d.path.split(separator: "/").last.map { $0.lowercased() }.map { $0.hasPrefix(name + "-") || $0 == name + ".md" } ?? false
        }) {
            throw BoardError.invalidFile(broken)
        }
        let noun = kind == .item ? "item" : String(kind.folder.dropLast())
        throw BoardError.usage("no \(noun) with id \(id)")
    }

    /// Reads a record again from disk for editing, refusing files with unresolved conflict markers.
    public func readForWrite(_ path: String) throws -> Record {
        try refuseDuringOperation()
        let data = try Self.readFile(absolute(path), display: path)
        if let line = conflictMarkerLine(in: data) {
            throw BoardError.invalidFile(Diagnostic(path: path, line: line,
                                                    message: "unresolved merge conflict markers; resolve them first"))
        }
        return try Record(path: path, data: data)
    }

    // MARK: Writing

    /// Writes (or, for nil, deletes) the given board-relative paths atomically and,
    /// unless `options.commit` is false, commits exactly those paths.
    @discardableResult
    public func save(_ changes: [String: Data?], message: String, options: WriteOptions = WriteOptions()) throws -> OID? {
        guard let repository else {
            if options.commit { throw BoardError.usage("the board is not in a Git repository; use --no-commit or run `board init`") }
            try writeFiles(changes)
            return nil
        }
        return try exclusively { try commit(changes, message: message, options: options, in: repository) }
    }

    private func commit(_ changes: [String: Data?], message: String, options: WriteOptions, in repository: Repository) throws -> OID? {
        try refuseDuringOperation()
        removeStaleTemporaryFiles(beside: changes.keys)
        let head = try repository.head()
        if case .detached = head, !options.detachOK {
            throw BoardError.usage("HEAD is detached; check out a branch first (or pass --detach-ok)")
        }
        let author = options.commit ? try repository.signature() : nil
        guard let author else {
            try writeFiles(changes)
            return nil
        }
        // What each file holds now: put back if the commit fails, and what the user changed and did not commit.
        let before = Dictionary(uniqueKeysWithValues: changes.keys.map { ($0, FileManager.default.contents(atPath: absolute($0))) })
        var committed = changes, keeping: Set<String> = []
        if let headID = head.commit {
            for (path, data) in changes {
                guard let data, let now = before[path] ?? nil, try repository.isModified(repoPrefix + path),
                      let inHead = try repository.file(repoPrefix + path, at: headID) else { continue }
                // The user's own changes stay in the file, uncommitted: the commit holds board's change alone.
                guard let merged = try repository.mergeFile(ancestor: now, ours: data, theirs: inHead) else {
                    throw BoardError.usage("\(path) has changes that are not committed on or next to the lines board would change; commit or stash them first (or pass --no-commit)")
                }
                committed[path] = merged
                keeping.insert(repoPrefix + path)
            }
        }
        let committer = (try? repository.signature(role: "COMMITTER")) ?? author
        let repoChanges = Dictionary(uniqueKeysWithValues: committed.map { (repoPrefix + $0.key, $0.value) })
        var attempts = 0
        do {
            try writeFiles(changes)
            while true {
                do {
                    return try repository.commit(changes: repoChanges, message: message, author: author, committer: committer,
                                                 keepingWorkTree: keeping)
                } catch let error as GitError where (error.isModified || error.isLocked) && attempts < 20 {
                    attempts += 1
                    usleep(UInt32.random(in: 5_000...50_000))
                }
            }
        } catch let error as Repository.IndexNotUpdated {
            throw BoardError.usage("\(error)")  // the commit is in: the files stay as committed
        } catch {
            // Nothing lands: the files are put back as they were.
            try? writeFiles(before)
            throw error
        }
    }

    /// The first folder of a board-relative path that is a symbolic link, if any: `board` never
    /// reads or writes through one, so nothing outside the board is touched.
    func symbolicLinkFolder(in path: String) -> String? {
        var folder = ""
        for part in path.split(separator: "/").dropLast() {
            folder += (folder.isEmpty ? "" : "/") + part
            var info = stat()
            if lstat(absolute(folder), &info) == 0, info.st_mode & S_IFMT == S_IFLNK { return folder }
        }
        return nil
    }

    /// Refuses to write while a merge, rebase, cherry-pick or revert is in progress.
    func refuseDuringOperation() throws {
        if let operation = repository?.operationInProgress {
            throw BoardError.usage("\(operation) is in progress; finish or abort it before changing the board")
        }
    }

    /// Removes temporary files (`.NAME.board-PID-N.tmp`) that a `board` killed between writing and
    /// renaming left behind. Called only while holding the write lock, when no other `board` is writing.
    private func removeStaleTemporaryFiles(beside paths: Dictionary<String, Data?>.Keys) {
        for folder in Set(paths.map { ($0 as NSString).deletingLastPathComponent }) {
            let directory = absolute(folder)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            where name.hasPrefix(".") && name.contains(".board-") && name.hasSuffix(".tmp") {
                unlink(directory + "/" + name)
            }
        }
    }

    private func writeFiles(_ changes: [String: Data?]) throws {
        for path in changes.keys {
            if let link = symbolicLinkFolder(in: path) {
                throw BoardError.usage("\(link) is a symbolic link; not writing through it")
            }
        }
        for (path, data) in changes.sorted(by: { $0.key < $1.key }) {
            if let data {
                try atomicWrite(data, to: absolute(path))
            } else if unlink(absolute(path)) != 0 && errno != ENOENT {
                throw BoardError.usage("cannot delete \(path): \(String(cString: strerror(errno)))")
            }
        }
    }
}

/// Writes to a temporary file beside the target, flushes it, then renames it over the target,
/// so a reader or a crash never sees a half-written file.
public func atomicWrite(_ data: Data, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let temp = directory + "/.\(url.lastPathComponent).board-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
    var mode: mode_t = 0o644
    var existing = stat()
    if lstat(path, &existing) == 0 {
        if existing.st_mode & S_IFMT == S_IFLNK { throw BoardError.usage("\(path) is a symbolic link; not writing through it") }
        mode = existing.st_mode & 0o777
    }
    let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
    guard fd >= 0 else { throw BoardError.usage("cannot write \(path): \(String(cString: strerror(errno)))") }
    var ok = data.withUnsafeBytes { buffer -> Bool in
        var offset = 0
        while offset < buffer.count {
            let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 { if errno == EINTR { continue }; return false }
            offset += n
        }
        return true
    }
    ok = ok && fsync(fd) == 0
    close(fd)
    guard ok, rename(temp, path) == 0 else {
        let reason = String(cString: strerror(errno))
        unlink(temp)
        throw BoardError.usage("cannot write \(path): \(reason)")
    }
}

/// The 1-based line of the first merge conflict marker (`<<<<<<< `, `>>>>>>> `), if any.
public func conflictMarkerLine(in data: Data) -> Int? {
    data.withUnsafeBytes { conflictMarkerLine(in: $0.bindMemory(to: UInt8.self)) }
}

private func conflictMarkerLine(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    var line = 1
    var atLineStart = true
    var i = 0
    while i < bytes.count {
        if atLineStart, i + 8 <= bytes.count {
            let head = bytes[i..<(i + 7)]
            if (head.allSatisfy { $0 == 0x3C } || head.allSatisfy { $0 == 0x3E }),
               bytes[i + 7] == 0x20 || bytes[i + 7] == 0x0A || bytes[i + 7] == 0x0D {
                return line
            }
        }
        atLineStart = bytes[i] == 0x0A
        if atLineStart { line += 1 }
        i += 1
    }
    return nil
}

extension Workspace {
    /// A `board` killed while committing can leave libgit2's lock files (`index.lock`,
    /// `HEAD.lock`, `refs/heads/*.lock`), which would make every later commit fail. They are
    /// removed only when the board lock shows that its last holder died, and each is named on stderr.
    func removeGitLocksLeftByAKilledWriter(gitDir: String) {
        var candidates = [gitDir + "index.lock", gitDir + "HEAD.lock"]
        if let refs = FileManager.default.enumerator(atPath: gitDir + "refs/heads") {
            for case let name as String in refs where name.hasSuffix(".lock") { candidates.append(gitDir + "refs/heads/" + name) }
        }
        for file in candidates where unlink(file) == 0 {
            FileHandle.standardError.write(Data("board: removed \(file), left by a board process that was killed\n".utf8))
        }
    }
}
