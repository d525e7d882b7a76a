import Foundation

/// A blob read at a path (the path goes into the parsed state and its diagnostics).
struct BlobKey: Hashable, Sendable {
    var blob: OID
    var path: String
}

/// What one commit changed under the board, read ahead of the fold.
struct CommitRead: Sendable {
    var info: CommitInfo
    /// Changed files whose old and new paths (when present) are in the backlog.
    var items: [FileChange]
    /// Ids of the iteration files this commit wrote with a `commitment`, in diff order.
    var committed: [String]
}

/// Reads commits' tree diffs and parses the changed item blobs, on several threads when there
/// are enough commits. Each thread has its own `git_repository` handle and takes runs of
/// consecutive commits (so libgit2's tree cache still serves a parent's tree). Finished runs are
/// handed on in commit order, to be folded into the timeline one run at a time while the other
/// runs are read (`read(_:into:progress:)`).
struct HistoryReader {
    let gitDir: String
    let prefix: String
    let backlog: String
    let iterations: String

    /// Commits per run taken by a thread.
    var run = 50
    /// At most this many threads (default: the cores, up to 4).
    var threads: Int?
    /// False to read only the iteration files of each commit (no backlog diff, no item blob).
    var withItems = true

    /// How many threads to use for `work` pieces of work.
    func threadCount(_ work: Int) -> Int {
        Repository.threadSafe ? max(1, min(threads ?? min(ProcessInfo.processInfo.activeProcessorCount, 4), work)) : 1
    }

    func read(_ commits: [OID], progress: ((Int, Int) -> Void)?) throws -> (commits: [CommitRead], parsed: [BlobKey: Result<ItemState, BoardError>]) {
        try readRuns(commits, progress: progress, consume: nil).result(count: commits.count)
    }

    /// Reads `commits` and adds them to `fold` in commit order while the reading goes on: a run is
    /// folded as soon as the runs before it are, by whichever thread finished it (one at a time),
    /// with the item blobs the runs parsed.
    func read(_ commits: [OID], into fold: inout TimelineFold, progress: ((Int, Int) -> Void)?) throws {
        final class Box: @unchecked Sendable {
            var fold: TimelineFold
            init(_ fold: TimelineFold) { self.fold = fold }
        }
        let box = Box(fold)
        fold = TimelineFold(timeline: Timeline(), reader: fold.reader)  // not to copy the timeline on write
        let shared = try readRuns(commits, progress: progress) { reads, shared in
            box.fold.reader.shared = shared
            for read in reads { box.fold.add(read) }
        }
        if let error = shared.error { throw error }
        box.fold.reader.shared = nil
        fold = box.fold
        releaseAside(consume shared)
    }

    private func readRuns(_ commits: [OID], progress: ((Int, Int) -> Void)?,
                          consume: (@Sendable ([CommitRead], Shared) -> Void)?) throws -> Shared {
        // A few commits go in shorter runs, two a thread, so that every thread has work (a run
        // reads the tree of its first commit's parent again).
        let most = 2 * threadCount(commits.count)
        var reader = self
        reader.run = min(run, max(8, (commits.count + most - 1) / most))
        let runs = (commits.count + reader.run - 1) / reader.run
        let threads = threadCount(runs)
        let shared = Shared(runs: runs)
        guard !commits.isEmpty else { return shared }
        let done = DispatchGroup()
        for _ in 1..<threads {
            done.enter()
            Thread { [reader] in reader.work(commits, shared, consume: consume); done.leave() }.start()
        }
        // This thread works too, and reports progress.
        var reported = 0
        reader.work(commits, shared, consume: consume) { reported = $0; progress?($0, commits.count) }
        done.wait()
        if reported < commits.count { progress?(commits.count, commits.count) }
        if let consume { shared.drain(consume, wait: true) }
        return shared
    }

    func work(_ commits: [OID], _ shared: Shared, consume: (@Sendable ([CommitRead], Shared) -> Void)?, progress: ((Int) -> Void)? = nil) {
        do {
            let repository = try Repository.open(gitDir: gitDir)
            while let run = shared.take() {
                let range = (run * self.run)..<min(commits.count, (run + 1) * self.run)
                let reads = try range.map { try read(commits[$0], in: repository, shared: shared) }
                let done = shared.finish(run, reads)
                progress?(done)
                if let consume { shared.drain(consume, wait: false) }
            }
        } catch {
            shared.fail(error)
        }
    }

