import ArgumentParser
import BoardKit

extension Board {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one item: its fields, text, WSJF score and change tasks.")

        @Argument(help: "The item's id.")
        var id: String

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() throws {
            let workspace = try global.workspace()
            let record = try workspace.find(id)
            let changes = workspace.snapshot().changes(relatedTo: record)
            if output.json {
                var object = record.jsonObject
                object["body"] = record.bodyText
                object["wsjf"] = record.wsjf ?? NSNull()
                object["changes"] = changes.map(\.id)
                print(renderJSON(object))
                return
            }
            printRecord(record)
            if let score = record.wsjf { print("\nWSJF: \(formatScore(score))") }
            if !changes.isEmpty {
                let config = workspace.config
                print("\nChange tasks:")
                print(Table(headers: ["ID", "KIND", "STATUS", "DUE", "TITLE"], rows: changes.map {
                    [$0.id, $0.changeKind, colouredStatus($0.status, config.category(of: $0.status)), $0.due ?? "", $0.title]
                }, rightAligned: []).render())
            }
        }
    }
}

/// A record's fields as an aligned table (except `skipping` keys), its path and its text.
func printRecord(_ record: Record, skipping: [String] = []) {
    print("\(record.id.bold)  \(record.title)")
    let rows = record.document.fields.filter { !(["id", "title"] + skipping).contains($0.key) }.map { field -> [String] in
        [field.key + ":", describe(field.value.plainValue)]
    }
    print(Table(headers: ["", ""], rows: rows, rightAligned: []).render())
    print("path: \(record.path)".dim)
    let body = record.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
    if !body.isEmpty { print("\n" + body) }
}

private func describe(_ value: Any) -> String {
    switch value {
    case let list as [Any]: return list.map { describe($0) }.joined(separator: ", ")
    case let number as Double: return number.compact
    case is NSNull: return ""
    default: return "\(value)"
    }
}

import Foundation
