import Foundation
import Testing

@testable import BoardKit

extension Sandbox {
    /// Starts `board` without waiting for it (output discarded); the caller waits or kills it.
    func spawnBoard(_ arguments: [String], in directory: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd in [Int32(0), 1, 2] { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
        let argv = ["/usr/bin/env", "-C", directory, Self.boardBinary] + arguments
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (cArgs + cEnv).forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, nil, cArgs, cEnv)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EINVAL) }
        return pid
    }

    /// Item files of a board that do not read as a complete item.
    func unreadableItems(in dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir + "/backlog").filter { $0.hasSuffix(".md") && !$0.hasPrefix(".") }
            .filter { name in
                let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/backlog/" + name))
                guard let record = try? Record(path: name, data: data) else { return true }
                return record.id.isEmpty || record.title.isEmpty || record.status.isEmpty
            }
    }
}

@Suite struct ConcurrencyAndFaultTests {
    /// 8 processes add items at once: every add is committed on the branch, none is lost.
    /// 25 adds each in `make test` (each add reads every item, so 800 takes minutes on two cores);
    /// `make test-long` sets `BOARD_CONCURRENT_ADDS=100`: 8 × 100 = 800 items.
    @Test func eightWritersAddAtOnce() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let writers = 8, adds = ProcessInfo.processInfo.environment["BOARD_CONCURRENT_ADDS"].flatMap(Int.init) ?? 25
        let loop = "i=0; while [ $i -lt \(adds) ]; do \"$0\" add \"writer $1 item $i\" || exit 1; i=$((i+1)); done"
        nonisolated(unsafe) var results = [RunResult?](repeating: nil, count: writers)
        nonisolated(unsafe) let shared = sandbox  // `run` is safe to call from many threads (see Sandbox)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: writers) { n in
            let result = try? shared.run("/bin/sh", ["-c", loop, Sandbox.boardBinary, "\(n)"], in: dir)
            lock.withLock { results[n] = result }
        }
        for result in results {
            #expect(result?.status == 0, "\(result?.stderr ?? "not run")")
        }
        let printed = results.flatMap { ($0?.stdout ?? "").split(separator: "\n").map(String.init) }
        // 8 writers × 25 adds = 200 ids (8 × 100 = 800 in make test-long), all different.
        let total = writers * adds
        #expect(printed.count == total)
        #expect(Set(printed).count == total)
        let files = try sandbox.git("-C", dir, "ls-tree", "-r", "--name-only", "HEAD", "backlog/")
            .split(separator: "\n").filter { $0.hasSuffix(".md") }
        #expect(files.count == total)
        let committedIDs = Set(files.map { name in
            let parts = name.dropFirst("backlog/".count).split(separator: "-")
            return "\(parts[0])-\(parts[1])"
        })
        #expect(committedIDs == Set(printed))
        // One commit for `board init`, then one per add: 1 + 200 (1 + 800 in make test-long).
        #expect(try sandbox.git("-C", dir, "rev-list", "--count", "HEAD") == "\(1 + total)\n")
        let fsck = try sandbox.run("/usr/bin/git", ["-C", dir, "fsck", "--strict"])
        #expect(fsck.status == 0, "\(fsck.stderr)")
        #expect(try sandbox.git("-C", dir, "status", "--porcelain") == "")
        #expect(!FileManager.default.fileExists(atPath: dir + "/.git/board.lock"), "the lock is removed on exit")
    }

    /// `board` killed with SIGKILL at random points while writing, 100 times: no item file is ever
    /// truncated, the repository stays valid, and the next command works (the stale lock is taken).
    @Test func killedWritersLeaveNoTruncatedFile() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        var ids: [String] = []
        for n in 0..<4 { ids.append(addedID(try sandbox.board("add", "Seed \(n)", in: dir))) }
        var generator = SplitMix(seed: UInt64(ProcessInfo.processInfo.environment["BOARD_KILL_SEED"].flatMap(UInt64.init) ?? 8))
        let kills = ProcessInfo.processInfo.environment["BOARD_KILLS"].flatMap(Int.init) ?? 100
        for round in 0..<kills {
            let id = generator.pick(ids)
            let arguments = generator.pick([
                ["add", "Killed \(round)", "--points", "3"], ["move", id, generator.pick(["ready", "done", "backlog"])],
                ["set", id, "points=\(generator.pick([1, 2, 3, 5]))", "note=round \(round)"], ["rank", id, "--top"],
            ])
            let pid = try sandbox.spawnBoard(arguments, in: dir)
            usleep(UInt32.random(in: 0...120_000, using: &generator))
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}

            #expect(try sandbox.unreadableItems(in: dir) == [], "round \(round): \(arguments)")
            let fsck = try sandbox.run("/usr/bin/git", ["-C", dir, "fsck", "--strict", "--no-dangling"])
            #expect(fsck.status == 0, "round \(round): \(fsck.stderr)")
            let next = try sandbox.board("add", "After kill \(round)", in: dir)
            #expect(next.status == 0, "round \(round): the next run fails: \(next.stderr)")
            if next.status == 0 { ids.append(addedID(next)) }
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir + "/backlog").filter { $0.hasSuffix(".tmp") }
            #expect(leftovers == [], "round \(round): the next write removes temporary files of killed writers")
        }
        let check = try sandbox.board("check", in: dir)
        #expect(check.status == 0, "\(check.stdout)")
    }

    /// Writes are refused during every Git operation that leaves the work tree half-done.
    @Test(arguments: ["rebase", "cherry-pick", "revert"])
    func writesAreRefusedDuringAnOperation(operation: String) throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let id = addedID(try sandbox.board("add", "Contested", in: dir))
        try sandbox.git("-C", dir, "checkout", "-q", "-b", "other")
        #expect(try sandbox.board("set", id, "points=1", in: dir).status == 0)
        let theirs = try sandbox.git("-C", dir, "rev-parse", "HEAD").trimmingCharacters(in: .newlines)
        try sandbox.git("-C", dir, "checkout", "-q", "main")
        #expect(try sandbox.board("set", id, "points=2", in: dir).status == 0)
        let first = try sandbox.git("-C", dir, "rev-parse", "HEAD").trimmingCharacters(in: .newlines)
        #expect(try sandbox.board("set", id, "points=3", in: dir).status == 0)
        switch operation {
        case "rebase": _ = try sandbox.run("/usr/bin/git", ["-C", dir, "rebase", "other"])
        case "cherry-pick": _ = try sandbox.run("/usr/bin/git", ["-C", dir, "cherry-pick", theirs])
        default: _ = try sandbox.run("/usr/bin/git", ["-C", dir, "revert", "--no-edit", first])  // points=3 came after: conflict
        }
        let status = try sandbox.run("/usr/bin/git", ["-C", dir, "status"]).stdout
        #expect(status.contains("rebas") || status.contains("cherry-pick") || status.contains("revert"), "\(status)")
        for arguments in [["add", "During"], ["move", id, "done"], ["set", id, "points=3"], ["rank", id, "--top"]] {
            let refused = try sandbox.board(arguments, in: dir)
            #expect(refused.status == 2, "\(operation) \(arguments): \(refused.stderr)")
            #expect(refused.stderr.contains("is in progress; finish or abort it"), "\(refused.stderr)")
        }
    }

    /// `board` never runs what board files contain: a hostile `$(...)`, backticks or a tag naming a
    /// command are text; the hook in `hooks/` runs only `board`.
    @Test func boardFilesNeverRunCode() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        try sandbox.write("""
            ---
            id: B-evil1
            title: $(touch pwned-title) `touch pwned-tick`
            type: !!python/object/apply:os.system ["touch pwned-tag"]
            status: backlog
            x: !ruby/object:Gem::Installer {i: x}
            ---
            """ + "\n", to: "backlog/B-evil1-evil.md", in: dir)
        try sandbox.write("name: X\nstatuses: [{name: backlog, category: todo}, {name: done, category: done}]\neditor: touch pwned-config\n",
                          to: "board.yml", in: dir)
        for arguments in [["list"], ["show", "B-evil1"], ["check"], ["move", "B-evil1", "done"], ["set", "B-evil1", "title=$(touch pwned-set)"]] {
            _ = try sandbox.board(arguments, in: dir)
        }
        let created = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("pwned") }
        #expect(created == [])
        // The shipped hooks run only board (the binary named by $BOARD, else `board` on PATH).
        for name in ["pre-commit", "prepare-commit-msg"] {
            let hook = try String(contentsOfFile: Sandbox.packageRoot + "/hooks/" + name, encoding: .utf8)
            let commands = hook.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.hasPrefix("#") && !$0.isEmpty }
            #expect(commands.first == "BOARD=\"${BOARD:-board}\"", "\(name)")
            // Every other line runs board or is a shell builtin (case, test, printf, exit).
            #expect(commands.dropFirst().allSatisfy { line in
                line.contains("\"$BOARD\"") || ["case ", "[ ", "printf ", "exit"].contains { line.hasPrefix($0) }
            }, "\(name): \(commands)")
        }
    }
}
