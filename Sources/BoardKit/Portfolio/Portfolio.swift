import Foundation
import Yams

/// One member board of a portfolio: a local path, or a Git URL with a branch and an optional sub-folder.
public struct PortfolioMember: Codable, Sendable, Equatable {
    public var name: String
    /// A local folder (from the portfolio folder, or absolute), read at its repository's HEAD commit.
    public var path: String?
    /// A Git URL, fetched by `board portfolio fetch`.
    public var url: String?
    /// The branch to fetch (default `main`).
    public var branch: String?
    /// The board's folder inside the repository (default: its root).
    public var folder: String?
    public var owner: String?

    public init(name: String, location: String, branch: String? = nil, folder: String? = nil, owner: String? = nil) {
        self.name = name
        if Self.isURL(location) { url = location } else { path = location }
        self.branch = branch
        self.folder = folder
        self.owner = owner
    }

    /// `scheme://...` or scp-like `user@host:path`.
    static func isURL(_ location: String) -> Bool {
        location.contains("://") || (location.contains("@") && location.contains(":") && !location.hasPrefix("/"))
    }

    public var location: String { url ?? path ?? "" }
    public var branchName: String { branch.flatMap { $0.isEmpty ? nil : $0 } ?? "main" }
    /// The folder prefix inside the repository: "" or "sub/dir/".
    var folderPrefix: String {
        let trimmed = (folder ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        return trimmed.isEmpty ? "" : trimmed + "/"
    }
}

/// `portfolio.yml`: the portfolio's name and member boards.
public struct PortfolioConfig: Codable, Sendable {
    public var name: String
    public var members: [PortfolioMember]?

    public init(data: Data, path: String = Portfolio.fileName) throws {
        let text = String(decoding: data, as: UTF8.self)
        do {
            self = try YAMLDecoder().decode(PortfolioConfig.self, from: text)
        } catch let error as YamlError {
            throw BoardError.invalidFile(FrontMatterDocument.diagnostic(for: error, path: path, offset: 0))
        } catch DecodingError.dataCorrupted(let context) where context.underlyingError is YamlError {
            throw BoardError.invalidFile(FrontMatterDocument.diagnostic(for: context.underlyingError as! YamlError, path: path, offset: 0))
        } catch let error as DecodingError {
            throw BoardError.invalidFile(Diagnostic(path: path, line: nil, message: BoardConfig.describe(error)))
        } catch {
            throw BoardError.invalidFile(Diagnostic(path: path, line: nil, message: "\(error)"))
        }
        var seen = Set<String>()
        for member in members ?? [] {
            if !seen.insert(member.name.lowercased()).inserted {
                throw BoardError.invalidFile(Diagnostic(path: path, message: "member \(member.name) is listed twice"))
            }
            if (member.url == nil) == (member.path == nil) {
                throw BoardError.invalidFile(Diagnostic(path: path, message: "member \(member.name) needs exactly one of path or url"))
            }
        }
    }
}

/// What the last good fetch of a URL member got, kept beside its cache.
public struct FetchRecord: Codable, Sendable {
    public var url: String
    public var branch: String
    public var commit: String
    public var fetched: Date
}

/// A portfolio: a board-style folder (its `board.yml` and `objectives/` hold the shared business
/// objectives) with `portfolio.yml` listing the member boards.
public final class Portfolio {
    public static let fileName = "portfolio.yml"

    public let workspace: Workspace
    public let config: PortfolioConfig

    init(workspace: Workspace, config: PortfolioConfig) {
        self.workspace = workspace
        self.config = config
    }

    public var members: [PortfolioMember] { config.members ?? [] }

    /// Finds the folder holding `portfolio.yml` at or above `directory`.
    public static func open(directory: String) throws -> Portfolio {
        var url = URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent(fileName).path) {
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path {
                throw BoardError.usage("not a portfolio: no \(fileName) in \(directory) or any parent folder (run `board portfolio init`)")
            }
            url = parent
        }
        let workspace = try Workspace.open(directory: url.path)
        guard workspace.root == url.path else {
            throw BoardError.usage("\(url.path) has \(fileName) but no \(BoardConfig.fileName) (run `board portfolio init` there)")
        }
        let data = try Workspace.readFile(workspace.absolute(fileName), display: fileName)
        return Portfolio(workspace: workspace, config: try PortfolioConfig(data: data))
    }

