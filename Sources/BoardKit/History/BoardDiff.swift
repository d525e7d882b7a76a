import Foundation
import Rainbow

/// One line of a semantic diff: an item added or removed, or one of its fields moved.
public struct DiffRow: Sendable, Equatable {
    public enum Kind: String, Sendable { case added, removed, status, points, iteration, objective }
    public var id: String
    public var title: String
    public var kind: Kind
    public var before: String
    public var after: String

    /// `+` added, `-` removed, `~` changed, coloured on a terminal.
    public var mark: String {
        switch kind {
        case .added: return "+".green
        case .removed: return "-".red
        default: return "~".yellow
        }
    }

    public var jsonObject: [String: Any] {
        ["id": id, "title": title, "change": kind.rawValue, "before": before, "after": after]
    }
}

/// The semantic difference of a board's items between two versions.
public struct BoardDiff: Sendable {
    public var rows: [DiffRow] = []
    public var warnings: [Diagnostic] = []
    /// Net points into (positive) or out of (negative) each iteration; "" is no iteration.
    public var net: [String: Double] = [:]

    public init(changes: [ItemChange], warnings: [Diagnostic] = []) {
        self.warnings = warnings
        func points(_ s: ItemState?) -> String { s?.points?.compact ?? "-" }
        for change in changes.sorted(by: { $0.id < $1.id }) {
            let title = (change.after ?? change.before)?.title ?? ""
            for (side, sign) in [(change.before, -1.0), (change.after, 1.0)] {
                if let side, let p = side.points, p != 0 { net[side.iteration ?? "", default: 0] += sign * p }
            }
            switch (change.before, change.after) {
            case (nil, let after?):
                rows.append(DiffRow(id: change.id, title: title, kind: .added, before: "",
                                    after: "\(after.status), \(points(after)) pts" + (after.iteration.map { ", \($0)" } ?? "")))
            case (let before?, nil):
                rows.append(DiffRow(id: change.id, title: title, kind: .removed,
                                    before: "\(before.status), \(points(before)) pts" + (before.iteration.map { ", \($0)" } ?? ""), after: ""))
            case (let before?, let after?):
                for kind in [DiffRow.Kind.status, .points, .iteration, .objective] {
                    let key = kind.rawValue
                    guard before[key] != after[key] else { continue }
                    rows.append(DiffRow(id: change.id, title: title, kind: kind,
                                        before: before[key] ?? "-", after: after[key] ?? "-"))
                }
            case (nil, nil): break
            }
        }
        net = net.filter { $0.value != 0 }
    }

    /// `2 added, 1 removed, 3 changed; points: 2026-S05 +5, no iteration -3`.
    public var summary: String {
        let added = rows.filter { $0.kind == .added }.count
        let removed = rows.filter { $0.kind == .removed }.count
        let changed = Set(rows.filter { $0.kind != .added && $0.kind != .removed }.map(\.id)).count
        var text = "board: \(added) added, \(removed) removed, \(changed) changed"
        if !net.isEmpty {
            text += "; points: " + net.sorted { $0.key < $1.key }.map { key, value in
                (key.isEmpty ? "no iteration" : key) + " " + (value > 0 ? "+" : "") + value.compact
            }.joined(separator: ", ")
        }
        return text
    }

    public var jsonObject: [String: Any] {
        ["changes": rows.map(\.jsonObject), "summary": summary,
         "net_points": Dictionary(uniqueKeysWithValues: net.map { ($0.key.isEmpty ? "none" : $0.key, $0.value) })]
    }

    /// A Markdown table for a pull-request comment.
    public var markdown: String {
        var out = "### Board changes\n\n"
        if rows.isEmpty { return out + "No item changes.\n" }
        out += "| item | change | before | after |\n| --- | --- | --- | --- |\n"
        func cell(_ s: String) -> String { s.isEmpty ? "" : s.replacingOccurrences(of: "|", with: "\\|") }
        for row in rows {
            out += "| \(row.id) \(cell(row.title)) | \(row.kind.rawValue) | \(cell(row.before)) | \(cell(row.after)) |\n"
        }
        return out + "\n" + summary + "\n"
    }
}

