import BoardKit
import Foundation

/// The fuzz target: `make fuzz` builds it with `-sanitize=fuzzer,address -DFUZZING` and libFuzzer
/// feeds it bytes. Built normally it replays files given on the command line (`board-fuzz FILE...`),
/// which is how findings are checked again after a fix.
///
/// Each input is read as an item file and as `board.yml`. Parse errors are fine; a crash, a hang,
/// or an edit whose result no longer parses (checked below with `fatalError`) is a finding.
enum BoardFuzz {
    static let config = try! BoardConfig(data: Data("""
        name: Fuzz
        statuses: [{name: backlog, category: todo}, {name: doing, category: doing, wip: 1}, {name: done, category: done}]
        points: [1, 2, 3]
        """.utf8))

    static func run(_ data: Data) {
        _ = conflictMarkerLine(in: data)
        _ = try? BoardConfig(data: data)
        guard var record = try? Record(path: "backlog/B-fuzz-x.md", data: data) else { return }
        _ = (record.id, record.title, record.type, record.status, record.points, record.rank, record.tags,
             record.dependsOn, record.checklist, record.bodyText)
        _ = renderJSON(record.jsonObject)
        _ = Checker.check(BoardSnapshot(config: config, items: [record, record]))
        // Every edit `board` makes must leave a file that reads back with the edited value.
        let edits: [(String, YAMLValue)] = [
            ("status", .string("done")), ("points", .number(3)), ("tags", .list(["a b", "c:d"])),
            ("x-fuzz", .map([YAMLPair("k", .seq([.string("v"), .null]))])), ("title", .string("\"quoted\" # title")),
        ]
        for (key, value) in edits {
            record.set(key, value)
            guard let reread = try? Record(path: record.path, data: record.document.data) else {
                fatalError("setting \(key) made the file unreadable:\n\(String(decoding: record.document.data, as: UTF8.self))")
            }
            if case .string(let s) = value, reread.string(key) != s {
                fatalError("\(key) reads back as \(reread.string(key) ?? "nil"), not \(s)")
            }
            record = reread
        }
        for key in ["status", "x-fuzz", "absent"] {
            record.remove(key)
            guard let reread = try? Record(path: record.path, data: record.document.data), !reread.has(key) else {
                fatalError("removing \(key) failed or made the file unreadable")
            }
            record = reread
        }
    }
}

#if FUZZING
/// libFuzzer's entry point for programs that have their own `main` (SwiftPM gives every executable one).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// What libFuzzer calls with each input (its own `main`, linked by `-sanitize=fuzzer`, calls it too).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    BoardFuzz.run(bytes.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
}

@main
struct Fuzz {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
    }
}
#else
@main
struct Replay {
    static func main() throws {
        for path in CommandLine.arguments.dropFirst() {
            BoardFuzz.run(try Data(contentsOf: URL(fileURLWithPath: path)))
            print("ok \(path)")
        }
    }
}
#endif
