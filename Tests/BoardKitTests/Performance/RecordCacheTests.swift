import Foundation
import Testing

@testable import BoardKit

/// The parsed-front-matter cache of `Workspace.load`: a warm load must give exactly what a cold one gives.
@Suite struct RecordCacheTests {
    /// A second after every file of a test was written: entries count as old enough to cache.
    static var later: Int64 { Int64(time(nil)) + 10 }

    /// Everything a caller can read from a load, as text.
    static func describe(_ loaded: LoadResult) -> [String] {
        loaded.records.map { record in
            let fields = record.document.keys.map { key in
                "\(key)@\(record.document.lineNumber(of: key) ?? -1)=\(renderJSON(record.document.value(key)?.plainValue ?? NSNull()))"
                    + "|\(record.string(key) ?? "nil")|\(record.number(key).map { "\($0)" } ?? "nil")|\(record.strings(key))"
            }
            return "\(record.path) first=\(record.document.firstLine) \(fields) json=\(renderJSON(record.jsonObject)) body=\(record.bodyText)"
        } + loaded.diagnostics.map(\.description)
    }

    static func cacheable(_ record: Record) -> Bool {
        RecordCache.encode(name: "x", stamp: FileStamp(size: 0, mtime: 0, ctime: 0, inode: 0), record: record) != nil
    }

    func cacheFile(_ workspace: Workspace, _ kind: RecordKind = .item) -> String {
        RecordCache.file(gitDir: workspace.repository!.gitDir, prefix: workspace.repoPrefix, kind: kind)
    }

    func cachedNames(_ workspace: Workspace, _ kind: RecordKind = .item) -> Set<String> {
        Set(RecordCache(file: cacheFile(workspace, kind), scope: workspace.recordCacheScope(kind))?.names.map { $0 } ?? [])
    }

    /// A generated board with the malformed corpus and a hand-written item added to its backlog.
    func board(_ sandbox: Sandbox) throws -> String {
        let dir = sandbox.path("gen")
        let result = try sandbox.board("dev", "generate", dir, "--items", "150", "--iterations", "5")
        #expect(result.status == 0, "\(result.stderr)")
        let corpus = Sandbox.packageRoot + "/Tests/BoardKitTests/Fixtures/malformed"
        for name in try FileManager.default.contentsOfDirectory(atPath: corpus) where name.hasSuffix(".md") {
            try FileManager.default.copyItem(atPath: corpus + "/" + name, toPath: dir + "/backlog/" + name)
        }
        try sandbox.write(Self.handWritten, to: "backlog/B-hand-written.md", in: dir)
        return dir
    }

    static let handWritten = """
        ---
        id: B-hand
        title: 'Hand: written' # a comment
        status: todo
        rank: 0.5
        points: 3
        tags:
          - x
          - "y z"
        custom_thing: {a: 1, b: [2, 3]}
        notes: |
          two
          lines
        ---

        Body text stays.
        - [ ] criterion

        """

    @Test func warmLoadEqualsColdLoadOnGeneratedBoardAndMalformedCorpus() throws {
        let sandbox = try Sandbox()
        let dir = try board(sandbox)
        let workspace = try Workspace.open(directory: dir)
        for kind in RecordKind.allCases {
            let cold = workspace.load(kind, startedAt: Self.later)
            #expect(FileManager.default.fileExists(atPath: cacheFile(workspace, kind)) == !cold.records.isEmpty)
            let warm = workspace.load(kind, startedAt: Self.later)
            #expect(Self.describe(warm) == Self.describe(cold))
            // Whether a body holds acceptance criteria comes from the cache, as reading it says.
            #expect(warm.records.map(\.hasChecklist) == cold.records.map { !$0.checklist.isEmpty })
            #expect(kind != .item || Set(warm.records.map(\.hasChecklist)) == [true, false])
            // Every warm record came from the cache, but those nested too deeply to cache.
            #expect(warm.records.filter { $0.document.origin == nil }.map(\.path) == cold.records.filter { !Self.cacheable($0) }.map(\.path))
            #expect(warm.records.filter { $0.document.origin != nil }.count > 150 || kind != .item)
            // The same without a repository (no cache at all).
            let plain = Workspace(root: workspace.root, config: workspace.config, repository: nil)
            #expect(Self.describe(plain.load(kind)) == Self.describe(cold))
        }
        #expect(try Workspace.open(directory: dir).load(.item).diagnostics.count >= 20)
    }

