import Foundation

/// Filters of `board list` and friends; an empty list matches everything.
public struct ItemFilter: Sendable {
    public var statuses: [String] = []
    public var types: [String] = []
    public var tags: [String] = []
    public var assignees: [String] = []
    public var iterations: [String] = []
    public var objectives: [String] = []

    public init(statuses: [String] = [], types: [String] = [], tags: [String] = [], assignees: [String] = [],
                iterations: [String] = [], objectives: [String] = []) {
        self.statuses = statuses
        self.types = types
        self.tags = tags
        self.assignees = assignees
        self.iterations = iterations
        self.objectives = objectives
    }

    public func matches(_ item: Record) -> Bool {
        // The value is read only when its filter is set (listing everything reads nothing here).
        func ok(_ wanted: [String], _ value: @autoclosure () -> String?) -> Bool { wanted.isEmpty || value().map(wanted.contains) == true }
        return ok(statuses, item.status) && ok(types, item.type) && ok(assignees, item.assignee)
            && ok(iterations, item.iteration) && ok(objectives, item.objective)
            && (tags.isEmpty || !Set(tags).isDisjoint(with: item.tags))
    }
}

/// `board edit`: the file is edited as a copy in a temporary folder, checked when the
/// editor exits, and only then put in place and committed. Invalid front matter
/// re-opens the editor (when a person is at the terminal) or aborts, leaving the
/// original untouched.
public struct EditSession {
    public let workspace: Workspace
    public let path: String
    public let options: WriteOptions
    public let message: String
    /// Asked after an invalid save; returns true to re-open the editor.
    public var askToRetry: (Diagnostic) -> Bool = { _ in false }
    /// The file was written for this edit and is not committed (`board add --edit`): an aborted
    /// edit removes it, so that nothing is added.
    public var isNew = false

    public init(workspace: Workspace, path: String, options: WriteOptions, message: String) {
        self.workspace = workspace
        self.path = path
        self.options = options
        self.message = message
    }

    /// The editor command: `$EDITOR`, then `$VISUAL`, then `vi`.
    public static func editorCommand(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        for key in ["EDITOR", "VISUAL"] {
            if let value = environment[key], !value.trimmingCharacters(in: .whitespaces).isEmpty { return value }
        }
        return "vi"
    }

    @discardableResult
    public func run() throws -> Record {
        do {
            return try edit()
        } catch {
            if isNew { try? FileManager.default.removeItem(atPath: workspace.absolute(path)) }
            throw error
        }
    }

    private func edit() throws -> Record {
        let original = try workspace.readForWrite(path)
        let originalData = original.document.data
        let onDisk = try? Data(contentsOf: URL(fileURLWithPath: workspace.absolute(path)))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("board-edit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var keepCopy = false
        defer { if !keepCopy { try? FileManager.default.removeItem(at: folder) } }
        let temp = folder.appendingPathComponent((path as NSString).lastPathComponent).path
        try originalData.write(to: URL(fileURLWithPath: temp))
        while true {
            try Self.openEditor(on: temp)
            let edited = (try? Data(contentsOf: URL(fileURLWithPath: temp))) ?? Data()
            do {
                var record = try Record(path: path, data: edited)
                if record.id != original.id {
                    throw BoardError.invalidFile(Diagnostic(path: path, line: record.document.lineNumber(of: "id"),
                                                            message: "the id cannot be changed (was \(original.id))"))
                }
                for key in ["status", "type", "points"] {
                    if let value = record.string(key) {
                        let typed: YAMLValue = key == "points" ? record.number(key).map(YAMLValue.number) ?? .string(value) : .string(value)
                        do { try workspace.validate(key, typed) } catch let BoardError.usage(why) {
                            throw BoardError.invalidFile(Diagnostic(path: path, line: record.document.lineNumber(of: key), message: why))
                        }
                    }
                }
                if let broken = newError(with: record) { throw BoardError.invalidFile(broken) }
                if edited == originalData && options.commit == false { return record }
                if edited != originalData { record.set("updated", .date(Workspace.today)) }
                try workspace.exclusively {
                    // Saved over a file that changed meanwhile (`board move`, `git pull`), the edit would undo that.
                    guard (try? Data(contentsOf: URL(fileURLWithPath: workspace.absolute(path)))) == onDisk else {
                        keepCopy = true
                        throw BoardError.usage("\(path) changed while it was being edited; nothing was saved (your version is in \(temp))")
                    }
                    try workspace.save([path: record.document.data], message: message, options: options)
                }
                return record
            } catch BoardError.invalidFile(let diagnostic) {
                if !askToRetry(diagnostic) {
                    throw BoardError.invalidFile(Diagnostic(path: diagnostic.path, line: diagnostic.line,
                                                            message: diagnostic.message + (isNew ? " (edit aborted; nothing was added)" : " (edit aborted; the file is unchanged)")))
                }
            }
        }
    }

    /// The first error `board check` finds on the board with the edited record that it does not
    /// find without it: a status past its WIP limit, a dependency that does not exist or loops.
    private func newError(with record: Record) -> Diagnostic? {
        let before = workspace.snapshot()
        var after = before
        func put(_ records: inout [Record]) {
            if let i = records.firstIndex(where: { $0.path == path }) { records[i] = record } else { records.append(record) }
        }
        switch RecordKind(rawValue: String(path.prefix { $0 != "/" })) {
        case .item?: put(&after.items)
        case .iteration?: put(&after.iterations)
        case .objective?: put(&after.objectives)
        case .change?: put(&after.changes)
        case nil: return nil
        }
        // By path and message: an edit that moves lines does not make an old error new.
        func key(_ d: Diagnostic) -> String { d.path + "\u{0}" + d.message }
        let known = Set(Checker.check(before).filter { $0.severity == .error }.map(key))
        return Checker.check(after).first { $0.severity == .error && !known.contains(key($0)) }
    }

    static func openEditor(on file: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", editorCommand() + " \"$1\"", "sh", file]
        try process.run()
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            throw BoardError.usage("the editor exited with status \(process.terminationStatus); nothing was changed")
        }
    }
}