    /// Creates a portfolio in `directory`: a board (for the shared objectives) and `portfolio.yml`.
    public static func initialize(directory: String, template: String, name: String?,
                                  options: WriteOptions = WriteOptions()) throws -> Portfolio {
        let title = name ?? "Portfolio"
        let workspace = try Workspace.initialize(directory: directory, template: template, name: title, options: options)
        let text = """
            # portfolio.yml: the member boards of this portfolio. See docs/format.md.
            # Shared business objectives live in objectives/ (board objective add ...);
            # team objectives reference them with parent: ID.
            name: \(YAMLValue.string(title).rendered)
            members: []

            """
        try workspace.save([fileName: Data(text.utf8)], message: "board: portfolio init \(quoted(title))", options: options)
        return try open(directory: workspace.root)
    }

    /// Adds a member at the end of `members:` (the rest of the file is kept as written) and commits.
    public func add(_ member: PortfolioMember, options: WriteOptions = WriteOptions()) throws {
        guard isValidID(member.name) else { throw BoardError.usage("\(member.name): a member name is letters, digits, -, _ and .") }
        if members.contains(where: { $0.name.caseInsensitiveCompare(member.name) == .orderedSame }) {
            throw BoardError.usage("member \(member.name) already exists")
        }
        var lines = String(decoding: try Workspace.readFile(workspace.absolute(Self.fileName), display: Self.fileName),
                           as: UTF8.self).components(separatedBy: "\n")
        while lines.last == "" { lines.removeLast() }
        guard let start = lines.firstIndex(where: { $0.hasPrefix("members:") }) else {
            throw BoardError.invalidFile(Diagnostic(path: Self.fileName, message: "no members: key"))
        }
        lines[start] = "members:"
        // The list ends at the next top-level key (or the end of the file).
        var end = lines[(start + 1)...].firstIndex { !$0.isEmpty && !$0.hasPrefix(" ") && !$0.hasPrefix("-") && !$0.hasPrefix("#") } ?? lines.count
        while end > start + 1, lines[end - 1].trimmingCharacters(in: .whitespaces).isEmpty { end -= 1 }
        var entry = ["  - name: \(YAMLValue.string(member.name).rendered)"]
        let fields: [(String, String?)] = [("path", member.path), ("url", member.url), ("branch", member.branch),
                                           ("folder", member.folder), ("owner", member.owner)]
        for (key, value) in fields { if let value { entry.append("    \(key): \(YAMLValue.string(value).rendered)") } }
        lines.insert(contentsOf: entry, at: end)
        let data = Data((lines.joined(separator: "\n") + "\n").utf8)
        let updated = try PortfolioConfig(data: data)
        guard updated.members?.contains(member) == true else {
            throw BoardError.invalidFile(Diagnostic(path: Self.fileName, message: "cannot add to members: (write it as a block list)"))
        }
        try workspace.save([Self.fileName: data], message: "board: portfolio add \(member.name) \(member.location)", options: options)
    }

    /// The portfolio's shared objectives.
    public var objectives: [Record] { workspace.load(.objective).records }

    // MARK: Fetching

    /// `.git/board-portfolio/` of the portfolio's repository.
    var cacheFolder: String? { workspace.repository.map { $0.gitDir + "board-portfolio" } }

    func cachePath(_ member: PortfolioMember) throws -> String {
        guard let cacheFolder else { throw BoardError.usage("the portfolio is not in a Git repository; run `board portfolio init`") }
        return cacheFolder + "/" + member.name + ".git"
    }

    /// The last good fetch of a URL member, if any.
    public func lastFetch(_ member: PortfolioMember) -> FetchRecord? {
        guard let path = try? cachePath(member), let data = FileManager.default.contents(atPath: path + "/board-fetch.json") else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(FetchRecord.self, from: data)
    }

