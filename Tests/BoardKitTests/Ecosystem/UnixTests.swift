import Foundation
import Testing

@testable import BoardKit

@Suite struct UnixTests {
    /// Sources the generated bash script in bash and completes a command line with it.
    private func complete(_ sandbox: Sandbox, _ line: String, in dir: String) throws -> [String] {
        let script = try sandbox.board("--generate-completion-script", "bash")
        #expect(script.status == 0)
        try sandbox.write(script.stdout, to: "board.bash", in: sandbox.root.path)
        let driver = """
            source "$1"
            COMP_LINE="$2"; COMP_POINT=${#COMP_LINE}
            read -ra COMP_WORDS <<< "$COMP_LINE"
            [[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
            COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
            COMPREPLY=()
            _board board "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let binDir = (Sandbox.boardBinary as NSString).deletingLastPathComponent
        let result = try sandbox.run("/bin/bash", ["-c", driver, "bash", sandbox.path("board.bash"), line], in: dir,
                                     environment: ["PATH": binDir + ":/usr/bin:/bin"])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test func bashCompletionOffersCommandsItemIDsAndStatuses() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let id = addedID(try sandbox.board("add", "Export invoices", "--tag", "billing", in: dir))
        try sandbox.write("---\nid: 2026-S05\nname: Sprint 5\n---\n", to: "iterations/2026-S05.md", in: dir)
        #expect(try complete(sandbox, "board mo", in: dir) == ["move"])
        #expect(try complete(sandbox, "board show ", in: dir) == [id])
        #expect(try complete(sandbox, "board move \(id) ", in: dir) == ["backlog", "ready", "in-progress", "review", "done"])
        #expect(try complete(sandbox, "board list --status re", in: dir) == ["ready", "review"])
        #expect(try complete(sandbox, "board export csv --iteration ", in: dir) == ["2026-S05"])
        #expect(try complete(sandbox, "board list --tag b", in: dir) == ["billing"])
        #expect(try complete(sandbox, "board list --type s", in: dir) == ["story", "spike"])
        for shell in ["zsh", "fish"] {
            let script = try sandbox.board("--generate-completion-script", shell)
            #expect(script.status == 0 && script.stdout.contains("board"))
        }
    }

    @Test func versionHelpAndBoardDir() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        let version = try sandbox.board("--version")
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .newlines).split(separator: ".").allSatisfy { Int($0) != nil })
        let help = try sandbox.board("help", "move")
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: board move <id> <status>"))
        #expect(try sandbox.board("help", "import", "jira-csv").stdout.contains("--points-field"))

        // BOARD_DIR instead of -C, from a folder that is not a board.
        let elsewhere = sandbox.path("elsewhere")
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        let added = try sandbox.board("add", "Via BOARD_DIR", in: elsewhere, environment: ["BOARD_DIR": dir])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try sandbox.board("list", "-q", in: elsewhere, environment: ["BOARD_DIR": dir]).stdout == addedID(added) + "\n")
        #expect(try sandbox.board("list", in: elsewhere).status == 2)
    }

    @Test(arguments: [
        // (lines of text, is a TTY, terminal rows, PAGER, expected pager)
        (30, true, 24, "less", "less"),
        (30, false, 24, "less", nil),   // not a terminal: never
        (10, true, 24, "less", nil),    // fits on the screen
        (30, true, 24, "", nil),        // PAGER= turns it off
        (30, true, 24, "cat", nil),
    ] as [(Int, Bool, Int, String, String?)])
    func pagerOnlyOnATerminalForLongText(lines: Int, tty: Bool, rows: Int, pager: String, expected: String?) {
        let text = Array(repeating: "line", count: lines).joined(separator: "\n")
        #expect(Pager.command(for: text, isTTY: tty, rows: rows, environment: ["PAGER": pager]) == expected)
    }

    @Test func listPagesThroughPagerOnlyOnATerminal() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        for n in 1...4 { try sandbox.board("add", "Item \(n)", in: dir) }
        let pager = ["PAGER": "sed s/^/PAGED:/", "LINES": "3"]
        // Off a terminal (captured output): printed directly, 1 header + 4 rows.
        let plain = try sandbox.board("list", in: dir, environment: pager)
        #expect(!plain.stdout.contains("PAGED:"))
        #expect(plain.stdout.split(separator: "\n").count == 5)
        // On a terminal (script(1) gives a pseudo-terminal), 5 lines > 3 rows: through $PAGER.
        let tty = try sandbox.run("/usr/bin/script", ["-qec", "\(Sandbox.boardBinary) list", "/dev/null"], in: dir,
                                  environment: pager)
        #expect(tty.stdout.components(separatedBy: "PAGED:").count - 1 == 5)
    }
}
