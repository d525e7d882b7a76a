import Foundation
import Testing

@testable import BoardKit

@Suite struct ExportTests {
    /// Two items: `a` with a comma in its title, tags and a custom key; `b` a bug with quotes in its title.
    private func board(_ sandbox: Sandbox) throws -> (dir: String, a: String, b: String) {
        let dir = try sandbox.makeBoard()
        let a = addedID(try sandbox.board("add", "Export invoices, PDF", "--points", "3", "--tag", "billing,api", in: dir))
        let b = addedID(try sandbox.board("add", "Fix \"VAT\" rounding", "--type", "bug", "--status", "ready", in: dir))
        #expect(try sandbox.board("set", a, "customer=ACME", in: dir).status == 0)
        return (dir, a, b)
    }

    @Test func csvHasAllFieldsListsJoinedAndRFC4180Quoting() throws {
        let sandbox = try Sandbox()
        let (dir, a, b) = try board(sandbox)
        let run = try sandbox.board("export", "csv", in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.components(separatedBy: "\r\n")
        // Known keys first, then other keys (customer) alphabetically, then path and body.
        #expect(lines[0] == "id,title,type,status,points,rank,assignee,tags,iteration,objective,depends_on,created,updated,customer,path,body")
        // a: first added, so rank 1000 (b: 2000); the body (board add's template) has line breaks, so it is quoted.
        #expect(lines[1] == "\(a),\"Export invoices, PDF\",story,backlog,3,1000,,billing;api,,,,2026-03-02,2026-03-02,ACME,"
            + "backlog/\(a)-export-invoices-pdf.md,\"\n## Description\n\n## Acceptance criteria\n\n\"")
        #expect(lines.contains { $0.hasPrefix("\(b),\"Fix \"\"VAT\"\" rounding\",bug,ready,,2000,,,,,,2026-03-02,2026-03-02,,backlog/") })
        #expect(run.stdout.hasSuffix("\r\n"))

        let bugs = try sandbox.board("export", "csv", "--type", "bug", in: dir).stdout
        #expect(!bugs.contains(a) && bugs.contains(b))
    }

    @Test func jsonIsASortedArrayWithSchemaVersion() throws {
        let sandbox = try Sandbox()
        let (dir, a, b) = try board(sandbox)
        let run = try sandbox.board("export", "json", in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let items = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [[String: Any]]
        #expect(items.map { $0["id"] as? String } == [a, b])
        #expect(items.allSatisfy { $0["schema_version"] as? Int == 1 })
        #expect(items[0]["tags"] as? [String] == ["billing", "api"])
        #expect(items[0]["customer"] as? String == "ACME")
        #expect(items[0]["points"] as? Int == 3)
        #expect((items[0]["body"] as? String)?.contains("## Acceptance criteria") == true)
        #expect(items[1]["points"] is NSNull)
        // Keys in a stable (sorted) order.
        let keys = run.stdout.split(separator: "\n").prefix { !$0.hasPrefix("  },") }
            .compactMap { line -> String? in line.hasPrefix("    \"") ? String(line.dropFirst(5).prefix { $0 != "\"" }) : nil }
        #expect(keys == keys.sorted() && keys.first == "assignee" && keys.contains("schema_version"))

        let ready = try sandbox.board("export", "json", "--status", "ready", in: dir)
        #expect((try JSONSerialization.jsonObject(with: Data(ready.stdout.utf8)) as! [[String: Any]]).map { $0["id"] as? String } == [b])
        #expect(try sandbox.board("export", "xml", in: dir).status == 2)
    }
}
