import Foundation
import Testing

@testable import BoardKit

@Suite struct HooksAndIDsTests {
    @Test func repositoryHookFilesMatchTheInstalledScripts() throws {
        for (name, text) in Hooks.scripts {
            #expect(try String(contentsOfFile: Sandbox.packageRoot + "/hooks/" + name, encoding: .utf8) == text)
        }
    }

    @Test func hooksCheckTheIndexAppendTheDiffAndChainWithTheUsersHooks() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let id = addedID(try sandbox.board("add", "Export", "--points", "3", in: dir))
        // The user already has a pre-commit hook: it must keep running.
        try sandbox.write("#!/bin/sh\necho ran >> \"$(git rev-parse --git-dir)/user-hook-ran\"\n", to: ".git/hooks/pre-commit", in: dir)
        chmod(dir + "/.git/hooks/pre-commit", 0o755)
        let install = try sandbox.board("hooks", "install", in: dir)
        #expect(install.status == 0, "\(install.stderr)")
        #expect(install.stdout.contains("pre-commit.pre-board"))
        #expect(FileManager.default.isExecutableFile(atPath: dir + "/.git/hooks/prepare-commit-msg"))
        // Installing again updates board's own hooks and keeps the user's.
        #expect(try sandbox.board("hooks", "install", in: dir).stdout.contains("pre-commit: updated"))

        let path = try sandbox.git("-C", dir, "ls-files", "backlog/*.md").trimmingCharacters(in: .whitespacesAndNewlines)
        let good = try sandbox.read(path, in: dir)
        // Staged: an unknown status (line 4). The work tree is fixed afterwards, but the index is what counts.
        try sandbox.write(good.replacingOccurrences(of: "status: backlog", with: "status: nowhere"), to: path, in: dir)
        try sandbox.git("-C", dir, "add", path)
        try sandbox.write(good, to: path, in: dir)
        #expect(try sandbox.board("check", in: dir).status == 0)
        let staged = try sandbox.board("check", "--staged", in: dir)
        #expect(staged.status == 1)
        #expect(staged.stdout.contains("\(path):5: error: unknown status nowhere"))
        let blocked = try sandbox.run("/usr/bin/git", ["-C", dir, "commit", "-q", "-m", "bad"])
        #expect(blocked.status != 0)
        #expect(blocked.stderr.contains("\(path):5: error: unknown status nowhere"))
        #expect(try sandbox.read(".git/user-hook-ran", in: dir) == "ran\n")

        // A valid staged change: the commit message gets the board diff.
        try sandbox.write(good.replacingOccurrences(of: "status: backlog", with: "status: ready")
                              .replacingOccurrences(of: "points: 3", with: "points: 5"), to: path, in: dir)
        try sandbox.git("-C", dir, "add", path)
        let ok = try sandbox.run("/usr/bin/git", ["-C", dir, "commit", "-q", "-m", "Plan export"])
        #expect(ok.status == 0, "\(ok.stderr)")
        let message = try sandbox.git("-C", dir, "log", "-1", "--format=%B")
        #expect(message.hasPrefix("Plan export\n"))
        #expect(message.contains("\(id)  status  backlog"))
        // 3 → 5 points, no iteration: +2 points outside any iteration.
        #expect(message.contains("board: 0 added, 0 removed, 1 changed; points: no iteration +2"))

        // `git commit -a` stages into a temporary index (GIT_INDEX_FILE): that is the one checked.
        let fixed = try sandbox.read(path, in: dir)
        try sandbox.write(fixed.replacingOccurrences(of: "status: ready", with: "status: limbo"), to: path, in: dir)
        let all = try sandbox.run("/usr/bin/git", ["-C", dir, "commit", "-q", "-a", "-m", "bad too"])
        #expect(all.status != 0)
        #expect(all.stderr.contains("\(path):5: error: unknown status limbo"))
        try sandbox.write(fixed, to: path, in: dir)