    /// Fetches a URL member's branch into its bare cache; the fetch counts (and is recorded with
    /// its time) only when the commit holds a board. Local members are read in place: nil.
    @discardableResult
    public func fetch(_ member: PortfolioMember) throws -> FetchRecord? {
        guard let url = member.url else { return nil }
        let path = try cachePath(member)
        let repository = try Repository.bare(at: path)
        let commit = try repository.fetch(url: url, branch: member.branchName)
        guard let data = try repository.file(member.folderPrefix + BoardConfig.fileName, at: commit) else {
            throw BoardError.usage("not a board (no \(member.folderPrefix)\(BoardConfig.fileName) on \(member.branchName) at \(commit.short))")
        }
        _ = try BoardConfig(data: data, path: "\(member.name): \(member.folderPrefix)\(BoardConfig.fileName)")
        let record = FetchRecord(url: url, branch: member.branchName, commit: commit.hex, fetched: Date())
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        try atomicWrite(try encoder.encode(record), to: path + "/board-fetch.json")
        return record
    }

    /// Fetches every URL member; one failing does not stop the others. Its message is kept
    /// (shown by `status` beside the last good data) until a fetch succeeds.
    public func fetchAll(progress: (PortfolioMember) -> Void = { _ in }) -> [(member: PortfolioMember, result: Result<FetchRecord, Error>)] {
        members.filter { $0.url != nil }.map { member in
            progress(member)
            let errorFile = cacheFolder.map { $0 + "/" + member.name + ".error" }
            do {
                let record = try fetch(member)!
                if let errorFile { unlink(errorFile) }
                return (member, .success(record))
            } catch {
                if let errorFile { try? atomicWrite(Data(memberMessage(error).utf8), to: errorFile) }
                return (member, .failure(error))
            }
        }
    }