    /// A warm load takes from each record what it shares byte for byte with the one before it:
    /// records that share only some keys, keys in another order, equal values under other keys,
    /// fewer keys and more.
    @Test func neighbouringRecordsThatDifferLoadAsTheyAre() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let files = [
            "id: B-a\ntitle: A\nstatus: done\npoints: 3\ntags: [x]",
            "id: B-b\ntitle: B\npoints: 3\nstatus: done\ntags: [x]",
            "id: B-c\ntitle: done\nstatus: B",
            "id: B-d\ntitle: D\nstatus: done\npoints: 3\ntags: [x, y]\nextra: {a: 1}",
            "id: B-e\ntitle: D\nstatus: done\npoints: 3\ntags: [x, y]\nextra: {a: 2}\nmore: 1",
            "id: B-f\n\ntitle: D\nstatus: done",
        ]
        for (n, text) in files.enumerated() { try sandbox.write("---\n\(text)\n---\n", to: "backlog/B-\(n).md", in: dir) }
        let workspace = try Workspace.open(directory: dir)
        let cold = workspace.load(.item, startedAt: Self.later)
        let warm = workspace.load(.item, startedAt: Self.later)
        #expect(warm.records.allSatisfy { $0.document.origin != nil } && warm.records.count == files.count)
        #expect(Self.describe(warm) == Self.describe(cold))
        #expect(warm.records.map { $0.string("status") ?? "" } == ["done", "done", "B", "done", "done", "done"])
        #expect(warm.records.map { $0.document.lineNumber(of: "title") ?? 0 } == [3, 3, 3, 3, 3, 4])
    }

    /// The folder is listed again only when its own stamp changed (a file added, removed or renamed).
    @Test func anUnchangedFolderIsNotListedAgain() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        for n in 1...3 { try sandbox.write("---\nid: B-\(n)\ntitle: T\(n)\n---\n", to: "backlog/B-\(n).md", in: dir) }
        try sandbox.write("---\nid: [\n---\n", to: "backlog/B-broken.md", in: dir)
        let workspace = try Workspace.open(directory: dir)
        let file = cacheFile(workspace)
        // Changed in the last two seconds: the folder's stamp is not kept yet.
        let first = workspace.load(.item, startedAt: Self.later)
        #expect(RecordCache(file: file, scope: workspace.recordCacheScope(.item))?.folder == nil)
        Thread.sleep(forTimeInterval: 2.1)
        #expect(Self.describe(workspace.load(.item, startedAt: Self.later)) == Self.describe(first))
        let cache = try #require(RecordCache(file: file, scope: workspace.recordCacheScope(.item)))
        #expect(cache.folder != nil && cache.otherNames == ["B-broken.md"] && cache.entries.count == 3)
        // The kept listing is what a load reads: a name planted in it is read (and not found).
        let planted = RecordCache.file(scope: workspace.recordCacheScope(.item), folder: cache.folder,
                                       otherNames: ["B-0-ghost.md", "B-broken.md"]) { add in
            for entry in cache.entries { add(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: cache.bytes[entry.bytes]))) }
        }
        try planted.write(to: URL(fileURLWithPath: file))
        let ghosted = workspace.load(.item, startedAt: Self.later)
        #expect(ghosted.diagnostics.map(\.path) == ["backlog/B-0-ghost.md", "backlog/B-broken.md"])
        #expect(ghosted.records.map(\.id) == ["B-1", "B-2", "B-3"])
        // A file added: the folder's stamp changed, so it is listed again.
        try sandbox.write("---\nid: B-4\ntitle: T4\n---\n", to: "backlog/B-4.md", in: dir)
        let added = workspace.load(.item, startedAt: Self.later)
        #expect(added.records.map(\.id) == ["B-1", "B-2", "B-3", "B-4"] && added.diagnostics.map(\.path) == ["backlog/B-broken.md"])
    }

    /// With the folder's listing kept, names come from the cache's entries: a file broken in place
    /// (the folder's stamp unchanged) is reported by its name and kept as a name without an entry.
    @Test func aFileBrokenInPlaceUnderAKeptListing() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        for n in 1...3 { try sandbox.write("---\nid: B-\(n)\ntitle: T\(n)\n---\n", to: "backlog/B-\(n).md", in: dir) }
        let workspace = try Workspace.open(directory: dir)
        let file = cacheFile(workspace)
        Thread.sleep(forTimeInterval: 2.1)
        _ = workspace.load(.item, startedAt: Self.later)
        #expect(RecordCache(file: file, scope: workspace.recordCacheScope(.item))?.otherNames == [])
        let handle = try #require(FileHandle(forWritingAtPath: dir + "/backlog/B-2.md"))
        try handle.write(contentsOf: Data("---\nid: [\n---\n".utf8))
        try handle.truncate(atOffset: 14)
        try handle.close()
        let loaded = workspace.load(.item, startedAt: Self.later)
        #expect(loaded.records.map(\.id) == ["B-1", "B-3"] && loaded.diagnostics.map(\.path) == ["backlog/B-2.md"])
        let cache = try #require(RecordCache(file: file, scope: workspace.recordCacheScope(.item)))
        #expect(cache.otherNames == ["B-2.md"] && cache.names == ["B-1.md", "B-3.md"])
    }

    @Test func markdownFilesAreListedInByteOrder() throws {
        let sandbox = try Sandbox()
        let dir = sandbox.path("names")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for name in ["b.md", "B-2.md", "é.md", "B-10.md", ".hidden.md", "notes.txt", ".md", "a.md.bak", "z.MD"] {
            try Data().write(to: URL(fileURLWithPath: dir + "/" + name))
        }
        let fd = open(dir, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        #expect(Workspace.markdownFiles(in: fd) == ["B-10.md", "B-2.md", "b.md", "é.md"])
    }

    @Test func sameSizeEditWithOldMtimeIsReadAgain() throws {
        let sandbox = try Sandbox()
        let dir = try board(sandbox)
        let workspace = try Workspace.open(directory: dir)
        _ = workspace.load(.item, startedAt: Self.later)
        let path = dir + "/backlog/B-hand-written.md"
        var before = stat()
        #expect(lstat(path, &before) == 0)
        let edited = Self.handWritten.replacingOccurrences(of: "status: todo", with: "status: done")
        #expect(edited.utf8.count == Self.handWritten.utf8.count)
        try Data(edited.utf8).write(to: URL(fileURLWithPath: path))
        // Put the modification time back: only the ctime (and maybe the inode) tells.
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        let warm = workspace.load(.item, startedAt: Self.later)
        #expect(warm.records.first { $0.id == "B-hand" }?.status == "done")
        #expect(Self.describe(warm) == Self.describe(Workspace(root: workspace.root, config: workspace.config, repository: nil).load(.item)))
    }

    @Test func newDeletedAndRenamedFiles() throws {
        let sandbox = try Sandbox()
        let dir = try board(sandbox)
        let workspace = try Workspace.open(directory: dir)
        let cold = workspace.load(.item, startedAt: Self.later)
        let victims = cold.records.prefix(2).map(\.path)
        #expect(unlink(dir + "/" + victims[0]) == 0)
        #expect(rename(dir + "/" + victims[1], dir + "/backlog/B-renamed.md") == 0)
        try sandbox.write(Self.handWritten.replacingOccurrences(of: "B-hand", with: "B-new"), to: "backlog/B-new.md", in: dir)
        let warm = workspace.load(.item, startedAt: Self.later)
        let plain = Workspace(root: workspace.root, config: workspace.config, repository: nil).load(.item)
        #expect(Self.describe(warm) == Self.describe(plain))
        #expect(!warm.records.contains { $0.path == victims[0] || $0.path == victims[1] })
        #expect(warm.records.contains { $0.path == "backlog/B-renamed.md" } && warm.records.contains { $0.id == "B-new" })
        let names = cachedNames(workspace)
        #expect(names.contains("B-renamed.md") && names.contains("B-new.md"))
        #expect(!names.contains((victims[0] as NSString).lastPathComponent))
    }

    @Test(arguments: ["truncated", "corrupt", "foreign", "empty"])
    func damagedCacheIsIgnoredAndRewritten(damage: String) throws {
        let sandbox = try Sandbox()
        let dir = try board(sandbox)
        let workspace = try Workspace.open(directory: dir)
        let cold = workspace.load(.item, startedAt: Self.later)
        let file = cacheFile(workspace)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        switch damage {
        case "truncated": bytes.removeLast(bytes.count / 3)
        case "corrupt": bytes[bytes.count / 2] ^= 0x5A
        case "foreign": bytes = Array("{\"not\": \"a cache\"}".utf8)
        default: bytes = []
        }
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        #expect(RecordCache(file: file, scope: workspace.recordCacheScope(.item)) == nil)
        let warm = workspace.load(.item, startedAt: Self.later)
        #expect(Self.describe(warm) == Self.describe(cold))
        #expect(cachedNames(workspace).count == cold.records.filter(Self.cacheable).count)
    }

    @Test func filesWrittenInTheSecondOfTheLoadAreNotCached() throws {
        let sandbox = try Sandbox()
        let dir = try board(sandbox)
        let workspace = try Workspace.open(directory: dir)
        let path = dir + "/backlog/B-hand-written.md"
        var info = stat()
        #expect(lstat(path, &info) == 0)
        // Written in the same second as the load began: not trusted, so not stored.
        _ = workspace.load(.item, startedAt: Int64(info.st_ctim.tv_sec))
        #expect(!cachedNames(workspace).contains("B-hand-written.md"))
        #expect(!FileStamp(info).isStorable(loadStartedAt: Int64(info.st_mtim.tv_sec)))
        #expect(FileStamp(info).isStorable(loadStartedAt: Int64(info.st_ctim.tv_sec) + 1))
        // Loaded later, it is.
        _ = workspace.load(.item, startedAt: Self.later)
        #expect(cachedNames(workspace).contains("B-hand-written.md"))
    }

    @Test func boardWithoutRepositoryWorks() throws {
        let sandbox = try Sandbox()
        let dir = sandbox.path("plain")
        try sandbox.write(try String(contentsOfFile: Sandbox.packageRoot + "/board-template/board.yml", encoding: .utf8),
                          to: "board.yml", in: dir)
        try sandbox.write(Self.handWritten, to: "backlog/B-hand-written.md", in: dir)
        let workspace = try Workspace.open(directory: dir)
        #expect(workspace.repository == nil)
        let first = workspace.load(.item, startedAt: Self.later)
        #expect(first.records.map(\.id) == ["B-hand"] && first.records[0].document.origin == nil)
        #expect(Self.describe(workspace.load(.item)) == Self.describe(first))
        let list = try sandbox.board("list", in: dir)
        #expect(list.status == 0 && list.stdout.contains("B-hand"))
    }

    /// The record cache is found without starting libgit2; it must be where libgit2 would put it.
    @Test func cacheLocationFoundWithoutLibgit2IsTheRepositorys() throws {
        let sandbox = try Sandbox()
        let repo = try sandbox.makeRepo()
        let template = try String(contentsOfFile: Sandbox.packageRoot + "/board-template/board.yml", encoding: .utf8)
        try sandbox.write(template, to: "board.yml", in: repo)
        try sandbox.write(template, to: "teams/red/board.yml", in: repo)
        try sandbox.write("x", to: "README.md", in: repo)
        try sandbox.git("-C", repo, "add", "-A")
        try sandbox.git("-C", repo, "commit", "-q", "-m", "boards")
        // A linked work tree has a `.git` file, which is left to libgit2.
        try sandbox.git("-C", repo, "worktree", "add", "-q", sandbox.path("linked"))
        for dir in [repo, repo + "/teams/red", sandbox.path("linked"), sandbox.path("linked") + "/teams/red"] {
            let location = try #require(try Workspace.open(directory: dir).cacheLocation)
            let opened = try Workspace.open(directory: dir)
            let repository = try #require(opened.repository)
            #expect(location.gitDir == repository.gitDir && location.prefix == opened.repoPrefix, "\(dir)")
            #expect(location.prefix == (dir.hasSuffix("/teams/red") ? "teams/red/" : ""), "\(dir)")
        }
    }

    @Test func aCachedRecordWhoseFileIsGoneOrBrokenHasNoBody() throws {
        let sandbox = try Sandbox()
        let dir = try board(sandbox)
        let workspace = try Workspace.open(directory: dir)
        _ = workspace.load(.item, startedAt: Self.later)
        let records = workspace.load(.item, startedAt: Self.later).records.filter { $0.document.origin != nil }
        let (gone, broken) = (records.first { $0.id == "B-hand" }!, records.first { $0.id != "B-hand" }!)
        #expect(!gone.bodyText.isEmpty && !broken.bodyText.isEmpty)
        // Deleted, or cut before its closing line, after the load (a checkout, an editor saving):
        // reading the body gives nothing rather than stopping the program.
        unlink(workspace.absolute(gone.path))
        try sandbox.write("---\nid: x\n", to: broken.path, in: dir)
        #expect(gone.bodyText.isEmpty && gone.checklist.isEmpty)
        #expect(broken.bodyText.isEmpty)
    }

    @Test func writesAfterACachedLoadKeepTheFileByteForByte() throws {
        let sandbox = try Sandbox()
        let dir = try board(sandbox)
        // The malformed files would stop `rank` renumbering; keep a clean backlog.
        for name in try FileManager.default.contentsOfDirectory(atPath: dir + "/backlog") where name.hasPrefix("B-m") {
            unlink(dir + "/backlog/" + name)
        }
        _ = try sandbox.git("-C", dir, "config", "user.name", "Test Author")
        _ = try sandbox.git("-C", dir, "config", "user.email", "author@example.com")
        _ = try sandbox.git("-C", dir, "add", "-A")
        _ = try sandbox.git("-C", dir, "commit", "-q", "-m", "hand-written item")
        let workspace = try Workspace.open(directory: dir)
        _ = workspace.load(.item, startedAt: Self.later)
        #expect(workspace.load(.item, startedAt: Self.later).records.allSatisfy { $0.document.origin != nil })
        let path = "backlog/B-hand-written.md"

        let original = try sandbox.read(path, in: dir)
        let head = "title: 'Hand: written' # a comment\n"
        let unknown = "custom_thing: {a: 1, b: [2, 3]}\nnotes: |\n  two\n  lines\n"
        let body = "---\n\nBody text stays.\n- [ ] criterion\n"
        func expectKept(_ expected: [String]) throws {
            let text = try sandbox.read(path, in: dir)
            #expect(text.contains(head) && text.contains(unknown) && text.hasSuffix(body), "\(text)")
            for line in expected { #expect(text.contains(line + "\n"), "\(line) in \(text)") }
        }

        // A cached record gives the file's real bytes and body; an edit starts from the file.
        let cached = workspace.load(.item, startedAt: Self.later).records.first { $0.id == "B-hand" }!
        #expect(cached.document.origin != nil)
        #expect(String(decoding: cached.document.data, as: UTF8.self) == original)
        #expect(cached.bodyText == "\nBody text stays.\n- [ ] criterion\n")
        var copy = cached
        copy.set("assignee", .string("ada"))
        #expect(copy.document.origin == nil)
        var fresh = try Record(path: path, data: Data(original.utf8))
        fresh.set("assignee", .string("ada"))
        #expect(copy.document.data == fresh.document.data)

        // `show` of a cached record prints the real body.
        let shown = try sandbox.board("show", "B-hand", in: dir)
        #expect(shown.stdout.contains("Body text stays.") && shown.stdout.contains("criterion"))

        _ = try workspace.setFields("B-hand", ["assignee=ada"])
        try expectKept(["assignee: ada", "status: todo", "rank: 0.5"])
        _ = workspace.load(.item, startedAt: Self.later)
        let done = workspace.config.statuses.last!.name
        _ = try workspace.moveItem("B-hand", to: done, force: true)
        try expectKept(["assignee: ada", "status: \(done)", "rank: 0.5"])
        _ = workspace.load(.item, startedAt: Self.later)
        _ = try workspace.rankItem("B-hand", .top)
        try expectKept(["assignee: ada", "status: \(done)"])
        #expect(try !sandbox.read(path, in: dir).contains("rank: 0.5\n"))
        #expect(try sandbox.git("-C", dir, "status", "--porcelain").isEmpty)
    }
}
