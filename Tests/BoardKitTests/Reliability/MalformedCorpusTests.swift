import Foundation
import Testing

@testable import BoardKit

/// One file of `Fixtures/malformed/`, with what `board` must say about it (from `EXPECTED.tsv`,
/// where each line number was worked out by hand from the file's bytes).
struct CorpusEntry: Sendable, CustomTestStringConvertible {
    var file: String
    var line: Int
    var severity: String
    var fragment: String
    /// `unreadable` (cannot be read), `invalid` (reads, breaks a rule) or `config` (a broken board.yml).
    var kind: String
    /// For files made at test time (too big to commit, or a symlink or folder): writes the file.
    var make: (@Sendable (_ absolutePath: String, _ outside: String) throws -> Void)? = nil

    var testDescription: String { file }

    /// The id named by the file name (`B-m01` of `B-m01-unterminated.md`), if it has one.
    var id: String? {
        let parts = file.split(separator: "-")
        return parts.count >= 3 ? "\(parts[0])-\(parts[1])" : nil
    }

    static let folder = Sandbox.packageRoot + "/Tests/BoardKitTests/Fixtures/malformed"

    static let committed: [CorpusEntry] = {
        let text = (try? String(contentsOfFile: folder + "/EXPECTED.tsv", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { row in
            let f = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return CorpusEntry(file: f[0], line: Int(f[1]) ?? 0, severity: f[2], fragment: f[3], kind: f[4])
        }
    }()

    /// Made at test time: a 50 MB file (its front matter never closes), front matter over 256 KiB,
    /// a symlink to a file outside the repository, and a folder named `x.md`.
    static let generated: [CorpusEntry] = [
        CorpusEntry(file: "B-g01-fifty-megabytes.md", line: 1, severity: "error", fragment: "unterminated front matter",
                    kind: "unreadable") { path, _ in
            var data = Data("---\nid: B-g01\n".utf8)
            data.append(Data(repeating: 0x61, count: 50_000_000))
            try data.write(to: URL(fileURLWithPath: path))
        },
        CorpusEntry(file: "B-g02-large-front-matter.md", line: 2, severity: "error", fragment: "larger than 256 KiB",
                    kind: "unreadable") { path, _ in
            let keys = (0..<20_000).map { "key\($0): some value\n" }.joined()  // 20,000 × ≥ 19 bytes > 256 KiB
            try Data(("---\nid: B-g02\n" + keys + "---\n").utf8).write(to: URL(fileURLWithPath: path))
        },
        CorpusEntry(file: "B-g03-link-outside.md", line: 1, severity: "error", fragment: "symbolic link: not followed",
                    kind: "unreadable") { path, outside in
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: outside + "/secret.md")
        },
        CorpusEntry(file: "x.md", line: 1, severity: "error", fragment: "is a directory", kind: "unreadable") { path, _ in
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try Data("---\nid: B-inner\ntitle: SECRET-INNER\ntype: story\nstatus: backlog\n---\n".utf8)
                .write(to: URL(fileURLWithPath: path + "/B-inner-x.md"))
        },
    ]
}

extension Sandbox {
    /// The board every corpus test starts from, made once and copied (saving a dozen processes per test).
    nonisolated(unsafe) static let templateSandbox = try? Sandbox()
    static let corpusTemplate = Result<String, Error> {
        guard let sandbox = templateSandbox else { throw POSIXError(.EIO) }
        let dir = try sandbox.makeBoard("template")
        for (id, rank) in [("B-good1", 1000), ("B-good2", 2000)] {
            try sandbox.write("---\nid: \(id)\ntitle: Good \(id)\ntype: story\nstatus: backlog\npoints: 3\nrank: \(rank)\n---\n",
                              to: "backlog/\(id)-good.md", in: dir)
        }
        try sandbox.git("-C", dir, "add", "-A")
        try sandbox.git("-C", dir, "commit", "-q", "-m", "good items")
        return dir
    }

    /// Runs `board` killed after `seconds` and limited to `memoryKiB` of address space, for hostile input:
    /// a hang or a runaway allocation shows as an exit status above 2 rather than stopping the tests.
    func boardBounded(_ arguments: [String], in directory: String, seconds: Int = 300,
                      memoryKiB: Int = 8 << 20, environment: [String: String] = [:]) throws -> RunResult {
        try run("/usr/bin/timeout", ["-s", "KILL", "\(seconds)", "/bin/sh", "-c", "ulimit -v \(memoryKiB) && exec \"$0\" \"$@\"",
                                     Self.boardBinary] + arguments, in: directory, environment: environment)
    }

