import Foundation

extension Workspace {
    /// Where the board template shipped with the program is: `BOARD_TEMPLATE` if set,
    /// else the resource bundle next to the executable.
    public static func templateDirectory() throws -> String {
        if let override = ProcessInfo.processInfo.environment["BOARD_TEMPLATE"], !override.isEmpty { return override }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let candidates = [
            Bundle.main.bundleURL, executable, executable.appendingPathComponent("../share/board"),
        ].flatMap { base in
            ["board_BoardKit.resources/board-template", "BoardKit_BoardKit.resources/board-template", "board-template"].map {
                base.appendingPathComponent($0).standardizedFileURL.path
            }
        }
        for path in candidates where FileManager.default.fileExists(atPath: path + "/" + BoardConfig.fileName) {
            return path
        }
        throw BoardError.usage("cannot find the board template (looked in \(candidates.joined(separator: ", "))); set BOARD_TEMPLATE")
    }

    /// Creates a board in `directory`: a Git repository (through libgit2) if the folder is
    /// not inside one, the template's files, and one commit of exactly those files.
    public static func initialize(directory: String, template: String, name: String? = nil,
                                  options: WriteOptions = WriteOptions()) throws -> Workspace {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let root = URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath().path
        if FileManager.default.fileExists(atPath: root + "/" + BoardConfig.fileName) {
            throw BoardError.usage("\(directory) is already a board (it has \(BoardConfig.fileName))")
        }
        let repository: Repository
        if let existing = try? Repository.discover(from: root), existing.workdir != nil {
            repository = existing
        } else {
            repository = try Repository.create(at: root)
        }
        var files: [String: Data?] = [:]
        let base = URL(fileURLWithPath: template).standardizedFileURL.resolvingSymlinksInPath()
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw BoardError.usage("cannot read the template at \(template)")
        }
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let relative = String(url.standardizedFileURL.resolvingSymlinksInPath().path.dropFirst(base.path.count + 1))
            files[relative] = try Data(contentsOf: url)
        }
        guard var configData = files[BoardConfig.fileName] ?? nil else {
            throw BoardError.usage("the template at \(template) has no \(BoardConfig.fileName)")
        }
        if let name {
            let text = String(decoding: configData, as: UTF8.self)
            var lines = text.components(separatedBy: "\n")
            if let i = lines.firstIndex(where: { $0.hasPrefix("name:") }) { lines[i] = "name: \(YAMLValue.string(name).rendered)" }
            configData = Data(lines.joined(separator: "\n").utf8)
            files[BoardConfig.fileName] = configData
        }
        let config = try BoardConfig(data: configData)
        let workspace = Workspace(root: root, config: config, repository: repository)
        try workspace.save(files, message: "board: init \(quoted(config.name))", options: options)
        return workspace
    }
}
