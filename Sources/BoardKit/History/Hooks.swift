import Foundation

/// The Git hooks `board hooks install` sets up (the same scripts are in the repository's `hooks/`).
public enum Hooks {
    /// A line every board hook holds, so `uninstall` removes only board's own.
    public static let marker = "# board hook"
    /// Suffix a user's existing hook is moved to; board's hook runs it first.
    public static let chainedSuffix = ".pre-board"

    public static let scripts: [String: String] = [
        "pre-commit": """
            #!/bin/sh
            # board hook: refuse a commit that leaves the staged board invalid.
            # Installed by `board hooks install`; `board hooks uninstall` removes it.
            BOARD="${BOARD:-board}"
            exec "$BOARD" check --staged --quiet

            """,
        "prepare-commit-msg": """
            #!/bin/sh
            # board hook: append the staged board changes to the commit message.
            # Installed by `board hooks install`; `board hooks uninstall` removes it.
            BOARD="${BOARD:-board}"
            case "$2" in merge|squash|commit) exit 0 ;; esac
            summary=$("$BOARD" diff --staged 2>/dev/null) || exit 0
            [ -n "$summary" ] && printf '\\n%s\\n' "$summary" >> "$1"
            exit 0

            """,
    ]

    /// The installed form: runs a chained user hook first, pins the board binary and folder.
    static func installed(_ name: String, binary: String, boardDir: String) -> String {
        var lines = scripts[name]!.components(separatedBy: "\n")
        let setup = [
            marker,
            "hook=\"$(dirname \"$0\")/\(name)\(chainedSuffix)\"",
            "if [ -x \"$hook\" ]; then \"$hook\" \"$@\" || exit $?; fi",
            "[ -x \(shellQuoted(binary)) ] && BOARD=${BOARD:-\(shellQuoted(binary))}",
            "export BOARD_DIR=\(shellQuoted(boardDir))",
        ]
        lines.insert(contentsOf: setup, at: 1)
        return lines.joined(separator: "\n")
    }

    static func shellQuoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

extension Workspace {
    /// The folder Git runs hooks from: `core.hooksPath` or `.git/hooks` (the main one, for a linked work tree too).
    var hooksFolder: String {
        guard let repository else { return "" }
        if let custom = repository.config("core.hooksPath"), !custom.isEmpty {
            return custom.hasPrefix("/") ? custom : (repository.workdir ?? repository.gitDir) + custom
        }
        return repository.commonDir + "hooks"
    }

    /// Installs board's hooks. A hook the user already has is kept: it is moved to
    /// `NAME.pre-board` and board's hook runs it first. Returns one line per hook.
    public func installHooks(binary: String) throws -> [String] {
        guard repository != nil else { throw BoardError.usage("the board is not in a Git repository") }
        let folder = hooksFolder
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var report: [String] = []
        for name in Hooks.scripts.keys.sorted() {
            let path = folder + "/" + name
            let existing = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
            if let existing, existing.contains(Hooks.marker) {
                report.append("\(name): updated")
            } else if existing != nil {
                if FileManager.default.fileExists(atPath: path + Hooks.chainedSuffix) {
                    throw BoardError.usage("\(path) exists and so does \(path + Hooks.chainedSuffix); remove one of them first")
                }
                guard rename(path, path + Hooks.chainedSuffix) == 0 else {
                    throw BoardError.usage("cannot move \(path): \(String(cString: strerror(errno)))")
                }
                report.append("\(name): installed; your hook is kept as \(name + Hooks.chainedSuffix) and runs first")
            } else {
                report.append("\(name): installed")
            }
            try atomicWrite(Data(Hooks.installed(name, binary: binary, boardDir: root).utf8), to: path)
            chmod(path, 0o755)
        }
        return report
    }

    /// Removes board's hooks (only those holding the marker) and puts back a chained user hook.
    public func uninstallHooks() throws -> [String] {
        guard repository != nil else { throw BoardError.usage("the board is not in a Git repository") }
        var report: [String] = []
        for name in Hooks.scripts.keys.sorted() {
            let path = hooksFolder + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else { report.append("\(name): not installed"); continue }
            guard String(decoding: data, as: UTF8.self).contains(Hooks.marker) else {
                report.append("\(name): not board's hook; left alone")
                continue
            }
            unlink(path)
            if rename(path + Hooks.chainedSuffix, path) == 0 {
                report.append("\(name): removed; your earlier hook is back")
            } else {
                report.append("\(name): removed")
            }
        }
        return report
    }
}
