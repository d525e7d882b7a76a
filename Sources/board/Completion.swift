import ArgumentParser
import BoardKit
import Foundation

/// Dynamic shell completion: item ids and workflow statuses of the board the command line points at
/// (`-C DIR`, else `BOARD_DIR`, else the current folder). Errors complete nothing.
enum Completion {
    static let itemIDs = CompletionKind.custom { arguments, _, prefix in
        candidates(arguments, prefix) { $0.load(.item).records.map(\.id).sorted() }
    }

    static let statuses = CompletionKind.custom { arguments, _, prefix in
        candidates(arguments, prefix) { $0.config.statuses.map(\.name) }
    }

    static let iterationIDs = CompletionKind.custom { arguments, _, prefix in
        candidates(arguments, prefix) { $0.load(.iteration).records.map(\.id).sorted() }
    }

    static let tags = CompletionKind.custom { arguments, _, prefix in
        candidates(arguments, prefix) { Set($0.load(.item).records.flatMap(\.tags)).sorted() }
    }

    private static func candidates(_ arguments: [String], _ prefix: String, _ values: (Workspace) -> [String]) -> [String] {
        var directory = ProcessInfo.processInfo.environment["BOARD_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "."
        if let c = arguments.firstIndex(of: "-C"), c + 1 < arguments.count { directory = arguments[c + 1] }
        guard let workspace = try? Workspace.open(directory: directory) else { return [] }
        return values(workspace).filter { $0.hasPrefix(prefix) }
    }
}