    /// A board with two good items committed, and a folder outside the repository holding a
    /// valid-looking item that must never be read or written through a link.
    func makeCorpusBoard() throws -> (dir: String, outside: String) {
        let dir = path("repo")
        try FileManager.default.copyItem(atPath: try Self.corpusTemplate.get(), toPath: dir)
        let outside = path("outside")
        try write("---\nid: B-g03\ntitle: SECRET-OUTSIDE\ntype: story\nstatus: backlog\n---\n", to: "secret.md", in: outside)
        return (dir, outside)
    }
}

@Suite struct MalformedCorpusTests {
    @Test func corpusHoldsAtLeastFiftyFilesAllListed() throws {
        let items = try FileManager.default.contentsOfDirectory(atPath: CorpusEntry.folder).filter { $0.hasSuffix(".md") }
        let configs = try FileManager.default.contentsOfDirectory(atPath: CorpusEntry.folder + "/board-yml").map { "board-yml/" + $0 }
        #expect(items.count + configs.count >= 50)
        #expect(Set(items + configs) == Set(CorpusEntry.committed.map(\.file)), "EXPECTED.tsv lists exactly the corpus")
    }

    /// Every read command works on the other files and reports this one as `path:line: severity: message`;
    /// every write command on it refuses with exit 2; nothing crashes, hangs, or is written outside the board.
    @Test(arguments: CorpusEntry.committed.filter { $0.kind != "config" } + CorpusEntry.generated)
    func badItemFile(entry: CorpusEntry) throws {
        let sandbox = try Sandbox()
        let (dir, outside) = try sandbox.makeCorpusBoard()
        let path = "backlog/" + entry.file
        let absolute = dir + "/" + path
        if let make = entry.make {
            try make(absolute, outside)
        } else {
            try FileManager.default.copyItem(atPath: CorpusEntry.folder + "/" + entry.file, toPath: absolute)
        }
        if entry.file.hasPrefix("B-g01") == false {
            try sandbox.git("-C", dir, "add", "-A")
            try sandbox.git("-C", dir, "commit", "-q", "-m", "corpus file")
        }
        let before = try FileManager.default.contentsOfDirectory(atPath: dir + "/backlog").sorted()
        let bytes = entry.make == nil ? try Data(contentsOf: URL(fileURLWithPath: absolute)) : nil
        let secret = try Data(contentsOf: URL(fileURLWithPath: outside + "/secret.md"))
        let report = "\(path):\(entry.line): \(entry.severity): "
        var outputs: [String] = []
        func board(_ arguments: String...) throws -> RunResult {
            let result = try sandbox.boardBounded(arguments, in: dir)
            #expect((0...2).contains(result.status), "board \(arguments) crashed or hung: \(result.status) \(result.stderr.prefix(500))")
            #expect(!result.stderr.contains("Fatal error"), "\(result.stderr.prefix(500))")
            outputs.append(result.stdout + result.stderr)
            return result
        }
        func reports(_ text: String) -> Bool {
            text.split(separator: "\n").contains { $0.hasPrefix(report) && $0.contains(entry.fragment) }
        }

        // Read commands: the good items, and this file named with its line.
        let list = try board("list")
        #expect(list.status == 0)
        #expect(list.stdout.contains("B-good1") && list.stdout.contains("B-good2"))
        if entry.kind == "unreadable" { #expect(reports(list.stderr), "list stderr: \(list.stderr.prefix(500))") }
        let json = try board("list", "--format", "json")
        #expect(json.status == 0)
        let array = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(Set((array ?? []).compactMap { $0["id"] as? String }).isSuperset(of: ["B-good1", "B-good2"]))
        #expect(try board("show", "B-good1").stdout.contains("Good B-good1"))
        let check = try board("check")
        #expect(check.status == (entry.severity == "warning" ? 0 : 1))
        #expect(reports(check.stdout), "check: \(check.stdout.prefix(800))")
        let checkJSON = try board("check", "--format", "json")
        #expect(checkJSON.status == check.status && checkJSON.stdout.contains(entry.file))

        // Write commands on this file refuse with exit 2 and name it; other items can still be changed.
        if entry.kind == "unreadable", let id = entry.id {
            for arguments in [["move", id, "done"], ["set", id, "points=3"], ["rank", id, "--top"], ["edit", id]] {
                let refused = try sandbox.boardBounded(arguments, in: dir)
                #expect(refused.status == 2, "\(arguments): \(refused.status) \(refused.stderr)")
                #expect(refused.stderr.contains(path + ":"), "\(arguments): \(refused.stderr)")
            }
        }
        #expect(try board("move", "B-good1", "ready").status == 0)
        #expect(try board("add", "Still works").status == 0)

        // Nothing else changed: the bad file, the folder, the file outside; the repository is sound.
        if let bytes { #expect(try Data(contentsOf: URL(fileURLWithPath: absolute)) == bytes) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/backlog").sorted().count == before.count + 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: outside + "/secret.md")) == secret)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside) == ["secret.md"])
        #expect(!outputs.contains { $0.contains("SECRET-") }, "a file outside the board or inside a folder was read")
        #expect(!outputs.contains { $0.contains("\u{1B}[2J") || $0.contains("\u{7}") }, "control characters reached the terminal")
        #expect(!FileManager.default.fileExists(atPath: dir + "/pwned"))
        if entry.file.hasPrefix("B-g01") == false {
            #expect(try sandbox.git("-C", dir, "status", "--porcelain") == "")
        }
        let fsck = try sandbox.run("/usr/bin/git", ["-C", dir, "fsck", "--strict"])
        #expect(fsck.status == 0, "\(fsck.stderr)")
    }

    /// A broken board.yml stops every command with exit 2 and its line; nothing is written.
    @Test(arguments: CorpusEntry.committed.filter { $0.kind == "config" })
    func brokenBoardConfig(entry: CorpusEntry) throws {
        let sandbox = try Sandbox()
        let (dir, _) = try sandbox.makeCorpusBoard()
        try FileManager.default.removeItem(atPath: dir + "/board.yml")
        try FileManager.default.copyItem(atPath: CorpusEntry.folder + "/" + entry.file, toPath: dir + "/board.yml")
        try sandbox.git("-C", dir, "commit", "-q", "-am", "broken board.yml")
        let head = try sandbox.git("-C", dir, "rev-parse", "HEAD")
        for arguments in [["list"], ["show", "B-good1"], ["check"], ["add", "New"], ["move", "B-good1", "done"],
                          ["set", "B-good1", "points=5"], ["rank", "B-good1", "--bottom"], ["edit", "B-good1"]] {
            let result = try sandbox.boardBounded(arguments, in: dir)
            #expect(result.status == 2, "\(arguments): \(result.status) \(result.stderr.prefix(300))")
            let first = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
            #expect(first.hasPrefix("board.yml:\(entry.line): error: ") && first.contains(entry.fragment), "\(arguments): \(first)")
        }
        #expect(try sandbox.git("-C", dir, "rev-parse", "HEAD") == head)
        #expect(try sandbox.git("-C", dir, "status", "--porcelain") == "")
    }

    /// A board folder that is itself a symbolic link to a folder outside is neither read nor written.
    @Test func symlinkedFolderIsNotFollowed() throws {
        let sandbox = try Sandbox()
        let (dir, outside) = try sandbox.makeCorpusBoard()
        try FileManager.default.removeItem(atPath: dir + "/backlog")
        try FileManager.default.createSymbolicLink(atPath: dir + "/backlog", withDestinationPath: outside)
        let list = try sandbox.board("list", in: dir)
        #expect(list.status == 0)
        #expect(list.stderr.contains("backlog:1: error: symbolic link: not followed"))
        #expect(!list.stdout.contains("SECRET"))
        let check = try sandbox.board("check", in: dir)
        #expect(check.status == 1 && check.stdout.contains("backlog:1: error: symbolic link: not followed"))
        let add = try sandbox.board("add", "Through the link", in: dir)
        #expect(add.status == 2)
        #expect(add.stderr.contains("backlog is a symbolic link; not writing through it"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside) == ["secret.md"])
    }

    /// Ids given on the command line are looked up, never used as paths.
    @Test(arguments: ["../board", "../../etc/passwd", "/etc/passwd", "B-good1/../B-good2", "B-\u{1B}[2J"])
    func pathLikeIdsAreNotFound(id: String) throws {
        let sandbox = try Sandbox()
        let (dir, _) = try sandbox.makeCorpusBoard()
        for arguments in [["show", id], ["move", id, "done"], ["set", id, "points=1"], ["add", "X", "--depends-on", id]] {
            let result = try sandbox.board(arguments, in: dir)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains("no item with") || result.stderr.contains("no item with that id"), "\(result.stderr)")
        }
        #expect(try sandbox.git("-C", dir, "status", "--porcelain") == "")
    }
}
