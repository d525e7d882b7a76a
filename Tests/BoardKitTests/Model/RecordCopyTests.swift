import Foundation
import Testing

@testable import BoardKit

/// Records and documents share their storage until edited: an edit of a copy leaves the original as it was.
@Suite struct RecordCopyTests {
    static let text = "---\nid: B-1\ntitle: One # note\npoints: 3\ntags: [a, b]\n---\n\nBody.\n- [ ] done\n"

    func expectEditsStayInCopy(_ original: Record) {
        let before = original.document.data
        var copy = original
        copy.set("title", .string("Two"))
        copy.set("status", .string("ready"))
        copy.remove("points")
        #expect(original.document.data == before)
        #expect(original.title == "One" && original.points == 3 && !original.has("status"))
        #expect(original.document.keys == ["id", "title", "points", "tags"])
        #expect(original.document.lineNumber(of: "tags") == 5)
        #expect(copy.title == "Two" && copy.points == nil && copy.status == "ready")
        #expect(String(decoding: copy.document.data, as: UTF8.self)
                == "---\nid: B-1\ntitle: Two # note\ntags: [a, b]\nstatus: ready\n---\n\nBody.\n- [ ] done\n")

        // A second copy of the edited one, edited again, leaves the first copy alone.
        var again = copy
        again.set("title", .string("Three"))
        #expect(copy.title == "Two" && again.title == "Three")
        #expect(original.bodyText == "\nBody.\n- [ ] done\n" && copy.bodyText == original.bodyText)
    }

    @Test func parsedRecord() throws {
        expectEditsStayInCopy(try Record(path: "backlog/B-1-one.md", data: Data(Self.text.utf8)))
    }

    @Test func cacheBuiltRecord() throws {
        let (folder, name) = ("/tmp/", "record-copy-\(getpid()).md")
        let file = folder + name
        try Data(Self.text.utf8).write(to: URL(fileURLWithPath: file))
        defer { unlink(file) }
        let parsed = try FrontMatterDocument(data: Data(Self.text.utf8), path: file)
        let cached = Record(path: "backlog/B-1-one.md",
                            document: FrontMatterDocument(cachedKeys: parsed.keys, values: parsed.values,
                                                          lineIndexes: parsed.lineIndexes, firstLine: parsed.firstLine,
                                                          originRoot: folder, path: name))
        #expect(cached.document.origin == file)
        expectEditsStayInCopy(cached)
        #expect(cached.document.origin == file)
    }
}
