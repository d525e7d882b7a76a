import Foundation
import Testing

@testable import BoardKit

/// The output of a process run by a test.
struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// A temporary folder with a fake HOME, so no machine or user git config leaks in,
/// and helpers to run the real `git` and the built `board` binary inside it.
final class Sandbox {
    let root: URL
    let home: URL
    /// Fixed "today" for board and fixed dates for git.
    var today = "2026-03-02"
    var gitDate = "2026-03-02T10:00:00+00:00"

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("board-test-\(UUID().uuidString)")
        home = root.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GIT_") && !$0.key.hasPrefix("BOARD_") }
        env["HOME"] = home.path
        env["XDG_CONFIG_HOME"] = home.path
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        env["NO_COLOR"] = "1"
        env["BOARD_TODAY"] = today
        env["GIT_AUTHOR_DATE"] = gitDate
        env["GIT_COMMITTER_DATE"] = gitDate
        env["EDITOR"] = "true"
        return env
    }

    /// Runs a program with posix_spawn (Foundation's Process is not safe to use from
    /// many test threads at once on Linux), its output captured in files.
    @discardableResult
    func run(_ executable: String, _ arguments: [String], in directory: String? = nil,
             environment extra: [String: String] = [:], stdin: String? = nil) throws -> RunResult {
        let tag = UUID().uuidString
        let out = root.appendingPathComponent(".out-\(tag)").path
        let err = root.appendingPathComponent(".err-\(tag)").path
        let input = root.appendingPathComponent(".in-\(tag)").path
        try Data((stdin ?? "").utf8).write(to: URL(fileURLWithPath: input))
        defer { for file in [out, err, input] { unlink(file) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // `env -C DIR` sets the working folder of the child only.
        let argv = ["/usr/bin/env", "-C", directory ?? root.path, executable] + arguments
        let envp = environment.merging(extra) { _, new in new }.map { "\($0.key)=\($0.value)" }
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = envp.map { strdup($0) } + [nil]
        defer { (cArgs + cEnv).forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, nil, cArgs, cEnv)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EINVAL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = status & 0x7f == 0
        return RunResult(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f),
                         stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                         stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    /// Runs the real git; fails the test if it fails.
    @discardableResult
    func git(_ arguments: String..., in directory: String? = nil) throws -> String {
        let result = try run("/usr/bin/git", arguments, in: directory)
        if result.status != 0 {
            Issue.record("git \(arguments.joined(separator: " ")) failed: \(result.stderr)")
        }
        return result.stdout
    }

    /// Runs the built `board` executable.
    @discardableResult
    func board(_ arguments: String..., in directory: String? = nil,
               environment: [String: String] = [:], stdin: String? = nil) throws -> RunResult {
        try board(arguments, in: directory, environment: environment, stdin: stdin)
    }

    @discardableResult
    func board(_ arguments: [String], in directory: String? = nil,
               environment: [String: String] = [:], stdin: String? = nil) throws -> RunResult {
        try run(Self.boardBinary, arguments, in: directory, environment: environment, stdin: stdin)
    }

    /// A git repository with an identity in its own config, on branch main.
    func makeRepo(_ name: String = "repo") throws -> String {
        let dir = path(name)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try git("init", "-q", "-b", "main", dir)
        try git("-C", dir, "config", "user.name", "Test Author")
        try git("-C", dir, "config", "user.email", "author@example.com")
        return dir
    }

    /// A repository with a board laid down by `board init`.
    func makeBoard(_ name: String = "repo") throws -> String {
        let dir = try makeRepo(name)
        let result = try board("init", dir)
        #expect(result.status == 0, "board init failed: \(result.stderr)")
        return dir
    }

    func write(_ text: String, to relative: String, in directory: String) throws {
        let url = URL(fileURLWithPath: directory).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func read(_ relative: String, in directory: String) throws -> String {
        try String(contentsOfFile: URL(fileURLWithPath: directory).appendingPathComponent(relative).path, encoding: .utf8)
    }

    /// The package's own folder.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// The built `board` next to the test bundle.
    static let boardBinary: String = {
        var dir = Bundle.main.bundleURL
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("board").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return packageRoot + "/.build/debug/board"
    }()
}

/// The id printed by `board add`.
func addedID(_ result: RunResult) -> String {
    result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}
