import CSV
import Foundation

/// `board import jira-csv FILE`: issues from a Jira CSV export ("Export Excel CSV (all fields)").
public struct JiraCSVImport {
    public var file: String
    public var map: [String] = []
    /// The story-points column: `Story Points` by default; `Custom field (NAME)` matches too.
    public var pointsField: String?

    public init(file: String) { self.file = file }

    /// A CSV table whose columns may repeat (`Sprint`, `Labels`): values are looked up by header name.
    struct Table {
        var header: [String]
        var rows: [[String]]

        func values(_ row: [String], _ names: [String]) -> [String] {
            let wanted = Set(names.map { $0.lowercased() })
            return header.indices.filter { wanted.contains(header[$0].lowercased()) && $0 < row.count }
                .map { row[$0].trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        }

        func value(_ row: [String], _ names: String...) -> String? { values(row, names).first }
        func has(_ name: String) -> Bool { header.contains { $0.lowercased() == name.lowercased() } }
    }

    static func read(_ text: String, path: String) throws -> Table {
        let text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        if let line = unclosedQuoteLine(text) {
            throw BoardError.invalidFile(Diagnostic(path: path, line: line, message: "invalid CSV: a quoted field is never closed"))
        }
        let reader: CSVReader
        do { reader = try CSVReader(string: text) } catch {
            throw BoardError.invalidFile(Diagnostic(path: path, line: 1, message: "invalid CSV: \(error)"))
        }
        guard let header = reader.next() else { throw BoardError.invalidFile(Diagnostic(path: path, line: 1, message: "empty CSV")) }
        var rows: [[String]] = []
        while let row = reader.next() { if row.contains(where: { !$0.isEmpty }) { rows.append(row) } }
        if let error = reader.error {
            throw BoardError.invalidFile(Diagnostic(path: path, line: rows.count + 2, message: "invalid CSV: \(error)"))
        }
        let table = Table(header: header.map { $0.trimmingCharacters(in: .whitespaces) }, rows: rows)
        for column in ["Issue key", "Summary"] where !table.has(column) {
            throw BoardError.invalidFile(Diagnostic(path: path, line: 1, message: "no \(column) column: not a Jira CSV export"))
        }
        return table
    }

    /// The line where a quoted field opens that no quote closes: the CSV reader would take the
    /// rest of the file as that one field. A field is quoted when it starts with `"`; `""` inside
    /// it is a quote, and a `"` inside an unquoted field (`27" monitor`) is text.
    static func unclosedQuoteLine(_ text: String) -> Int? {
        let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n")
        var line = 1, opened = 1, quoted = false, fieldStart = true, afterQuote = false
        for byte in text.utf8 {
            if byte == newline { line += 1 }
            if quoted {
                if afterQuote {
                    afterQuote = false
                    if byte != quote { quoted = false }  // the closing quote; `""` stays inside
                } else if byte == quote {
                    afterQuote = true
                    continue
                }
                if quoted { continue }
            }
            if byte == quote && fieldStart {
                quoted = true
                opened = line
                fieldStart = false
                continue
            }
            fieldStart = byte == UInt8(ascii: ",") || byte == newline
        }
        return quoted && !afterQuote ? opened : nil
    }

