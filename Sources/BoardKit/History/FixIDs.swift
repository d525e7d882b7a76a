import Foundation

/// One renumbering done by `board fix-ids`.
public struct Renumbering: Sendable, Equatable {
    public var oldID: String
    public var newID: String
    public var oldPath: String
    public var newPath: String
    /// Paths of the items whose `depends_on` was rewritten.
    public var dependents: [String]
}

extension Workspace {
    /// Gives every newer duplicate of an id a fresh id, renames its file and rewrites the
    /// `depends_on` lists that name it, all in one commit. Of two files with one id the
    /// older is the one whose id appeared first in history (all parents); the newer keeps
    /// the dependents that came with it, i.e. items added in or after the commit that added it.
    /// New ids are never ids seen anywhere in history, so a deleted item's id is not reused.
    public func fixIDs(options: WriteOptions = WriteOptions()) throws -> [Renumbering] {
        return try exclusively {
            let loaded = load(.item)
            if let bad = loaded.diagnostics.first { throw BoardError.invalidFile(bad) }
            let groups = Dictionary(grouping: loaded.records.filter { !$0.id.isEmpty }, by: { $0.id.lowercased() })
                .filter { $0.value.count > 1 }
            guard !groups.isEmpty else { return [] }
            guard let repository else { throw BoardError.usage("the board is not in a Git repository") }
            // The commit that first added each file, found by walking all parents oldest first.
            var addedBy: [String: (OID, Date)] = [:]
            try repository.requireFullHistory()
            let commits = try repository.walk(from: try repository.resolve("HEAD"), firstParent: false)
            for oid in commits {
                let info = try repository.commitInfo(oid)
                let parent = info.parents.first.flatMap(OID.init(hex:))
                for file in try repository.changes(from: .commit(parent), to: .commit(oid), under: [backlogSpec]) {
                    if let path = file.newPath, file.oldPath != file.newPath || file.oldBlob == nil,
                       addedBy[String(path.dropFirst(repoPrefix.count))] == nil {
                        addedBy[String(path.dropFirst(repoPrefix.count))] = (oid, info.time)
                    }
                }
            }
            var taken = idsInHistory().union(loaded.records.map(\.id)).union(Self.idsOfFiles(in: absolute(RecordKind.item.folder)))
            var changes: [String: Data?] = [:]
            var edited: [String: Record] = [:]
            var done: [Renumbering] = []
            // Edits start from the file on disk, not from the loaded (possibly cache-built) record.
            func current(_ record: Record) throws -> Record {
                try edited[record.path] ?? Record(path: record.path, data: Self.readFile(absolute(record.path), display: record.path))
            }
            for (_, group) in groups.sorted(by: { $0.key < $1.key }) {
                // Oldest first: by the commit that added the file, uncommitted files last, then by path.
                let sorted = group.sorted { a, b in
                    (addedBy[a.path]?.1 ?? .distantFuture, a.path) < (addedBy[b.path]?.1 ?? .distantFuture, b.path)
                }
                for newer in sorted.dropFirst() {
                    let newID = newID(taken: taken)
                    taken.insert(newID)
                    var record = try current(newer)
                    record.set("id", .string(newID))
                    record.set("updated", .date(Workspace.today))
                    let name = newer.fileName
                    let suffix = name.lowercased().hasPrefix(newer.id.lowercased())
                        ? String(name.dropFirst(newer.id.count)) : "-\(slugify(newer.title)).md"
                    let newPath = RecordKind.item.folder + "/" + newID + suffix
                    // Dependents that came with the newer item: added in or after its commit.
                    let origin = addedBy[newer.path]?.0
                    var dependents: [String] = []
                    for other in loaded.records where other.path != newer.path
                        && other.dependsOn.contains(where: { $0.caseInsensitiveCompare(newer.id) == .orderedSame }) {
                        let since = addedBy[other.path]?.0
                        guard since.map({ s in origin.map { repository.contains(s, ancestor: $0) } ?? false }) ?? true,
                              changes[other.path].map({ $0 != nil }) ?? true else { continue }
                        var dependent = try current(other)
                        dependent.set("depends_on", .list(dependent.dependsOn.map {
                            $0.caseInsensitiveCompare(newer.id) == .orderedSame ? newID : $0
                        }))
                        edited[other.path] = dependent
                        changes[other.path] = dependent.document.data
                        dependents.append(other.path)
                    }
                    changes[newer.path] = .some(nil)
                    edited[newer.path] = nil
                    changes[newPath] = record.document.data
                    done.append(Renumbering(oldID: newer.id, newID: newID, oldPath: newer.path, newPath: newPath,
                                            dependents: dependents))
                }
            }
            let summary = done.map { "\($0.oldID) → \($0.newID)" }.joined(separator: ", ")
            try save(changes, message: "board: fix-ids \(summary)", options: options)
            return done
        }
    }
}

extension Workspace {
    /// Every item id the history ever held (all branches merged in), so a new id never
    /// repeats a deleted or archived item's. Empty outside a repository.
    ///
    /// Kept in `.git/board-cache/ids-…` with the commit it was read up to, so the next call (every
    /// `board add`) reads only the item files that newer commits changed, not the whole timeline.
    func idsInHistory() -> Set<String> {
        guard let repository, let tip = try? repository.head().commit else { return [] }
        let key = repoPrefix.isEmpty ? "root" : repoPrefix.replacingOccurrences(of: "/", with: "_")
        let file = repository.gitDir + "board-cache/ids-v1-\(key).txt"
        var ids = Set<String>()
        var hidden: OID?
        if let text = try? String(contentsOfFile: file, encoding: .utf8) {
            let lines = text.split(separator: "\n").map(String.init)
            if let first = lines.first, let cached = OID(hex: first), repository.contains(tip, ancestor: cached) {
                ids = Set(lines.dropFirst())
                if cached == tip { return ids }
                hidden = cached
            }
        }
        guard let commits = try? repository.walk(from: tip, hiding: hidden, firstParent: false) else {
            return (try? timeline(allParents: true))?.everSeen ?? ids
        }
        for oid in commits {
            guard let info = try? repository.commitInfo(oid) else { continue }
            let parent = info.parents.first.flatMap(OID.init(hex:))
            for change in (try? repository.changes(from: .commit(parent), to: .commit(oid), under: [backlogSpec])) ?? [] {
                guard let blob = change.newBlob, let data = try? repository.blob(blob),
                      let record = try? Record(path: change.newPath ?? "", data: data), !record.id.isEmpty else { continue }
                ids.insert(record.id)
            }
        }
        try? atomicWrite(Data((([tip.hex] + ids.sorted()).joined(separator: "\n") + "\n").utf8), to: file)
        return ids
    }
}
