import Foundation
import ResultsStore
import Testing
@testable import Reports

/// report.html: the markdown subset rendered exactly, and the page of a committed experiment loaded in a real
/// browser (Debian's `chromium`, headless), which must show every chart and table and answer a hover.
struct HTMLReportTests {
    @Test func rendersTheMarkdownSubsetTheReportUses() {
        let markdown = """
            # Experiment `x<y>`

            A paragraph with **bold**, `a|b` and
            a [link](data.csv).

            | name | value |
            | --- | --- |
            | a \\| b | `1` |

            - one
            - **two**

            1. first
            12. second

            Text right above an image.
            ![Chart](chart.svg)

            ![Other](other.svg)
            """
        let html = MarkdownHTML(figures: ["chart.svg": "<figure>SVG</figure>\n"]).render(markdown)
        #expect(html == """
            <h1 id="experiment-x-y">Experiment <code>x&lt;y&gt;</code></h1>
            <p>A paragraph with <strong>bold</strong>, <code>a|b</code> and a <a href="data.csv">link</a>.</p>
            <div class="table"><table>
            <thead><tr><th>name</th><th>value</th></tr></thead>
            <tbody>
            <tr><td>a | b</td><td><code>1</code></td></tr>
            </tbody>
            </table></div>
            <ul>
            <li>one</li>
            <li><strong>two</strong></li>
            </ul>
            <ol>
            <li>first</li>
            <li>second</li>
            </ol>
            <p>Text right above an image.</p>
            <figure>SVG</figure>
            <p><img src="other.svg" alt="Other"></p>

            """)
    }

    /// The residual-scaling report of the committed database.
    private func committedReport() throws -> ExperimentReport {
        let reader = try ResultsReader(path: CommittedReportsTests.results.appendingPathComponent("lab.sqlite").path)
        return try ExperimentReport(ExperimentData.load(from: reader, experiment: "residual-scaling"))
    }

    @Test func thePageIsSelfContainedAndCarriesEveryChartsData() throws {
        let report = try committedReport()
        let html = report.html()
        // No network: the only URL is the SVG namespace; no external images, scripts, styles or fonts.
        let urls = html.components(separatedBy: "http").count - 1
        #expect(urls == html.components(separatedBy: "http://www.w3.org/2000/svg").count - 1)
        // url() only for fragments of the page itself (the charts' clip paths).
        #expect(!html.contains("src=") && !html.contains("@import"))
        #expect(html.components(separatedBy: "url(").count == html.components(separatedBy: "url(#").count)
        #expect(html.components(separatedBy: "<table>").count - 1 == Self.tableCount(report.markdown()))
        for spec in report.charts {
            let series = report.chart(spec).series
            #expect(html.contains("<figure id=\"chart-\(spec.fileStem)\" class=\"chart\">"))
            for line in series {
                let values = line.points.map { "\(NumberFormat.fixed($0.x, 4)),\(NumberFormat.fixed($0.y, 4))," }
                #expect(html.contains("data-label=\"\(escape(line.label))\" data-values=\"\(values[0])"))
            }
        }
        #expect(html == report.html())
    }

    static func tableCount(_ markdown: String) -> Int {
        markdown.split(separator: "\n").filter { $0.hasPrefix("| ---") }.count
    }

    /// Debian's chromium, if installed.
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// CI sets this (.ci/run) so that a missing browser fails the test instead of skipping it.
    static let browserRequired = ProcessInfo.processInfo.environment["INCEPTIONLAB_REQUIRE_BROWSER"] == "1"

    @Test(.enabled(if: chromium != nil || browserRequired,
                   "chromium is not installed (apt-get install chromium): the report page's browser test is skipped"))
    func aBrowserShowsEveryChartAndTableAndAnswersAHover() throws {
        let chromium = try #require(Self.chromium, "INCEPTIONLAB_REQUIRE_BROWSER is set but chromium is not installed")
        let report = try committedReport()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("report-html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // The page as written, plus a script that switches the first configuration off and moves the pointer
        // over the first chart, as a reader would.
        let probe = """
            <script>
            var svg = document.querySelector("figure.chart svg"), box = svg.getBoundingClientRect();
            document.querySelector("#configurations input").click();
            svg.dispatchEvent(new MouseEvent("mousemove", {clientX: box.left + box.width / 2,
                                                           clientY: box.top + box.height / 3, bubbles: true}));
            document.body.dataset.firstChartBottom = Math.ceil(box.bottom + window.scrollY);
            </script>
            </body>
            """
        let page = directory.appendingPathComponent("report.html")
        try report.html().replacing("</body>", with: probe).write(to: page, atomically: true, encoding: .utf8)

        let dom = try Self.run(chromium, ["--window-size=1280,1000", "--dump-dom", page.absoluteString],
                               profile: directory)
        #expect(dom.components(separatedBy: "<table>").count - 1 == Self.tableCount(report.markdown()))
        for spec in report.charts {
            let count = spec.chart(report.curves(of: spec.metric)).series.count
            let figure = try #require(dom.range(of: "<figure id=\"chart-\(spec.fileStem)\" class=\"chart\">"),
                                      "chart \(spec.fileStem) is missing")
            let svg = String(dom[figure.upperBound...]).components(separatedBy: "</figure>")[0]
            #expect(svg.components(separatedBy: "<g class=\"series\"").count - 1 == count, "\(spec.fileStem)")
        }
        // The script ran: one checkbox per configuration, the first switched off, the hover answered.
        let labels = report.charts.flatMap { report.curves(of: $0.metric).map(\.configuration) }
        #expect(dom.components(separatedBy: "type=\"checkbox\"").count - 1 == Set(labels).count)
        #expect(dom.contains("style=\"display: none;\""))
        let tooltip = try #require(dom.range(of: "<div id=\"tooltip\""))
        let tip = String(dom[tooltip.lowerBound...].prefix(3000))
        #expect(!tip.hasPrefix("<div id=\"tooltip\" hidden") && tip.contains("against epoch")
                && tip.contains(" at epoch "))
        #expect(Set(labels).dropFirst().contains { tip.contains(escape($0)) })

        // A screenshot down to the first chart, hovered.
        let bottom = dom.range(of: "data-first-chart-bottom=\"")
            .flatMap { Int(dom[$0.upperBound...].prefix { $0.isNumber }) } ?? 0
        #expect(bottom > 0)
        let screenshot = directory.appendingPathComponent("report.png")
        _ = try Self.run(chromium, ["--screenshot=\(screenshot.path)", "--window-size=1280,\(bottom + 40)",
                                    page.absoluteString], profile: directory)
        let png = try Data(contentsOf: screenshot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 10_000, "\(screenshot.path)")
        print("report page screenshot: \(screenshot.path)")
    }

    /// Runs headless chromium with `arguments` and returns its standard output.
    private static func run(_ chromium: String, _ arguments: [String], profile: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                             "--user-data-dir=\(profile.appendingPathComponent("profile").path)"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "chromium \(arguments) exited with \(process.terminationStatus)")
        return String(decoding: data, as: UTF8.self)
    }
}
