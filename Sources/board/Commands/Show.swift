import ArgumentParser
import BoardKit
import Foundation

extension Board {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one item: its fields, text, WSJF score and change tasks.")

        @Argument(help: "The item's id.", completion: Completion.itemIDs)
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
            var text = recordText(record)
            if let score = record.wsjf { text += "\n\nWSJF: \(formatScore(score))" }
            if !changes.isEmpty {
                let config = workspace.config
                text += "\n\nChange tasks:\n" + Table(headers: ["ID", "KIND", "STATUS", "DUE", "TITLE"], rows: changes.map {
                    [$0.id, $0.changeKind, colouredStatus($0.status, config.category(of: $0.status)), $0.due ?? "", $0.title]
                }, rightAligned: []).render()
            }
            Pager.print(text)
        }
    }
}

/// A record's fields as an aligned table (except `skipping` keys), its path and its text.
func recordText(_ record: Record, skipping: [String] = []) -> String {
    var text = "\(Table.printable(record.id, keepingColours: false).bold)  \(Table.printable(record.title, keepingColours: false))\n"
    let rows = record.document.fields.filter { !(["id", "title"] + skipping).contains($0.key) }.map { field -> [String] in
        [Table.printable(field.key, keepingColours: false) + ":", Table.printable(field.value.displayText, keepingColours: false)]
    }
    text += Table(headers: ["", ""], rows: rows, rightAligned: []).render() + "\n"
    text += "path: \(record.path)".dim
    let body = record.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
    if !body.isEmpty { text += "\n\n" + body }
    return text
}

