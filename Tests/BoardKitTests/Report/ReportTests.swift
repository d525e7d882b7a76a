import Foundation
import Testing

@testable import BoardKit

/// Compares a document with its golden file in `Fixtures/report/`. With `BOARD_RECORD=1` the
/// golden file is written and the test fails, so nobody records by accident.
func expectSnapshot(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let path = Sandbox.packageRoot + "/Tests/BoardKitTests/Fixtures/report/" + name
    if ProcessInfo.processInfo.environment["BOARD_RECORD"] == "1" {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        Issue.record("recorded \(name); run the tests again without BOARD_RECORD", sourceLocation: sourceLocation)
        return
    }
    guard let golden = try? String(contentsOfFile: path, encoding: .utf8) else {
        Issue.record("no golden file \(path); record it with BOARD_RECORD=1", sourceLocation: sourceLocation)
        return
    }
    if text != golden {
        let a = text.components(separatedBy: "\n"), b = golden.components(separatedBy: "\n")
        let line = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
        Issue.record("""
            \(name) differs from the golden file at line \(line + 1):
              got:      \(line < a.count ? a[line] : "<end>")
              expected: \(line < b.count ? b[line] : "<end>")
            (re-record with BOARD_RECORD=1 if the change is intended)
            """, sourceLocation: sourceLocation)
    }
}

