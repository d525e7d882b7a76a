import Foundation
import Testing

@testable import BoardKit

/// The `chromium` binary on PATH, if any (Debian's package `chromium`; `make deps` installs it).
let chromiumPath: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    .split(separator: ":").map { "\($0)/chromium" }.first { FileManager.default.isExecutableFile(atPath: $0) }

@Suite struct BrowserTests {
    /// Renders the fixture report in headless Chromium. Skipped, with the reason shown in the
    /// test output, when Chromium is not installed; it never passes without running.
    @Test(.enabled(if: chromiumPath != nil, "chromium is not on PATH (install Debian's package chromium, e.g. with make deps)"))
    func fixtureReportRendersInChromium() throws {
        let f = try ReportFixture()
        let page = f.sandbox.path("report.html")
        let png = f.sandbox.path("report.png")
        let written = try f.report("--format", "html", "-o", page)
        #expect(written.status == 0, "\(written.stderr)")
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=" + f.sandbox.path("chromium")]
        // With logging on stderr, page errors (console messages, failed loads) show as CONSOLE / net::ERR_ lines.
        let shot = try f.sandbox.run(chromiumPath!, flags + ["--enable-logging=stderr", "--screenshot=" + png,
                                                             "--window-size=1280,2600", "file://" + page])
        #expect(shot.status == 0, "chromium --screenshot: \(shot.stderr)")
        let image = try Data(contentsOf: URL(fileURLWithPath: png))
        // A PNG: the signature, then the IHDR chunk with the width and height (big-endian) we asked for.
        #expect(image.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let bytes = [UInt8](image)
        #expect(bytes.count > 10_000)
        if bytes.count > 24 {
            let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
            #expect((width, height) == (1280, 2600))
        }
        #expect(!shot.stderr.contains("CONSOLE") && !shot.stderr.contains("net::ERR_") && !shot.stderr.contains("Failed to load resource"),
                "chromium reported page errors: \(shot.stderr)")

        // The DOM Chromium built: the charts with their elements.
        let dom = try f.sandbox.run(chromiumPath!, flags + ["--dump-dom", "file://" + page])
        #expect(dom.status == 0, "chromium --dump-dom: \(dom.stderr)")
        let html = dom.stdout
        #expect(html.components(separatedBy: "<svg class=\"chart\"").count - 1 >= 1)
        #expect(html.components(separatedBy: "<rect class=\"bar ").count - 1 == 4)   // S1 and S2 × committed, completed
        // Every bar has a positive height: the smallest, 8 points on an axis to 20 (4 ticks of 5), is
        // 8/20 of the plot's 260 − 14 − 62 = 184 units: 73.6.
        let heights = html.components(separatedBy: "<rect class=\"bar ").dropFirst().compactMap { tag -> Double? in
            tag.components(separatedBy: "height=\"").dropFirst().first.flatMap { Double($0.prefix { $0 != "\"" }) }
        }
        #expect(heights.count == 4 && heights.allSatisfy { $0 >= 73.6 })
        #expect(html.components(separatedBy: "<svg class=\"chart\"").count - 1 == 3)   // velocity, burndown, burnup
        #expect(html.components(separatedBy: "<polyline class=\"line ").count - 1 == 5)
        #expect(html.contains("class=\"legend\""))
        #expect(html.contains("class=\"kanban\""))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    }
}