    public func run(on workspace: Workspace, dryRun: Bool = false, options: WriteOptions = WriteOptions()) throws -> ImportResult {
        guard let data = FileManager.default.contents(atPath: file) else { throw BoardError.usage("\(file): cannot read") }
        let table = try Self.read(String(decoding: data, as: UTF8.self), path: file)
        let pointsColumns = pointsField.map { [$0, "Custom field (\($0))"] }
            ?? ["Story Points", "Custom field (Story Points)", "Story point estimate", "Custom field (Story point estimate)"]
        if let pointsField, !pointsColumns.contains(where: table.has) {
            throw BoardError.usage("--points-field \(pointsField): no such column in \(file)")
        }
        let importer = try Importer(workspace: workspace, map: map)

        var rows: [(row: [String], key: String, id: String)] = []
        var issueKeys: [String: String] = [:]  // Issue id → Issue key
        for row in table.rows {
            guard let key = table.value(row, "Issue key") else {
                importer.result.rows.append(.init(source: "?", outcome: "skipped", id: "", detail: "no issue key"))
                continue
            }
            if let issueID = table.value(row, "Issue id") { issueKeys[issueID] = key }
            if let id = importer.claim(key, title: table.value(row, "Summary") ?? key) {
                rows.append((row, key, id))
            }
        }
        // "A blocks B" (outward on A, inward on B) means B depends on A.
        var dependsOn: [String: [String]] = [:]
        var related: [String: [String]] = [:]
        for (row, key, _) in rows {
            for (index, name) in table.header.enumerated() where index < row.count && !row[index].isEmpty {
                let lower = name.lowercased()
                guard lower.hasPrefix("outward issue link") || lower.hasPrefix("inward issue link") else { continue }
                let other = row[index].trimmingCharacters(in: .whitespaces)
                if lower.hasSuffix("(blocks)") {
                    let (from, to) = lower.hasPrefix("inward") ? (key, other) : (other, key)
                    dependsOn[from.uppercased(), default: []].append(to)
                } else {
                    related[key.uppercased(), default: []].append(other)
                }
            }
        }
        func boardIDs(_ keys: [String], of key: String, field: String) -> [String] {
            var ids: [String] = []
            for other in keys {
                guard let id = importer.boardID(other) else {
                    importer.unmapped(field, "\(key) → \(other)", "(dropped: not imported)")
                    continue
                }
                if !ids.contains(id) { ids.append(id) }
            }
            return ids
        }

        var sprints: [String: SprintPlan] = [:]
        var sprintOrder: [String] = []
        var rank = importer.maxRank
        let orderedRows = table.has("Rank")
            ? rows.sorted { (table.value($0.row, "Rank") ?? "~") < (table.value($1.row, "Rank") ?? "~") } : rows
        for (row, key, id) in orderedRows {
            let title = table.value(row, "Summary") ?? key
            let resolved = Self.day(table.value(row, "Resolved", "Resolution Date"), key, "resolved", importer)
            let category: BoardConfig.Category? = switch table.value(row, "Status Category")?.lowercased() {
            case "done"?: .done
            case "in progress"?: .doing
            case "to do"?: .todo
            default: resolved != nil ? .done : nil
            }
            let status = importer.status(table.value(row, "Status") ?? "", fallback: category)
            let isDone = workspace.config.isDone(status)
            let pointsText = table.values(row, pointsColumns).first
            let points = pointsText.flatMap { Double($0) }.map { importer.points($0, source: key) }
            if let pointsText, points == nil { importer.unmapped("points", "\(key): \(pointsText)", "(dropped: not a number)") }
            let created = Self.day(table.value(row, "Created"), key, "created", importer)
            let issueSprints = table.values(row, ["Sprint"]).map(Self.sprint)
            for (n, sprint) in issueSprints.enumerated() {
                let sprintID = slugify(sprint.name)
                if sprints[sprintID] == nil { sprintOrder.append(sprintID) }
                let last = n == issueSprints.count - 1
                sprints[sprintID, default: sprint].members.append(.init(
                    id: id, points: points, completedHere: last && isDone, carriedOver: !last,
                    created: created, resolved: resolved))
            }
            rank += rankStep
            var fields: [(String, YAMLValue)] = [
                ("id", .string(id)), ("title", .string(title)), ("type", .string(type(table.value(row, "Issue Type"), importer))),
                ("status", .string(status)), ("points", points.map(YAMLValue.number) ?? .null), ("rank", .number(rank)),
                ("assignee", table.value(row, "Assignee").map(YAMLValue.string) ?? .null),
                ("tags", .list(table.values(row, ["Labels"]))),
                ("iteration", issueSprints.last.map { .string($0.id) } ?? .null),
                ("depends_on", .list(boardIDs(dependsOn[key.uppercased()] ?? [], of: key, field: "depends_on"))),
                ("created", created.map(YAMLValue.date) ?? .null),
            ]
            if let updated = Self.day(table.value(row, "Updated"), key, "updated", importer) { fields.append(("updated", .date(updated))) }
            if let resolved { fields.append(("resolved", .date(resolved))) }
            if let priority = table.value(row, "Priority") { fields.append(("priority", .string(priority.lowercased()))) }
            if let epic = table.value(row, "Custom field (Epic Link)", "Epic Link") {
                fields.append(("epic", .string(importer.boardID(epic) ?? epic)))
            }
            // Parent: a key, or Jira's numeric issue id of another row.
            if let parent = table.value(row, "Parent key", "Parent", "Parent id").map({ issueKeys[$0] ?? $0 }) {
                fields.append(("parent", .string(importer.boardID(parent) ?? parent)))
            }
            let links = boardIDs(related[key.uppercased()] ?? [], of: key, field: "related")
            if !links.isEmpty { fields.append(("related", .list(links))) }
            fields.append(("imported_from", .string(key)))
            var body = "\n## Description\n\n"
            if let description = table.value(row, "Description") {
                body += description.replacingOccurrences(of: "\r\n", with: "\n") + "\n"
            }
            importer.addFile("\(RecordKind.item.folder)/\(id)-\(slugify(title)).md", itemText(fields, body: body))
        }
        importer.addIterations(sprintOrder.compactMap { sprints[$0] })
        return try importer.finish(source: "jira-csv " + (file as NSString).lastPathComponent, dryRun: dryRun, options: options)
    }

