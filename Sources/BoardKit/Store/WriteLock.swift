import Foundation

/// `.git/board.lock`: serialises processes that write the board.
///
/// The lock is an `flock` on the file, which the kernel drops when the owner
/// exits however it exits, so a lock file left by a killed process is stale by
/// construction and simply taken. The file holds the owner's pid for people
/// reading it and is removed on release.
final class WriteLock {
    let path: String
    private var fd: Int32 = -1
    /// True when the lock was left by a `board` process that died while holding it.
    private(set) var previousOwnerDied = false

    init(gitDir: String, timeout: TimeInterval = 60) throws {
        path = gitDir + "board.lock"
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let candidate = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard candidate >= 0 else {
                throw BoardError.usage("cannot create \(path): \(String(cString: strerror(errno)))")
            }
            if flock(candidate, LOCK_EX | LOCK_NB) == 0 {
                // The holder before us may have unlinked the file after we opened it:
                // the lock counts only if our descriptor is still the file at `path`.
                var mine = stat(), current = stat()
                if fstat(candidate, &mine) == 0, stat(path, &current) == 0,
                   mine.st_ino == current.st_ino, mine.st_dev == current.st_dev {
                    fd = candidate
                    // A pid left in the file means its writer died without releasing the lock
                    // (a normal release removes the file), possibly in the middle of a commit.
                    var buffer = [UInt8](repeating: 0, count: 32)
                    let count = pread(fd, &buffer, buffer.count, 0)
                    previousOwnerDied = count > 0
                        && pid_t(String(decoding: buffer.prefix(max(0, count)), as: UTF8.self)
                            .trimmingCharacters(in: .whitespacesAndNewlines)) != nil
                    ftruncate(fd, 0)
                    let text = "\(getpid())\n"
                    _ = text.withCString { write(fd, $0, strlen($0)) }
                    return
                }
            }
            close(candidate)
            if Date() > deadline {
                throw BoardError.usage("another board process has held \(path) for \(Int(timeout)) s; try again")
            }
            usleep(UInt32.random(in: 1_000...10_000))
        }
    }

    func release() {
        guard fd >= 0 else { return }
        unlink(path)
        close(fd)
        fd = -1
    }

    deinit { release() }
}

/// The board locks this process holds, by `.git` folder, with how many `exclusively` calls are
/// inside each; one recursive lock keeps the threads of the process in turn.
private final class HeldLocks: @unchecked Sendable {
    let turn = NSRecursiveLock()
    var held: [String: (lock: WriteLock, depth: Int)] = [:]
}
private let heldLocks = HeldLocks()

extension Workspace {
    /// Runs `body` holding `.git/board.lock`, so that what a command reads is what it changes: two
    /// `board` processes changing one item (or checking one WIP limit) cannot lose either change.
    /// Calls inside it share the lock. Outside a repository `body` just runs.
    public func exclusively<T>(_ body: () throws -> T) throws -> T {
        guard let gitDir = repository?.gitDir else { return try body() }
        let h = heldLocks
        h.turn.lock()
        defer { h.turn.unlock() }
        if let entry = h.held[gitDir] {
            h.held[gitDir] = (entry.lock, entry.depth + 1)
        } else {
            let lock = try WriteLock(gitDir: gitDir)
            if lock.previousOwnerDied { removeGitLocksLeftByAKilledWriter(gitDir: gitDir) }
            h.held[gitDir] = (lock, 1)
        }
        defer {
            if let entry = h.held[gitDir] {
                if entry.depth == 1 { entry.lock.release(); h.held[gitDir] = nil } else { h.held[gitDir] = (entry.lock, entry.depth - 1) }
            }
        }
        return try body()
    }
}
