import Foundation
import Testing
@testable import BoardKit

/// `Table.render` lays long tables out on all cores; here it is held to a plain, one-line-at-a-time
/// layout written from the rules (two spaces between columns, numbers right-aligned, no trailing blanks).
@Suite struct TableTests {
    /// Cells with the text a terminal shows and its width, known without `Table`'s own measures.
    static let cells: [(cell: String, shown: String, width: Int)] = [
        ("B-1", "B-1", 3), ("", "", 0), ("a longer title here", "a longer title here", 19),
        ("表計算", "表計算", 6), ("tab\there", "tab\\u{9}here", 12), ("e\u{301}", "e\u{301}", 1), ("12", "12", 2),
    ]

    static func expected(_ headers: [String], _ rows: [[(cell: String, shown: String, width: Int)]], right: Set<Int>) -> String {
        let lines = (headers.allSatisfy(\.isEmpty) ? [] : [headers.map { ($0, $0, $0.count) }]) + rows
        let widths = headers.indices.map { i in lines.map { i < $0.count ? $0[i].width : 0 }.max() ?? 0 }
        return lines.map { line in
            var text = ""
            for i in headers.indices {
                let (shown, width) = i < line.count ? (line[i].shown, line[i].width) : ("", 0)
                let pad = String(repeating: " ", count: widths[i] - width)
                text += (i > 0 ? "  " : "") + (right.contains(i) ? pad + shown : shown + (i < headers.count - 1 ? pad : ""))
            }
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }.joined(separator: "\n")
    }

    @Test(arguments: [3, 5000])
    func longAndShortTablesAreLaidOutLineByLine(count: Int) {
        var random = SplitMix(seed: UInt64(count))
        let headers = ["ID", "TITLE", "PTS", "NOTE"]
        // Some rows are short (fewer cells than headers).
        let rows = (0..<count).map { _ in
            (0..<(random.next() % 5 == 0 ? 2 : 4)).map { _ in Self.cells[Int(random.next() % UInt64(Self.cells.count))] }
        }
        let table = Table(headers: headers, rows: rows.map { $0.map(\.cell) }, rightAligned: [2])
        #expect(table.render() == Self.expected(headers, rows, right: [2]))
        let bare = Table(headers: ["", "", "", ""], rows: rows.map { $0.map(\.cell) }, rightAligned: [0, 3])
        #expect(bare.render() == Self.expected(["", "", "", ""], rows, right: [0, 3]))
    }

    @Test func emptyTablesPrintTheirHeaderOrNothing() {
        #expect(Table(headers: ["", ""]).render() == "")
        #expect(Table(headers: ["A", "B"]).render() == "A  B")
        #expect(Table(headers: [], rows: [[], []]).render() == "\n")
    }

    @Test func numericColumnsAreRightAlignedByDefault() {
        let table = Table(headers: ["N", "NAME"], rows: [["5", "a"], ["", "bb"], ["12.5", "c"]])
        #expect(table.render() == "   N  NAME\n   5  a\n      bb\n12.5  c")
    }
}

/// Backlog order: by rank, unranked items last, ties by id, then by file order.
@Suite struct BacklogOrderTests {
    @Test(arguments: [1, 2, 3])
    func ranksThenIdsThenFileOrder(seed: UInt64) throws {
        var random = SplitMix(seed: seed)
        let ranks = ["", "rank: 10", "rank: 10", "rank: 2.5", "rank: -1", "rank: 1e3", "rank: x", "rank: 3000"]
        let records = try (0..<3000).map { n in
            let id = "B-\(random.next() % 40)"
            let rank = ranks[Int(random.next() % UInt64(ranks.count))]
            return try Record(path: "backlog/\(n).md", data: Data("---\nid: \(id)\n\(rank)\n---\n".utf8))
        }
        let expected = records.indices.sorted { a, b in
            let (x, y) = (records[a].rank, records[b].rank)
            if x != y { return y == nil || (x != nil && x! < y!) }
            return records[a].id != records[b].id ? records[a].id < records[b].id : a < b
        }
        #expect(Workspace.backlogOrder(records) == expected)
    }
}

@Suite struct ConcurrentMapTests {
    /// Results come back in index order, and each run's state is its own: counted from 1 at the
    /// run's first index, one more at each next index.
    @Test(arguments: [0, 1, 1000, 5000])
    func eachRunKeepsItsOwnState(count: Int) {
        let results = concurrentMap(count: count, runs: count, start: { 0 }) { seen, i -> (index: Int, seen: Int) in
            seen += 1
            return (i, seen)
        }
        #expect(results.map(\.index) == Array(0..<count))
        let starts = results.indices.filter { results[$0].seen == 1 }
        #expect(starts.first == (count > 0 ? 0 : nil))
        #expect(starts.count <= max(1, ProcessInfo.processInfo.activeProcessorCount * 4))
        for i in results.indices.dropFirst() where results[i].seen != 1 {
            #expect(results[i].seen == results[i - 1].seen + 1)
        }
    }
}

/// 10,000 items hold about 13 values each: a field value stays three words (a Yams node is boxed).
@Test func aFieldValueIsThreeWords() {
    #expect(MemoryLayout<FieldValue>.stride <= 3 * MemoryLayout<Int>.stride)
}