    /// One commit: its info, the changed files, and every changed item blob parsed (once for all
    /// threads: a blob's old side was most often parsed as a new side by an earlier run).
    func read(_ oid: OID, in repository: Repository, shared: Shared) throws -> CommitRead {
        let info = try repository.commitInfo(oid)
        let parent = info.parents.first.flatMap(OID.init(hex:))
        var items: [FileChange] = []
        var committed: [String] = []
        for var file in try repository.changes(from: .commit(parent), to: .commit(oid), under: withItems ? [backlog, iterations] : [iterations]) {
            if let path = file.newPath, let blob = file.newBlob, path.hasPrefix(iterations + "/") {
                if let record = try? Record(path: path, document: FrontMatterDocument(data: try repository.blob(blob), path: path, topLevelOnly: true)),
                   record.has("commitment"), !record.id.isEmpty {
                    committed.append(record.id)
                }
            }
            // Only the backlog's side of a change: a file moved between backlog/ and iterations/
            // (paired as a rename) leaves the backlog, or comes into it.
            if file.oldPath?.hasPrefix(backlog + "/") != true { (file.oldPath, file.oldBlob) = (nil, nil) }
            if file.newPath?.hasPrefix(backlog + "/") != true { (file.newPath, file.newBlob) = (nil, nil) }
            guard file.oldPath != nil || file.newPath != nil else { continue }
            items.append(file)
            for (path, blob) in [(file.oldPath, file.oldBlob), (file.newPath, file.newBlob)] {
                guard let path, let blob else { continue }
                let boardPath = String(path.dropFirst(prefix.count))
                guard boardPath.hasSuffix(".md") else { continue }
                let key = BlobKey(blob: blob, path: boardPath)
                if shared.parsed(key) == nil { shared.store(key, ItemReader.parse(path: boardPath) { try repository.blob(blob) }) }
            }
        }
        return CommitRead(info: info, items: items, committed: committed)
    }

    /// Every item file of a commit, as if the commit had added them all, with their blobs parsed
    /// on several threads.
    func snapshot(_ oid: OID) throws -> (read: CommitRead, parsed: [BlobKey: Result<ItemState, BoardError>]) {
        let repository = try Repository.open(gitDir: gitDir)
        let info = try repository.commitInfo(oid)
        let files = try repository.changes(from: .commit(nil), to: .commit(oid), under: [backlog])
        let keys = files.compactMap { file -> BlobKey? in
            guard let path = file.newPath, let blob = file.newBlob else { return nil }
            let boardPath = String(path.dropFirst(prefix.count))
            return boardPath.hasSuffix(".md") ? BlobKey(blob: blob, path: boardPath) : nil
        }
        let threads = threadCount(keys.count / 256)
        let parts = concurrentMap(count: threads, runs: threads) { t -> Result<[(BlobKey, Result<ItemState, BoardError>)], Error> in
            Result {
                let handle = t == 0 ? repository : try Repository.open(gitDir: gitDir)
                return keys[(keys.count * t / threads)..<(keys.count * (t + 1) / threads)].map { key in
                    (key, ItemReader.parse(path: key.path) { try handle.blob(key.blob) })
                }
            }
        }
        var parsed: [BlobKey: Result<ItemState, BoardError>] = [:]
        parsed.reserveCapacity(keys.count)
        for part in parts { for (key, result) in try part.get() { parsed[key] = result } }
        return (CommitRead(info: info, items: files, committed: []), parsed)
    }

    /// State shared by the threads: the next run to take, finished runs, parsed blobs, the first error.
    final class Shared: @unchecked Sendable {
        let lock = NSLock()
        let runs: Int
        var next = 0
        var doneCount = 0
        var finished: [[CommitRead]]
        var parsed: [BlobKey: Result<ItemState, BoardError>] = [:]
        var error: Error?
        /// Held by the thread handing finished runs on (`drain`); the next run to hand on.
        let drainLock = NSLock()
        var nextToDrain = 0

        init(runs: Int) {
            self.runs = runs
            finished = Array(repeating: [], count: runs)
        }

        func take() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard error == nil, next < runs else { return nil }
            next += 1
            return next - 1
        }

        /// Stores a run's results; returns how many commits are done.
        func finish(_ run: Int, _ reads: [CommitRead]) -> Int {
            lock.lock(); defer { lock.unlock() }
            finished[run] = reads
            doneCount += reads.count
            return doneCount
        }

        /// Hands the finished runs to `consume`, in order, up to the first one not finished (and
        /// lets go of them). Without `wait`, leaves it to the thread already at it, unless that
        /// thread let go before the next run finished.
        func drain(_ consume: ([CommitRead], Shared) -> Void, wait: Bool) {
            repeat {
                if wait { drainLock.lock() } else if !drainLock.try() { return }
                while let reads = next(take: true) { consume(reads, self) }
                drainLock.unlock()
            } while !wait && next(take: false) != nil
        }

        /// The next run to hand on when it is finished, taken out when `take`.
        private func next(take: Bool) -> [CommitRead]? {
            lock.lock(); defer { lock.unlock() }
            // Every run has commits: an empty one is not finished yet.
            guard error == nil, nextToDrain < runs, !finished[nextToDrain].isEmpty else { return nil }
            defer { if take { finished[nextToDrain] = []; nextToDrain += 1 } }
            return finished[nextToDrain]
        }

        func parsed(_ key: BlobKey) -> Result<ItemState, BoardError>? {
            lock.lock(); defer { lock.unlock() }
            return parsed[key]
        }

        func store(_ key: BlobKey, _ result: Result<ItemState, BoardError>) {
            lock.lock(); defer { lock.unlock() }
            parsed[key] = result
        }

        func fail(_ e: Error) {
            lock.lock(); defer { lock.unlock() }
            if error == nil { error = e }
        }

        func result(count: Int) throws -> (commits: [CommitRead], parsed: [BlobKey: Result<ItemState, BoardError>]) {
            if let error { throw error }
            let commits = finished.flatMap { $0 }
            precondition(commits.count == count)
            return (commits, parsed)
        }
    }
}
