import ArgumentParser
import BoardKit

extension Board {
    struct FixIDs: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fix-ids",
            abstract: "Give the newer of two items with one id (after a merge) a fresh id, rewriting the depends_on that name it.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @OptionGroup var write: WriteFlags

        func run() throws {
            let workspace = try global.workspace()
            let done = try workspace.fixIDs(options: write.options)
            if output.json {
                print(renderJSON(done.map { ["old_id": $0.oldID, "new_id": $0.newID, "old_path": $0.oldPath,
                                             "new_path": $0.newPath, "dependents": $0.dependents] as [String: Any] }))
                return
            }
            if done.isEmpty { if !global.quiet { printError("board fix-ids: no duplicate ids") }; return }
            for r in done {
                print("\(r.oldID) → \(r.newID)  \(r.newPath)" + (r.dependents.isEmpty ? "" : "  (depends_on rewritten in \(r.dependents.joined(separator: ", ")))"))
            }
        }
    }
}
