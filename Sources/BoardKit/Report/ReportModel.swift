import Foundation

/// Everything `board report` shows, as plain values: one struct per section, in the order of
/// the document. `Workspace.reportModel` fills it from the board; `MarkdownReport` and
/// `HTMLReport` only render it. A section whose data source is missing carries a `note`
/// saying so instead of data.
public struct ReportModel: Sendable {
    public var summary: Summary
    public var objectives: Objectives
    public var velocity: VelocitySection
    public var burndown: Burndown
    public var scope: ScopeChanges
    public var changes: ChangeManagement
    public var risks: Risks
    public var board: KanbanBoard
    /// Files the report could not read, so left out.
    public var unreadable: [Diagnostic] = []

    // MARK: 1. Summary

    public enum Verdict: String, Sendable {
        case onTrack = "on track", atRisk = "at risk", offTrack = "off track"
    }

    public struct IterationInfo: Sendable {
        public var id: String
        public var name: String
        public var start: String
        public var end: String
        public var goal: String?
        public var state: String
    }

    public struct Summary: Sendable {
        public var boardName: String
        public var date: String
        public var iteration: IterationInfo?
        /// Working days from the report date (inclusive) to the iteration's end.
        public var daysLeft: Int = 0
        public var workingDays: Int = 0
        /// The commitment recorded at the start (nil before the iteration started).
        public var committed: Double?
        /// Points of the iteration's items in a done status now.
        public var completed: Double = 0
        /// Points of all the iteration's items now.
        public var scope: Double = 0
        public var verdict: Verdict?
        /// Why, in one line.
        public var health: String
    }

    // MARK: 2. Business value by objective

    public struct KPIFigures: Sendable {
        public var name: String?
        public var unit: String?
        public var baseline: Double?
        public var current: Double?
        public var target: Double?
        /// Share of the way from baseline to target, in %.
        public var percent: Double?
        /// `Online share: 20 → 35 → 60 % (38 %)`.
        public var text: String {
            func n(_ v: Double?) -> String { v?.compact ?? "?" }
            var s = (name.map { $0 + ": " } ?? "") + "\(n(baseline)) → \(n(current)) → \(n(target))"
            if let unit, !unit.isEmpty { s += " " + unit }
            if let percent { s += " (\(Int(percent.rounded())) %)" }
            return s
        }
    }

    public struct Objective: Sendable {
        public var id: String
        public var title: String
        public var status: String
        public var kpi: KPIFigures?
        public var pointsDone: Double
        public var pointsTotal: Double
        /// Ids of the objective's items done in the report's iteration.
        public var delivered: [String]
        /// Forecast completion at 50 % and 85 %: an iteration id and its end date, or nil.
        public var forecast50: String?
        public var forecast85: String?
        /// The objective's body (Markdown).
        public var body: String
    }

    public struct Objectives: Sendable {
        public var objectives: [Objective] = []
        public var note: String?
    }

    // MARK: 3. Velocity

    public struct VelocityBar: Sendable {
        public var id: String
        public var committed: Double
        public var completed: Double
    }

    public struct VelocitySection: Sendable {
        public var bars: [VelocityBar]
        /// Mean completed points of the bars.
        public var average: Double?
        public var note: String?
    }

    // MARK: 4. Burndown and burnup

    public struct BurnDay: Sendable {
        public var date: String
        public var working: Bool
        public var ideal: Double
        public var remaining: Double
        public var scope: Double
        public var completed: Double { scope - remaining }
    }

    public struct Burndown: Sendable {
        public var commitment: Double = 0
        public var days: [BurnDay] = []
        public var note: String?
    }

    // MARK: 5. Scope changes

    public struct ScopeChange: Sendable {
        public var date: String
        public var author: String
        /// `added`, `removed` or `re-estimated`.
        public var kind: String
        public var id: String
        public var title: String
        /// Points added to the scope (negative when removed).
        public var delta: Double
    }

    public struct ScopeChanges: Sendable {
        public var changes: [ScopeChange] = []
        public var note: String?
    }

    // MARK: 6. Change management

    public struct ChangeTask: Sendable {
        public var id: String
        public var title: String
        public var kind: String
        public var owner: String?
        public var due: String?
        public var overdue: Bool
    }

    public struct ChangeGroup: Sendable {
        public var status: String
        public var tasks: [ChangeTask]
    }

    public struct ChangeManagement: Sendable {
        public var groups: [ChangeGroup] = []
        /// Sign-off tasks not done yet.
        public var pendingSignOffs: [ChangeTask] = []
        public var note: String?
    }

    // MARK: 7. Risks

    public struct RiskItem: Sendable {
        public var id: String
        public var title: String
        /// Why it is a risk, e.g. `waiting for B-2m8kd`.
        public var reason: String
    }

    public struct WIPBreach: Sendable {
        public var status: String
        public var count: Int
        public var limit: Int
        public var items: [String]
    }

    public struct Risks: Sendable {
        public var blocked: [RiskItem] = []
        public var overWIP: [WIPBreach] = []
        public var unaligned: [RiskItem] = []
        public var isEmpty: Bool { blocked.isEmpty && overWIP.isEmpty && unaligned.isEmpty }
    }

    // MARK: 8. Board

    public struct Card: Sendable {
        public var id: String
        public var title: String
        public var points: Double?
        public var assignee: String?
        public var blocked: Bool
    }

    public struct Column: Sendable {
        public var status: String
        /// `todo`, `doing` or `done`.
        public var category: String
        public var wip: Int?
        public var cards: [Card]
        /// The whole board holds more items in this status than its WIP limit.
        public var overLimit: Bool
    }

    public struct KanbanBoard: Sendable {
        /// What the board shows: `iteration S3` or `all items`.
        public var scope: String
        public var columns: [Column]
    }
}
