import Foundation
import Testing
@testable import BoardKit

/// History reads commit-to-commit changes from the trees itself; it must list what libgit2's diff lists.
@Suite struct TreeDiffTests {
    @Test func treeWalkMatchesLibgit2sDiff() throws {
        let sandbox = try Sandbox()
        let repo = try sandbox.makeRepo()
        func commit(_ message: String, _ change: () throws -> Void) throws {
            try change()
            try sandbox.git("-C", repo, "add", "-A")
            try sandbox.git("-C", repo, "commit", "-q", "--allow-empty", "-m", message)
        }
        func write(_ path: String, _ text: String) throws { try sandbox.write(text, to: path, in: repo) }
        func remove(_ path: String) throws { try FileManager.default.removeItem(atPath: repo + "/" + path) }
        try commit("first") {
            for name in ["a", "b", "c", "d", "e"] { try write("backlog/\(name).md", "---\nid: \(name)\n---\n") }
            try write("iterations/S1.md", "---\nid: S1\n---\n")
            try write("other/x.md", "x")
        }
        try commit("modify two, touch another folder") {
            try write("backlog/b.md", "---\nid: b\nstatus: done\n---\n")
            try write("backlog/d.md", "---\nid: d\npoints: 3\n---\n")
            try write("other/x.md", "y")
        }
        try commit("add a nested folder and names that sort around it") {
            try write("backlog/n/inner.md", "inner")
            try write("backlog/n.md", "---\nid: n\n---\n")
            try write("backlog/n-z.md", "---\nid: nz\n---\n")
        }
        try commit("delete, and edit a nested file") {
            try remove("backlog/a.md")
            try write("backlog/n/inner.md", "inner 2")
        }
        try commit("executable bit only") {
            #expect(chmod(repo + "/backlog/c.md", 0o755) == 0)
        }
        try commit("a file becomes a folder") {
            try remove("backlog/e.md")
            try write("backlog/e.md/deep.md", "deep")
        }
        try commit("rename with an edit") {
            try remove("backlog/d.md")
            try write("backlog/d-renamed.md", "---\nid: d\npoints: 5\n---\n")
        }
        try commit("rename only: same content at the same place in the tree") {
            try remove("backlog/b.md")
            try write("backlog/b2.md", "---\nid: b\nstatus: done\n---\n")
        }
        try commit("remove the nested folder and the iterations") {
            try remove("backlog/n")
            try remove("iterations")
        }
        try commit("nothing under the folders") { try write("other/y.md", "y") }

        let repository = try Repository.discover(from: repo)
        let commits = try sandbox.git("-C", repo, "rev-list", "--reverse", "HEAD").split(separator: "\n").map { OID(hex: String($0))! }
        var walked = 0, declined = 0
        for (n, oid) in commits.enumerated() {
            let parent = n == 0 ? nil : commits[n - 1]
            for folders in [["backlog", "iterations"], ["backlog"], ["iterations"]] {
                let expected = try repository.diffChanges(from: .commit(parent), to: .commit(oid), under: folders)
                if let walk = try repository.treeChanges(from: parent, to: oid, under: folders) {
                    #expect(walk == expected, "commit \(n), \(folders)")
                    walked += 1
                } else {
                    // Only commits that both add and delete files are left to libgit2, which may pair them as renames.
                    #expect(expected.contains { $0.oldPath != $0.newPath }, "commit \(n)")
                    declined += 1
                }
            }
        }
        #expect(walked >= 20 && declined >= 3)
        // A folder written with a zero-padded mode (040000, as some old tools did) is still a folder.
        func tree(_ entries: [(mode: String, name: String, id: String)]) throws -> String {
            var bytes = Data()
            for e in entries {
                bytes += Data("\(e.mode) \(e.name)\u{0}".utf8)
                bytes += Data(stride(from: 0, to: 40, by: 2).map { UInt8(e.id.dropFirst($0).prefix(2), radix: 16)! })
            }
            let file = sandbox.path("tree.bin")
            try bytes.write(to: URL(fileURLWithPath: file))
            return try sandbox.git("-C", repo, "hash-object", "-t", "tree", "-w", "--literally", file).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func blob(_ text: String) throws -> String {
            try sandbox.write(text, to: "blob.txt", in: repo)
            return try sandbox.git("-C", repo, "hash-object", "-w", "blob.txt").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var padded: [OID] = []
        for text in ["one", "two"] {
            let inner = try tree([("100644", "deep.md", try blob(text))])
            let backlog = try tree([("100644", "a.md", try blob("a")), ("040000", "n", inner)])
            let root = try tree([("40000", "backlog", backlog)])
            let commit = try sandbox.git("-C", repo, "commit-tree", root, "-m", text).trimmingCharacters(in: .whitespacesAndNewlines)
            padded.append(OID(hex: commit)!)
        }
        let walk = try #require(try repository.treeChanges(from: padded[0], to: padded[1], under: ["backlog"]))
        #expect(walk == (try repository.diffChanges(from: .commit(padded[0]), to: .commit(padded[1]), under: ["backlog"])))
        #expect(walk.map(\.newPath) == ["backlog/n/deep.md"])
        // A file where a folder is expected is left to libgit2.
        #expect(try repository.treeChanges(from: commits[0], to: commits[1], under: ["backlog/b.md"]) == nil)
    }

    /// Trees of hundreds of entries (tens of KiB, so whole blocks of equal bytes are skipped) changed
    /// at random, diffed between consecutive commits (the new tree's entry offsets carried to the
    /// next diff), between commits far apart, and backwards, all against libgit2's diff.
    @Test func generatedHistoryMatchesLibgit2sDiff() throws {
        let sandbox = try Sandbox()
        let repo = try sandbox.makeRepo()
        var random = SplitMix(seed: 11)
        var files: Set<String> = []
        func name() -> String {
            let stem = String(repeating: "x", count: Int.random(in: 0...40, using: &random))
            return "backlog/B-\(Int.random(in: 1...5_000, using: &random))\(stem).md"
        }
        func write(_ path: String) throws {
            try sandbox.write("---\nid: \(path)\nrank: \(Int.random(in: 0...1_000_000, using: &random))\n---\n", to: path, in: repo)
            files.insert(path)
        }
        for _ in 0..<400 { try write(name()) }
        var commits: [OID] = []
        for n in 0..<40 {
            let edits = Int.random(in: 1...4, using: &random)
            switch n % 4 {
            case 0: for _ in 0..<edits { try write(name()) }  // adds
            case 1:  // deletes
                for path in files.sorted().shuffled(using: &random).prefix(edits) {
                    try FileManager.default.removeItem(atPath: repo + "/" + path)
                    files.remove(path)
                }
            case 2: try write("backlog/n\(n)/inner.md")  // a folder, with a file beside it that sorts around it
                try write("backlog/n\(n).md")
            default: break
            }
            for path in files.sorted().shuffled(using: &random).prefix(edits) { try write(path) }
            try sandbox.git("-C", repo, "add", "-A")
            try sandbox.git("-C", repo, "commit", "-q", "-m", "step \(n)")
            commits.append(OID(hex: try sandbox.git("-C", repo, "rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines))!)
        }
        let repository = try Repository.discover(from: repo)
        var pairs = zip(commits, commits.dropFirst()).map { ($0, $1) }
        pairs += (0..<20).map { _ in (commits.randomElement(using: &random)!, commits.randomElement(using: &random)!) }
        pairs += pairs.map { ($1, $0) }
        var walked = 0
        for (old, new) in pairs {
            let expected = try repository.diffChanges(from: .commit(old), to: .commit(new), under: ["backlog"])
            guard let walk = try repository.treeChanges(from: old, to: new, under: ["backlog"]) else { continue }
            #expect(walk == expected, "\(old.short)..\(new.short)")
            walked += 1
        }
        #expect(walked >= 60)
        // Big enough for whole 4 KiB blocks of equal bytes.
        let backlog = try sandbox.git("-C", repo, "rev-parse", "HEAD:backlog").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try repository.rawTree(OID(hex: backlog)!).bytes.count > 16_384)
    }
}