@Suite struct ReportTests {
    @Test func markdownReport() throws {
        let f = try ReportFixture()
        let result = try f.report()
        #expect(result.status == 0, "\(result.stderr)")
        let md = result.stdout
        // Sections in the issue's order.
        let headings = md.components(separatedBy: "\n").filter { $0.hasPrefix("## ") }
        #expect(headings == ["## 1. Summary", "## 2. Business value by objective", "## 3. Velocity", "## 4. Burndown and burnup",
                             "## 5. Scope changes", "## 6. Change management", "## 7. Risks", "## 8. Board: iteration S3"])
        // S3 on 2026-03-09: working days 03-02..06 and 03-09..13 = 10; left from 03-09 on: 5.
        #expect(md.contains("| Days left | 5 of 10 working days |"))
        #expect(md.contains("| Committed | 17 points |"))                 // 5+3+2+1+3+2+1
        // Scope now: s2b 5 + pdf 3 + vat 2 + xss 1 + mail 5 + csv 2 + late 2 = 20; done: vat 2 + xss 1 = 3.
        #expect(md.contains("| Completed | 3 of 20 points |"))
        // Left 17; ideal at the start of 03-09: 17 × 5 / 10 = 8.5, so 8.5 behind (> 10 % of 17 = 1.7);
        // pace 3 points / 5 days gone = 0.6 a day → 3 more in 5 days, 14 short: off track.
        #expect(md.contains("**Health: off track**. 17 of 20 points left, 5 of 10 working days left; ideal at the start of today 8.5 (8.5 behind); at 0.6 points a day, 3 more by the end."))
        // Burndown from the history, end of each day 03-02..03-09. Ideal: 17 × (10 − working days gone) / 10,
        // flat at the weekend; scope 17, 17, 16 (drop −1), 18 (late +2), 20 (mail +2); remaining 17, 15 (vat),
        // 14, 16, 17 (xss done, mail +2).
        #expect(md.contains("""
            | 2026-03-02 | 15.3 | 17 | 0 | 17 |
            | 2026-03-03 | 13.6 | 15 | 2 | 17 |
            | 2026-03-04 | 11.9 | 14 | 2 | 16 |
            | 2026-03-05 | 10.2 | 16 | 2 | 18 |
            | 2026-03-06 | 8.5 | 17 | 3 | 20 |
            | 2026-03-07 (off) | 8.5 | 17 | 3 | 20 |
            | 2026-03-08 (off) | 8.5 | 17 | 3 | 20 |
            | 2026-03-09 | 6.8 | 17 | 3 | 20 |
            """))
        #expect(md.contains("""
            | 2026-03-04 | Test Author | removed | **B-drop** Dark mode | -1 |
            | 2026-03-05 | Test Author | added | **B-late** Refund button | +2 |
            | 2026-03-06 | Test Author | re-estimated | **B-mail** Email invoices | +2 |
            """))
        #expect(md.contains("| S1 | 8 | 8 |\n| S2 | 13 | 8 |"))
        #expect(md.contains("Average completed: **8** points over 2 iterations."))   // (8 + 8) / 2
        // O-pay: pdf 3, vat 2, xss 1, mail 5, drop 1, late 2 = 14 points, done vat + xss = 3;
        // KPI (35 − 20) / (60 − 20) = 37.5 % → 38 %; 11 open points, every sample 8: two iterations,
        // S3 then +2 ending 03-15 + 14 = 03-29. O-old: 2 open points, one iteration: S3.
        #expect(md.contains("| **O-pay** Grow online payments | active | Online share: 20 → 35 → 60 % (38 %) | 3 of 14 | B-vat, B-xss | +2 (2026-03-29) | +2 (2026-03-29) |"))
        #expect(md.contains("| **O-old** Legacy exports | on-hold | – | 0 of 2 | – | S3 (2026-03-15) | S3 (2026-03-15) |"))
        // Change tasks by workflow status; C-train was due 03-06, before 03-09.
        #expect(md.contains("### ready (1)\n\n| Task | Kind | Owner | Due |\n| --- | --- | --- | --- |\n| **C-sign** Finance sign-off for PDF invoices | sign-off | carol | 2026-03-13 |"))
        #expect(md.contains("| **C-train** Train support on refunds | training | erin | 2026-03-06 **overdue** |"))
        #expect(md.contains("| **C-mail** Announce PDF invoices | communication | dave | 2026-03-04 |"))
        #expect(md.contains("**Sign-offs pending:** C-sign Finance sign-off for PDF invoices"))
        #expect(md.contains("### Blocked\n- **B-mail** Email invoices: waiting for B-pdf\n- **B-late** Refund button: Waiting for the bank's refund API"))
        #expect(md.contains("- **review**: 3 items, limit 2 (B-s2b, B-pdf, B-csv)"))
        // Unaligned, in `board check`'s words: s2b has no objective, csv's objective O-old is on hold.
        #expect(md.contains("### Unaligned\n- **B-s2b** Card payments: not linked to an active objective (set objective: ID)\n- **B-csv** Legacy CSV export: objective O-old is on-hold, not active; re-link or drop the item"))
        // Kanban: backlog mail; ready late; review s2b, pdf, csv; done vat, xss.
        #expect(md.contains("| backlog (1) | ready (1) | in-progress (0/4) | review (3/2) **over WIP** | done (2) |"))
        #expect(md.contains("| **B-mail** Email invoices (5 pts, **blocked**) | **B-late** Refund button (2 pts, **blocked**) |  | **B-s2b** Card payments (5 pts, bob) | **B-vat** Fix VAT rounding (2 pts, bob) |"))
        try expectSnapshot(md, named: "report.md")
    }

    @Test func htmlReport() throws {
        let f = try ReportFixture()
        let result = try f.report("--format", "html")
        #expect(result.status == 0, "\(result.stderr)")
        let html = result.stdout
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1.0\"/>"))
        #expect(html.contains("@media print"))
        // Self-contained: no script, no external resource.
        #expect(!html.contains("<script"))
        #expect(!html.contains("src="))
        #expect(!html.contains("<link"))
        // Velocity: 2 iterations × 2 series = 4 bars, and the average line at 8.
        #expect(html.components(separatedBy: "<rect class=\"bar ").count - 1 == 4)
        #expect(html.contains("Average 8"))
        // Burndown (ideal, remaining, scope) and burnup (completed, scope): 5 lines of 8 days each.
        #expect(html.components(separatedBy: "<polyline class=\"line ").count - 1 == 5)
        #expect(html.contains("<span class=\"verdict off-track\">off track</span>"))
        try expectSnapshot(html, named: "report.html")
    }

    @Test func textFromBoardFilesIsEscaped() throws {
        let f = try ReportFixture()
        let html = try f.report("--format", "html").stdout
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<script>"))
        // The objective's Markdown body: bold and a web link kept, raw HTML shown as text.
        #expect(html.contains("<strong>online</strong>"))
        #expect(html.contains("<a href=\"https://example.com/plan\">the plan</a>"))
        #expect(html.contains("&lt;b&gt;raw&lt;/b&gt; HTML stays text."))
        #expect(!html.contains("<b>raw</b>"))
        // The goal goes through Markdown too: `*leave*` is emphasis, `&` is escaped.
        #expect(html.contains("Invoices <em>leave</em> the building &amp; get paid"))
        let md = try f.report().stdout
        #expect(md.contains("**B-xss** &lt;script&gt;alert(1)&lt;/script&gt;"))
        // Markdown from board files stays Markdown in the Markdown report, with HTML escaped.
        #expect(md.contains("| Goal | Invoices *leave* the building & get paid |"))
        #expect(md.contains("More customers pay **online**: [the plan](https://example.com/plan), &lt;b>raw&lt;/b> HTML stays text."))
        #expect(!md.contains("<script>"))
    }

    @Test func markdownBodiesLoadNothingAndRunNothing() {
        let body = """
            <script>alert(1)</script> [click](javascript:alert(1)) [ok](https://example.com) ![pixel](https://tracker.example/p.png)
            <img src=x onerror=alert(1)>
            [hover](https://example.org/" onmouseover="alert(1)) [data](data:text/html,hi)
            """
        let html = HTMLReport.markdown(body).render()
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("javascript:"))
        #expect(!html.contains("onmouseover"))
        #expect(!html.contains("data:"))
        #expect(html.contains("hover") && html.contains("data"))
        #expect(!html.contains("tracker.example"))
        #expect(html.contains("<a href=\"https://example.com\">ok</a>"))
        #expect(html.contains("click"))
        #expect(html.contains("pixel"))
    }

    @Test(arguments: [
        // committed, scope, completed, days left, working days, fallback pace → verdict
        // All done.
        (10.0, 10.0, 10.0, 3, 10, nil, ReportModel.Verdict.onTrack),
        // Left 6, ideal 10 × 5/10 = 5, 1 behind ≤ 1 (10 %); pace 4/5 = 0.8 → 4 more, 2 short > 1: at risk.
        (10.0, 10.0, 4.0, 5, 10, nil, .atRisk),
        // Left 4, ideal 5: ahead; pace 6/5 = 1.2 → 6 more ≥ 4: on track.
        (10.0, 10.0, 6.0, 5, 10, nil, .onTrack),
        // Left 8, ideal 5 + 1: behind; pace 2/5 = 0.4 → 2 more, 6 short: off track.
        (10.0, 10.0, 2.0, 5, 10, nil, .offTrack),
        // First day: nothing gone, left 10 = ideal 10; fallback 1.5 a day × 10 = 15 ≥ 10: on track.
        (10.0, 10.0, 0.0, 10, 10, 1.5, .onTrack),
        // First day, fallback 0.5 × 10 = 5, 5 short > 1: at risk (not behind the ideal).
        (10.0, 10.0, 0.0, 10, 10, 0.5, .atRisk),
        // Scope grew 10 → 16 with 6 done on day 5: left 10 > ideal 5 + 1; pace 1.2 → 6 more, 4 short: off track.
        (10.0, 16.0, 6.0, 5, 10, nil, .offTrack),
        // Ended (no days left) with 1 of 10 left: ideal 0, 1 ≤ 0 + 1 and 1 − 0 ≤ 1: on track.
        (10.0, 10.0, 9.0, 0, 10, nil, .onTrack),
    ] as [(Double, Double, Double, Int, Int, Double?, ReportModel.Verdict)])
    func healthVerdict(_ c: (Double, Double, Double, Int, Int, Double?, ReportModel.Verdict)) {
        let (verdict, _) = Workspace.health(committed: c.0, scope: c.1, completed: c.2, daysLeft: c.3, workingDays: c.4, fallbackPace: c.5)
        #expect(verdict == c.6)
    }

    @Test func outputFileAndErrors() throws {
        let f = try ReportFixture()
        let out = f.sandbox.path("out/report.html")
        let written = try f.report("--format", "html", "-o", out)
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.isEmpty)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == (try f.report("--format", "html").stdout))
        #expect(try f.report("--format", "pdf").status == 2)
        let missing = try f.report("--iteration", "S9")
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no iteration with id S9"))
        // A closed iteration: its outcome, no days left.
        let s2 = try f.report("--iteration", "S2").stdout
        #expect(s2.contains("| Completed | 8 of 13 points |"))    // s2a 8 done, s2b 5 carried over
        #expect(s2.contains("| Days left | 0 of 10 working days |"))   // 02-16..20 and 02-23..27
    }

    @Test func boardWithoutIterations() throws {
        let sandbox = try Sandbox()
        let dir = try sandbox.makeBoard()
        #expect(try sandbox.board("add", "First story", "--points", "3", in: dir).status == 0)
        let result = try sandbox.board("report", in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("No current iteration"))
        #expect(result.stdout.contains("_No closed iterations yet"))
        #expect(result.stdout.contains("## 8. Board: all items"))
        #expect(result.stdout.contains("First story (3 pts)"))
        #expect(try sandbox.board("report", "--format", "html", in: dir).status == 0)
    }
}
