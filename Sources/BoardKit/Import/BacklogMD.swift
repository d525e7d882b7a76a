import Foundation
import Yams

/// `board import backlog-md PATH`: tasks of a Backlog.md project (https://github.com/MrLesk/Backlog.md).
public struct BacklogMDImport {
    public enum MilestonesAs: String, CaseIterable, Sendable { case tags, iterations }

    public var path: String
    public var map: [String] = []
    public var milestonesAs: MilestonesAs = .tags

    public init(path: String) { self.path = path }

    /// Backlog.md task keys `board` maps itself; every other key is carried over as it is.
    static let known: Set<String> = ["id", "title", "status", "assignee", "labels", "milestone", "dependencies",
                                     "created_date", "updated_date", "ordinal", "type", "parent_task_id", "priority"]

    public func run(on workspace: Workspace, dryRun: Bool = false, options: WriteOptions = WriteOptions()) throws -> ImportResult {
        var root = URL(fileURLWithPath: path).standardizedFileURL.path
        if !FileManager.default.fileExists(atPath: root + "/config.yml"),
           FileManager.default.fileExists(atPath: root + "/backlog/config.yml") {
            root += "/backlog"
        }
        guard let configData = FileManager.default.contents(atPath: root + "/config.yml") else {
            throw BoardError.usage("\(path): not a Backlog.md folder (no config.yml in it or in its backlog/ folder)")
        }
        let config = (try? Yams.load(yaml: String(decoding: configData, as: UTF8.self))) as? [String: Any] ?? [:]
        let sourceStatuses = (config["statuses"] as? [Any])?.map { "\($0)" } ?? []
        let importer = try Importer(workspace: workspace, map: map)

        // Milestone files: id and title.
        var milestones: [String: (id: String, title: String)] = [:]
        for (file, record) in Self.records(in: root + "/milestones", importer) {
            let id = record.string("id") ?? file
            let title = record.string("title") ?? id
            milestones[id.lowercased()] = (id, title)
            milestones[title.lowercased()] = (id, title)
        }

        // Tasks: tasks/, completed/ (done), drafts/ (kept as drafts), archive/tasks/ (skipped).
        var tasks: [(record: Record, folder: String, id: String)] = []
        for folder in ["tasks", "completed", "drafts", "archive/tasks"] {
            for (file, record) in Self.records(in: root + "/" + folder, importer) {
                let key = record.string("id") ?? file
                if folder == "archive/tasks" {
                    importer.result.rows.append(.init(source: key, outcome: "skipped", id: "", detail: "archived"))
                } else if record.string("title") == nil {
                    importer.result.rows.append(.init(source: key, outcome: "skipped", id: "", detail: "\(folder)/\(file): no title"))
                } else if let id = importer.claim(key, title: record.title) {
                    tasks.append((record, folder, id))
                }
            }
        }

        var sprints: [String: SprintPlan] = [:]
        var sprintOrder: [String] = []
        let done = workspace.config.statuses.first { $0.category == .done }?.name
        for (record, folder, id) in tasks {
            let key = record.string("id") ?? id
            let title = record.title
            var tags = record.strings("labels")
            var status: String
            if folder == "drafts" {
                status = workspace.config.firstStatus
                tags.append("draft")
            } else {
                let source = record.string("status") ?? ""
                // Backlog.md counts the last status of config.yml (and the completed/ folder) as done,
                // and its first (or default_status) as not started.
                let isDone = folder == "completed" || (source == sourceStatuses.last && !source.isEmpty)
                let isNew = source == sourceStatuses.first || source == config["default_status"] as? String
                status = importer.status(source, fallback: isDone ? .done : isNew ? .todo : nil)
                if folder == "completed", let done, workspace.config.category(of: status) != .done { status = done }
            }
            let assignees = record.strings("assignee").map { $0.hasPrefix("@") ? String($0.dropFirst()) : $0 }
            var iteration: String?
            if let milestone = record.string("milestone"), !milestone.isEmpty {
                let found = milestones[milestone.lowercased()] ?? (milestone, milestone)
                switch milestonesAs {
                case .tags: tags.append(slugify(found.title))
                case .iterations:
                    let sprintID = isValidID(found.id) ? found.id : slugify(found.title)
                    if sprints[sprintID] == nil { sprintOrder.append(sprintID) }
                    sprints[sprintID, default: SprintPlan(name: found.title, id: sprintID)].members.append(.init(
                        id: id, points: nil, completedHere: workspace.config.isDone(status), carriedOver: false,
                        created: datePrefix(record.string("created_date")), resolved: datePrefix(record.string("updated_date"))))
                    iteration = sprintID
                }
            }
            var dependsOn: [String] = []
            for dependency in record.strings("dependencies") {
                if let target = importer.boardID(dependency) { dependsOn.append(target) } else {
                    importer.unmapped("depends_on", "\(key) → \(dependency)", "(dropped: not imported)")
                }
            }
            var fields: [(String, YAMLValue)] = [
                ("id", .string(id)), ("title", .string(title)), ("type", .string(type(record.string("type"), importer))),
                ("status", .string(status)),
            ]
            // Below the board's items, in Backlog.md's order.
            if let ordinal = record.number("ordinal") { fields.append(("rank", .number(importer.maxRank + ordinal))) }
            fields.append(("assignee", assignees.first.map(YAMLValue.string) ?? .null))
            if assignees.count > 1 { fields.append(("assignees", .list(assignees))) }
            fields += [("tags", .list(tags)), ("iteration", iteration.map(YAMLValue.string) ?? .null),
                       ("depends_on", .list(dependsOn)),
                       ("created", datePrefix(record.string("created_date")).map(YAMLValue.date) ?? .null)]
            if let updated = datePrefix(record.string("updated_date")) { fields.append(("updated", .date(updated))) }
            if let priority = record.string("priority") { fields.append(("priority", .string(priority))) }
            if let parent = record.string("parent_task_id") {
                fields.append(("parent", .string(importer.boardID(parent) ?? parent)))
            }
            fields.append(("imported_from", .string(key)))
            let taken = Set(fields.map(\.0))
            for field in record.document.fields where !Self.known.contains(field.key) && !taken.contains(field.key) {
                fields.append((field.key, yamlValue(field.value)))
            }
            importer.addFile("\(RecordKind.item.folder)/\(id)-\(slugify(title)).md",
                             itemText(fields, body: record.bodyText))
        }
        importer.addIterations(sprintOrder.compactMap { sprints[$0] })
        return try importer.finish(source: "backlog-md", dryRun: dryRun, options: options)
    }

    /// Backlog.md task types onto story, bug, task and spike; an absent type is a task, as in Backlog.md.
    private func type(_ value: String?, _ importer: Importer) -> String {
        switch value?.lowercased() {
        case nil, "task"?, "chore"?, "docs"?: return "task"
        case "feature"?, "enhancement"?, "story"?: return "story"
        case "bug"?: return "bug"
        case "spike"?: return "spike"
        case let other?:
            importer.unmapped("type", other, "task")
            return "task"
        }
    }

    /// The `*.md` files of a folder (file name without `.md`, record), unreadable ones as skipped rows.
    static func records(in folder: String, _ importer: Importer) -> [(String, Record)] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".md") }.sorted()
        return names.compactMap { name in
            let file = String(name.dropLast(3))
            do {
                let data = try Workspace.readFile(folder + "/" + name, display: name)
                return (file.components(separatedBy: " - ").first ?? file, try Record(path: name, data: data))
            } catch {
                importer.result.rows.append(.init(source: file, outcome: "skipped", id: "", detail: "\(error)"))
                return nil
            }
        }
    }
}
