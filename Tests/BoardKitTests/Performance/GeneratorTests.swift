import Foundation
import Testing

/// `board dev generate` builds the benchmark boards: a history written as packs through libgit2.
@Suite struct GeneratorTests {
    @Test func historyIsPackedDeterministicAndClean() throws {
        let sandbox = try Sandbox()
        var trees: [String] = []
        for name in ["one", "two"] {
            let dir = sandbox.path(name)
            let result = try sandbox.board("dev", "generate", dir, "--items", "200", "--iterations", "20", "--commits", "1000")
            #expect(result.status == 0, "\(result.stderr)")
            try sandbox.git("-C", dir, "fsck", "--strict")
            #expect(try sandbox.git("-C", dir, "status", "--porcelain").isEmpty)
            // 20 iterations of 10 planned items: a plan, a start, 27 moves and a close each, after the init commit.
            #expect(try sandbox.git("-C", dir, "rev-list", "--count", "HEAD") == "601\n")
            // More than 500 commits: the objects are in two packs, not thousands of loose files
            // (only `board init`'s own commit is loose).
            let packs = try FileManager.default.contentsOfDirectory(atPath: dir + "/.git/objects/pack").filter { $0.hasSuffix(".pack") }
            #expect(packs.count == 2)
            let loose = try sandbox.git("-C", dir, "count-objects")
            #expect(Int(loose.split(separator: " ").first ?? "") ?? 99 < 20, "\(loose)")
            #expect(try sandbox.board("list", "-q", in: dir).stdout.split(separator: "\n").count == 200)
            trees.append(try sandbox.git("-C", dir, "rev-parse", "HEAD^{tree}"))
        }
        #expect(trees[0] == trees[1])
    }
}