    /// Jira issue types onto story, bug, task and spike; an epic becomes a story (`Epic Link` becomes `epic:`).
    private func type(_ value: String?, _ importer: Importer) -> String {
        switch value?.lowercased() {
        case "story"?, "epic"?, "new feature"?, "improvement"?: return "story"
        case "bug"?, "defect"?: return "bug"
        case nil, "task"?, "sub-task"?, "subtask"?: return "task"
        case "spike"?: return "spike"
        case let other?:
            importer.unmapped("type", other, "task")
            return "task"
        }
    }

    /// A Sprint cell: a name (Jira Cloud), or Jira Server's full form
    /// `com.atlassian.greenhopper.service.sprint.Sprint@1f[id=4,state=CLOSED,name=PAY 1,startDate=2026-01-31T09:00:00.000Z,...]`,
    /// whose state, dates and goal are used.
    static func sprint(_ cell: String) -> SprintPlan {
        guard cell.hasSuffix("]"), let open = cell.firstIndex(of: "["), cell[..<open].contains("Sprint") else {
            return SprintPlan(name: cell, id: slugify(cell))
        }
        // key=value pairs separated by commas; a comma not followed by `key=` belongs to the value.
        var values: [String: String] = [:]
        var key: String?
        for part in cell[cell.index(after: open)..<cell.index(before: cell.endIndex)].split(separator: ",", omittingEmptySubsequences: false) {
            if let eq = part.firstIndex(of: "="), part[..<eq].allSatisfy({ $0.isLetter }) {
                key = String(part[..<eq])
                values[key!] = String(part[part.index(after: eq)...])
            } else if let key {
                values[key, default: ""] += "," + part
            }
        }
        let name = values["name"] ?? cell
        var plan = SprintPlan(name: name, id: slugify(name))
        plan.start = datePrefix(values["startDate"])
        plan.end = datePrefix(values["completeDate"]) ?? datePrefix(values["endDate"])
        plan.state = ["CLOSED": "closed", "ACTIVE": "active", "FUTURE": "planned"][values["state"] ?? ""]
        plan.goal = values["goal"].flatMap { $0.isEmpty || $0 == "<null>" ? nil : $0 }
        return plan
    }

    /// Jira's dates (`12/Mar/24 10:15 AM`, `2024-03-12 10:15`, ISO 8601) as `YYYY-MM-DD`.
    static func day(_ value: String?, _ key: String, _ field: String, _ importer: Importer) -> String? {
        guard let value, !value.isEmpty else { return nil }
        if let day = datePrefix(value) { return day }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        for format in ["dd/MMM/yy h:mm a", "d/MMM/yy h:mm a", "dd/MMM/yyyy h:mm a", "dd/MMM/yy", "dd/MMM/yyyy", "dd/MM/yyyy HH:mm", "dd/MM/yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: value) {
                formatter.dateFormat = "yyyy-MM-dd"
                return formatter.string(from: date)
            }
        }
        importer.unmapped(field, "\(key): \(value)", "(dropped)")
        return nil
    }
}