    /// The message of a URL member's last failed fetch, if the last fetch failed.
    public func lastFetchError(_ member: PortfolioMember) -> String? {
        guard member.url != nil, let folder = cacheFolder,
              let data = FileManager.default.contents(atPath: folder + "/" + member.name + ".error") else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: Reading

    /// Every member read (concurrently), in the order of `portfolio.yml`.
    public func readAll() -> [(member: PortfolioMember, result: Result<MemberBoard, Error>)] {
        let objectives = self.objectives
        let members = self.members
        return concurrentMap(count: members.count, runs: members.count) { i in
            (members[i], Result { try self.read(members[i], objectives: objectives) })
        }
    }

    /// Where a member's data is: a repository and commit (the last good fetch, or a local
    /// repository's HEAD), or a local folder outside Git.
    struct Source {
        var repository: Repository?
        var commit: OID?
        var prefix = ""
        var fetched: Date?
        var folder: Workspace?
    }

    func source(_ member: PortfolioMember) throws -> Source {
        if member.url != nil {
            guard let fetched = lastFetch(member), let commit = OID(hex: fetched.commit) else {
                throw BoardError.usage("not fetched yet (run `board portfolio fetch`)")
            }
            return Source(repository: try Repository.bare(at: try cachePath(member)), commit: commit,
                          prefix: member.folderPrefix, fetched: fetched.fetched)
        }
        let given = member.path ?? ""
        let folder = URL(fileURLWithPath: given.hasPrefix("/") ? given : workspace.absolute(given))
            .appendingPathComponent(member.folderPrefix).standardizedFileURL.resolvingSymlinksInPath().path
        guard FileManager.default.fileExists(atPath: folder + "/" + BoardConfig.fileName) else {
            throw BoardError.usage("not a board (no \(BoardConfig.fileName) in \(folder))")
        }
        let local = try Workspace.open(directory: folder)
        if let repository = local.repository, let head = try? repository.head().commit {
            return Source(repository: repository, commit: head, prefix: local.repoPrefix)
        }
        return Source(folder: local)
    }

    /// A member board as last fetched (or, for a local path, as committed at HEAD), with the
    /// portfolio's objectives attached so its halting rule applies.
    public func read(_ member: PortfolioMember, objectives: [Record]? = nil) throws -> MemberBoard {
        try read(member, from: try source(member), objectives: objectives ?? self.objectives)
    }

    func read(_ member: PortfolioMember, from source: Source, objectives: [Record]) throws -> MemberBoard {
        var snapshot: BoardSnapshot
        if let repository = source.repository, let commit = source.commit {
            snapshot = try BoardSnapshot(repository: repository, commit: commit, prefix: source.prefix, name: member.name)
        } else {
            snapshot = source.folder!.snapshot()
        }
        snapshot.portfolioObjectives = objectives
        return MemberBoard(member: member, snapshot: snapshot, commit: source.commit?.hex, fetched: source.fetched)
    }

    /// Every member's status row (concurrently), in the order of `portfolio.yml`. A row read from
    /// a commit is cached in `.git/board-portfolio/NAME.status.json`, keyed by the commit, where in
    /// it the board is, today and the portfolio objectives' statuses, so a second run reads no member again.
    public func statusRows() -> [MemberStatus] {
        let objectives = self.objectives
        let halting = objectives.map { "\($0.id)=\($0.status)" }.sorted().joined(separator: ",")
        let members = self.members, portfolio = self
        return concurrentMap(count: members.count, runs: members.count) { i in
            let member = members[i]
            var row: MemberStatus
            do {
                let source = try portfolio.source(member)
                // Where the board is read matters as much as the commit (a member's `folder:` may change).
                let place = [member.path, member.url, member.branch, member.folder].map { $0 ?? "" }.joined(separator: "\u{1}")
                let key = source.commit.map { "v3 \($0.hex) \(Workspace.today) \(halting) \(place)" }
                let file = portfolio.cacheFolder.map { $0 + "/" + member.name + ".status.json" }
                if let key, let file, let data = FileManager.default.contents(atPath: file),
                   let cached = try? JSONDecoder().decode(CachedStatus.self, from: data), cached.key == key {
                    row = cached.row
                } else {
                    let board = try portfolio.read(member, from: source, objectives: objectives)
                    row = board.snapshot.status(of: member)
                    row.commit = board.commit
                    if let key, let file, let data = try? JSONEncoder().encode(CachedStatus(key: key, row: row)) {
                        try? atomicWrite(data, to: file)
                    }
                }
                row.member = member
                row.fetched = source.fetched
            } catch {
                row = MemberStatus(member: member, error: memberMessage(error))
            }
            if let fetchError = portfolio.lastFetchError(member) { row.error = "fetch failed: \(fetchError)" }
            return row
        }
    }

    private struct CachedStatus: Codable {
        var key: String
        var row: MemberStatus
    }

}

/// A member board read for the portfolio.
public struct MemberBoard {
    public var member: PortfolioMember
    public var snapshot: BoardSnapshot
    /// The commit read; nil for a folder outside Git.
    public var commit: String?
    /// When it was fetched; nil for a local path (read as it is now).
    public var fetched: Date?
}

extension BoardSnapshot {
    /// Reads a board from a commit's tree (not a work tree): `board.yml` and every folder's
    /// `*.md` blobs under `prefix` ("" or "sub/dir/"). Unreadable files become diagnostics.
    public init(repository: Repository, commit: OID, prefix: String, name: String) throws {
        guard let data = try repository.file(prefix + BoardConfig.fileName, at: commit) else {
            throw BoardError.usage("not a board (no \(prefix)\(BoardConfig.fileName) at \(commit.short))")
        }
        self.init(config: try BoardConfig(data: data, path: "\(name): \(BoardConfig.fileName)"), items: [])
        var loaded: [RecordKind: [Record]] = [:]
        for kind in RecordKind.allCases {
            let blobs = try repository.blobs(in: prefix + kind.folder, at: commit)
                .filter { $0.name.hasSuffix(".md") && !$0.name.hasPrefix(".") }.sorted { $0.name < $1.name }
            for (file, blob) in blobs {
                let path = kind.folder + "/" + file
                do {
                    let data = try repository.blob(blob)
                    if let line = conflictMarkerLine(in: data) {
                        throw BoardError.invalidFile(Diagnostic(path: path, line: line, message: "unresolved merge conflict marker"))
                    }
                    loaded[kind, default: []].append(try Record(path: path, data: data))
                } catch BoardError.invalidFile(let diagnostic) {
                    loadDiagnostics.append(diagnostic)
                }
            }
        }
        items = loaded[.item] ?? []
        iterations = loaded[.iteration] ?? []
        objectives = loaded[.objective] ?? []
        changes = loaded[.change] ?? []
    }
}

/// An error as one line for a member's row: the message without the `error:` prefix.
public func memberMessage(_ error: Error) -> String {
    if case BoardError.usage(let message) = error { return message }
    return "\(error)"
}
