import ArgumentParser
import BoardKit

extension Board {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one item: its fields and its text.")

        @Argument(help: "The item's id.")
        var id: String

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() throws {
            let workspace = try global.workspace()
            let record = try workspace.find(id)
            if output.json {
                var object = record.jsonObject
                object["body"] = record.bodyText
                print(renderJSON(object))
                return
            }
            print("\(Table.printable(record.id).bold)  \(Table.printable(record.title))")
            let rows = record.document.fields.filter { !["id", "title"].contains($0.key) }.map { field -> [String] in
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
    }
}

import Foundation