extension Workspace {
    /// The semantic diff between two versions of the board's items.
    public func diff(from old: TreeSide, to new: TreeSide) throws -> BoardDiff {
        guard let repository else { throw BoardError.usage("the board is not in a Git repository") }
        let reader = ItemReader(repository: repository, prefix: repoPrefix)
        var before: [String: ItemState] = [:], after: [String: ItemState] = [:], kept: [ItemState] = []
        for file in try repository.changes(from: old, to: new, under: [backlogSpec]) {
            let item = file.oldPath.flatMap { reader.item(path: $0, blob: file.oldBlob, where: "old version") }
            if let item { before[item.id] = item }
            if let path = file.newPath {
                if let now = reader.item(path: path, blob: new == .workdir ? nil : file.newBlob, where: "new version") {
                    after[now.id] = now
                } else if let item {
                    kept.append(item)  // unreadable now (a warning says why): it keeps its last good state, as history does
                }
            }
        }
        for item in kept where after[item.id] == nil { after[item.id] = item }
        var changes: [ItemChange] = []
        for id in Set(before.keys).union(after.keys) {
            let change = ItemChange(id: id, before: before[id], after: after[id])
            if change.before == nil || change.after == nil || !change.changedKeys.isEmpty { changes.append(change) }
        }
        return BoardDiff(changes: changes, warnings: reader.warnings)
    }

    /// `board diff` arguments: nothing (work tree against HEAD, or the index with `staged`),
    /// `REV` (the work tree against REV) or `A..B`.
    public func diff(range: String?, staged: Bool = false) throws -> BoardDiff {
        guard let repository else { throw BoardError.usage("the board is not in a Git repository") }
        func commit(_ rev: String) throws -> OID? {
            if rev == "HEAD", case .unborn = try repository.head() { return nil }
            do { return try repository.resolve(rev) } catch { throw BoardError.usage("unknown revision \(rev)") }
        }
        guard let range else { return try diff(from: .commit(try commit("HEAD")), to: staged ? .index : .workdir) }
        if staged { throw BoardError.usage("--staged compares the index with HEAD; it takes no revisions") }
        if let dots = range.range(of: "..") {
            let a = String(range[..<dots.lowerBound]), b = String(range[dots.upperBound...])
            return try diff(from: .commit(try commit(a.isEmpty ? "HEAD" : a)), to: .commit(try commit(b.isEmpty ? "HEAD" : b)))
        }
        return try diff(from: .commit(try commit(range)), to: .workdir)
    }

    /// The board as staged in the index (for the pre-commit hook): `board.yml` and every record.
    public func stagedSnapshot() throws -> BoardSnapshot {
        guard let repository else { throw BoardError.usage("the board is not in a Git repository") }
        let config = try Self.stagedConfig(repository, prefix: repoPrefix)
        var loaded: [RecordKind: LoadResult] = [:]
        for kind in RecordKind.allCases {
            var result = LoadResult(records: [], diagnostics: [])
            let files = try repository.changes(from: .commit(nil), to: .index, under: [repoPrefix + kind.folder])
            for file in files.sorted(by: { ($0.newPath ?? "") < ($1.newPath ?? "") }) {
                guard let full = file.newPath, let blob = file.newBlob, full.hasSuffix(".md") else { continue }
                let path = String(full.dropFirst(repoPrefix.count))
                guard !path.dropFirst(kind.folder.count + 1).contains("/"),
                      !(path as NSString).lastPathComponent.hasPrefix(".") else { continue }
                do {
                    let data = try repository.blob(blob)
                    if let line = conflictMarkerLine(in: data) {
                        throw BoardError.invalidFile(Diagnostic(path: path, line: line, message: "unresolved merge conflict marker"))
                    }
                    result.records.append(try Record(path: path, data: data))
                } catch {
                    if case BoardError.invalidFile(let d) = error { result.diagnostics.append(d) }
                    else { result.diagnostics.append(Diagnostic(path: path, message: "\(error)")) }
                }
            }
            loaded[kind] = result
        }
        return BoardSnapshot(config: config, items: loaded[.item]!.records, iterations: loaded[.iteration]!.records,
                             objectives: loaded[.objective]!.records, changes: loaded[.change]!.records,
                             loadDiagnostics: RecordKind.allCases.flatMap { loaded[$0]!.diagnostics })
    }
}
