import Foundation
import Testing
import Yams

@testable import BoardKit

/// `BoardConfig(plain:)` reads `board.yml` without `Codable`. Whenever it reads a file, it must give
/// what Yams' decoder gives; anything else it leaves to the decoder (it returns nil).
@Suite struct BoardConfigTests {
    static let base = """
        name: NAME
        id_prefix: PREFIX
        statuses:
          - name: backlog
            category: CATEGORY
          - name: doing
            category: doing
            wip: WIP
          - name: done
            category: done
        points: POINTS
        iteration_length: LENGTH
        capacity_unit: hours
        members:
          - name: alice
            capacity: CAPACITY
        definition_of_ready:
          points: READY
          fields: [a]
        alignment: warn
        change_management:
          tags: TAGS
          count_in_velocity: false
        portfolio: ../pmo
        extra: {a: [1, 2]}

        """

    /// Per placeholder: its usual value first, then plain, quoted, null, tagged and odd forms.
    static let variants: [(key: String, values: [String])] = [
        ("NAME", ["My board", "\"quoted\"", "'single'", "12", "true", "~", "", "null", "!!str 5", "[a]", "|\n  block"]),
        ("PREFIX", ["B", "~", "\"\"", "007", "'x'", "!!str null", "!!str ~", "!!str", "!!null x"]),
        ("CATEGORY", ["todo", "\"todo\"", "Todo", "other", "~"]),
        ("WIP", ["4", "~", "-1", "0", "04", "0x4", "4.0", "\"4\"", "four", "1_0", "999999999999999999"]),
        ("POINTS", ["[0, 1, 2, 3, 5, 8]", "[0.5, -1, 2.25]", "[1e2]", "[.inf]", "[01]", "[1.]", "[-0]", "[-0.0]", "[\"1\"]", "~", "[]", "5",
                    "[0.1234567890123456]", "[123456789012345]"]),
        ("LENGTH", ["14", "-3", "0", "014", "0o14", "1_4", "14.0", "\"14\"", "~", "1e3", "99999999999999999999", "+14"]),
        ("CAPACITY", ["6", "6.5", "-0", "0.10", "1:30", ".5", "6.", "~", "six"]),
        ("READY", ["true", "false", "yes", "True", "\"true\"", "1", "~", "on"]),
        ("TAGS", ["[]", "[a, b]", "[\"a b\", 'c']", "~", "a", "[1, true]", "[[a]]"]),
    ]

    static func text(_ key: String, _ value: String) -> String {
        variants.reduce(base) { text, variant in
            text.replacingOccurrences(of: variant.key, with: variant.key == key ? value : variant.values[0])
        }
    }

    static func node(_ text: String) throws -> Node? { try Yams.compose(yaml: text, Resolver.basic, Constructor.default, .utf8) }

    @Test func plainReadingAgreesWithTheDecoder() throws {
        var read = 0, left = 0
        for (key, values) in Self.variants {
            for value in values {
                let node = try Self.node(Self.text(key, value))
                let decoded = try? YAMLDecoder().decode(BoardConfig.self, from: node ?? "")
                if let plain = BoardConfig(plain: node) {
                    #expect(plain == decoded, "\(key): \(value)")
                    read += 1
                } else {
                    left += 1
                }
            }
        }
        // Both kinds are met: usual values are read, doubtful ones left to the decoder.
        #expect(read > 30 && left > 30, "read \(read), left \(left)")
    }

    /// The decoder finds keys by their tag too: a tagged key is left to it.
    @Test func taggedKeysAreLeftToTheDecoder() throws {
        for text in ["!!int name: X\nstatuses: [{name: a, category: done}]\n",
                     "name: A\n!!int name: B\nstatuses: [{name: a, category: done}]\n",
                     "\"name\": Q\nstatuses: [{name: a, category: done}]\n"] {
            let node = try Self.node(text)
            let decoded = try? YAMLDecoder().decode(BoardConfig.self, from: node ?? "")
            if let plain = BoardConfig(plain: node) { #expect(plain == decoded, "\(text)") }
        }
        #expect(BoardConfig(plain: try Self.node("!!int name: X\nstatuses: [{name: a, category: done}]\n")) == nil)
        #expect(BoardConfig(plain: try Self.node("\"name\": Q\nstatuses: [{name: a, category: done}]\n"))?.name == "Q")
    }

    @Test func theTemplateIsReadPlainly() throws {
        let text = try String(contentsOfFile: Sandbox.packageRoot + "/board-template/board.yml", encoding: .utf8)
        let node = try Self.node(text)
        let plain = try #require(BoardConfig(plain: node))
        #expect(plain == (try YAMLDecoder().decode(BoardConfig.self, from: node!)))
        #expect(plain.statuses.count == 5 && plain.definitionOfReady?.acceptanceCriteria == true)
    }

    /// A file the plain reading leaves alone still gets the decoder's own message.
    @Test func errorsAreTheDecoders() {
        #expect(throws: BoardError.self) { try BoardConfig(data: Data(Self.text("LENGTH", "\"14\"").utf8)) }
        do {
            _ = try BoardConfig(data: Data(Self.text("WIP", "four").utf8))
            Issue.record("a wip of four was read")
        } catch {
            #expect("\(error)".contains("statuses"), "\(error)")
        }
    }
}
