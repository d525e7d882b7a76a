import Foundation
import Testing
@testable import BoardKit

/// `renderJSON` writes plain values itself (fast) and must match Foundation byte for byte.
@Suite struct JSONTextTests {
    @Test func smallObjectByHand() {
        // Keys sorted a < b; pretty printing indents by two spaces and writes " : ";
        // 1000.0 is written as 1000 (Foundation drops ".0"), 2.5 as is, "/" unescaped.
        let value: [String: Any] = ["b": [true, NSNull()], "a": 1000.0, "c": "x/y\n\"q\"", "d": 2.5]
        #expect(renderJSON(value) == "{\n  \"a\" : 1000,\n  \"b\" : [\n    true,\n    null\n  ],\n  \"c\" : \"x/y\\n\\\"q\\\"\",\n  \"d\" : 2.5\n}")
    }

    @Test func matchesFoundation() {
        let cases: [[[String: Any]]] = [
        [["id": "B-1", "tags": [String](), "points": 3.0, "rank": 1500.5, "done": false, "n": -7, "meta": [String: Any]()]],
        [["a10": 1, "a9": 2, "B": 3, "a": 4, "_x": 5, "depends_on": ["B-2", "B-3"], "ü": "tab\there \u{1}\u{1f} é"]],
        [[String: Any]](),
        [["nested": ["k": ["deep": [1, 2, [String: Any]()]]], "big": 1e20, "small": 0.001]],
        ]
        for value in cases { #expect(renderJSON(value) == foundationJSON(value)) }
    }

    @Test func otherValuesFallBackToFoundation() {
        // A Date is not plain JSON: Foundation rejects it and renderJSON says null, as before.
        #expect(renderJSON([Date()]) == foundationJSON([Date()]))
        #expect(renderJSON("top") == foundationJSON("top"))
    }

    /// Records written straight from their fields read as their objects would: over a generated
    /// board, the malformed corpus and hand-written values (a field named `path`, nested maps,
    /// numbers beyond JSON), with and without an extra key.
    @Test func recordsAreWrittenAsTheirObjects() throws {
        let sandbox = try Sandbox()
        let dir = try RecordCacheTests().board(sandbox)
        try sandbox.write("---\nid: B-odd\npath: mine\nwsjf: 3\nbig: 1e999\nn: 0x1F\nflag: on\nnone: ~\nlist: [1, b, ~]\nmap: {a: [1, {b: c}]}\n---\n",
                          to: "backlog/B-odd.md", in: dir)
        let records = try Workspace.open(directory: dir).load(.item).records
        #expect(records.count > 150)
        #expect(renderJSON(records: records) == renderJSON(records.map(\.jsonObject)))
        let extra: [[String: Any]] = records.indices.map { ["wsjf": $0 % 3 == 0 ? NSNull() : Double($0) / 4] }
        #expect(renderJSON(records: records, extra: extra)
                == renderJSON(records.indices.map { records[$0].jsonObject.merging(extra[$0]) { $1 } }))
    }
}