        let uninstall = try sandbox.board("hooks", "uninstall", in: dir)
        #expect(uninstall.status == 0)
        #expect(!FileManager.default.fileExists(atPath: dir + "/.git/hooks/prepare-commit-msg"))
        #expect(try sandbox.read(".git/hooks/pre-commit", in: dir).contains("user-hook-ran"))
        // A hook that is not board's is never removed.
        #expect(try sandbox.board("hooks", "uninstall", in: dir).stdout.contains("pre-commit: not board's hook; left alone"))
    }

    @Test func fixIDsRenumbersTheNewerDuplicateAndItsDependents() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        func item(_ id: String, _ title: String, depends: [String] = []) -> String {
            "---\nid: \(id)\ntitle: \(title)\ntype: story\nstatus: backlog\ndepends_on: [\(depends.joined(separator: ", "))]\n---\n"
        }
        func commit(_ message: String, _ date: String) throws {
            try sandbox.git("-C", dir, "add", "-A")
            let r = try sandbox.run("/usr/bin/git", ["-C", dir, "commit", "-q", "-m", message],
                                    environment: ["GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date])
            #expect(r.status == 0, "\(r.stderr)")
        }
        // A deleted item's id must never come back.
        try sandbox.write(item("B-gone1", "Gone"), to: "backlog/B-gone1-gone.md", in: dir)
        try commit("gone", "2026-03-02T09:00:00+00:00")
        try sandbox.git("-C", dir, "rm", "-q", "backlog/B-gone1-gone.md")
        try commit("rm gone", "2026-03-02T09:30:00+00:00")
        try sandbox.git("-C", dir, "checkout", "-q", "-b", "other")
        // Clone 2 (later): the same id, and an item depending on it.
        try sandbox.write(item("B-same1", "Second"), to: "backlog/B-same1-second.md", in: dir)
        try sandbox.write(item("B-dep22", "Needs second", depends: ["B-same1"]), to: "backlog/B-dep22-needs-second.md", in: dir)
        try commit("second", "2026-03-03T10:00:00+00:00")
        try sandbox.git("-C", dir, "checkout", "-q", "main")
        // Clone 1 (earlier): the first item with that id, and its own dependent.
        try sandbox.write(item("B-same1", "First"), to: "backlog/B-same1-first.md", in: dir)
        try sandbox.write(item("B-dep11", "Needs first", depends: ["B-same1"]), to: "backlog/B-dep11-needs-first.md", in: dir)
        try commit("first", "2026-03-02T10:00:00+00:00")
        try sandbox.git("-C", dir, "merge", "-q", "--no-edit", "other")

        let check = try sandbox.board("check", in: dir)
        #expect(check.status == 1)
        #expect(check.stdout.contains("duplicate id B-same1"))
        let before = Int(try sandbox.git("-C", dir, "rev-list", "--count", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines))!

        let fix = try sandbox.board("fix-ids", "--format", "json", in: dir)
        #expect(fix.status == 0, "\(fix.stderr)")
        let done = try JSONSerialization.jsonObject(with: Data(fix.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(done.count == 1)
        let newID = done.first?["new_id"] as? String ?? ""
        #expect(done.first?["old_path"] as? String == "backlog/B-same1-second.md")
        #expect(done.first?["new_path"] as? String == "backlog/\(newID)-second.md")
        #expect(done.first?["dependents"] as? [String] == ["backlog/B-dep22-needs-second.md"])
        #expect(newID.hasPrefix("B-") && newID.count == 7 && newID != "B-same1" && newID != "B-gone1")

        // One commit; the board is valid; the renamed file holds the new id; only clone 2's dependent changed.
        #expect(Int(try sandbox.git("-C", dir, "rev-list", "--count", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines))! == before + 1)
        #expect(try sandbox.board("check", in: dir).status == 0)
        #expect(try sandbox.read("backlog/\(newID)-second.md", in: dir).contains("id: \(newID)\n"))
        #expect(try sandbox.read("backlog/B-dep22-needs-second.md", in: dir).contains("depends_on: [\(newID)]"))
        #expect(try sandbox.read("backlog/B-dep11-needs-first.md", in: dir).contains("depends_on: [B-same1]"))
        #expect(try sandbox.git("-C", dir, "status", "--porcelain") == "")
        #expect(try sandbox.board("fix-ids", in: dir).stderr.contains("no duplicate ids"))
    }

    @Test func idsOfDeletedItemsStayTaken() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let kept = addedID(try sandbox.board("add", "Kept", in: dir))
        let gone = addedID(try sandbox.board("add", "Gone", in: dir))
        try sandbox.git("-C", dir, "rm", "-q", "backlog/\(gone)-gone.md")
        try sandbox.git("-C", dir, "commit", "-q", "-m", "drop")
        let workspace = try Workspace.open(directory: dir)
        // `board add` and `fix-ids` draw new ids outside this set.
        #expect(workspace.idsInHistory() == [kept, gone])
        // The set is cached with the commit it was read up to: a later call adds only newer commits,
        // and deleting the cache gives the same answer.
        let later = addedID(try sandbox.board("add", "Later", in: dir))
        #expect(workspace.idsInHistory() == [kept, gone, later])
        let cache = try FileManager.default.contentsOfDirectory(atPath: dir + "/.git/board-cache").filter { $0.hasPrefix("ids-") }
        #expect(cache.count == 1)
        try FileManager.default.removeItem(atPath: dir + "/.git/board-cache/" + cache[0])
        #expect(workspace.idsInHistory() == [kept, gone, later])
    }
}
