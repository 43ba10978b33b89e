import ResultsStore
import Testing
@testable import Reports

@Suite struct ResultsOverviewTests {
    @Test func tableEvidenceAndTheHandWrittenPartKept() throws {
        try withDatabase(runs: residualExperiment) { path in
            let overview = try ResultsOverview(reader: ResultsReader(path: path))
            let markdown = overview.markdown()
            #expect(markdown.contains("| [`residual-vs-pure`](residual-vs-pure/report.md): A test experiment. "
                                      + "| 9 included | 3 × 3 | 9/9 | abc123 | final | 1 "))
            let finding2 = try #require(overview.reports[0].findings.first { $0.number == 2 })
            #expect(markdown.contains("- `residual-vs-pure`: **\(finding2.verdict.rawValue)**. "
                                      + "\(finding2.judgements[0].subject): \(finding2.judgements[0].verdict.rawValue) "
                                      + "(\(ResultsOverview.brief(finding2.comparisons[0])))"))
            #expect(markdown.hasSuffix(ResultsOverview.handWrittenMarker + "\n"))
            let notes = "\n## Notes\n\nBy hand.\n"
            let existing = "# old generated text\n" + ResultsOverview.handWrittenMarker + "\n" + notes
            #expect(overview.merged(into: existing) == markdown + notes)
            #expect(overview.merged(into: "no marker") == markdown)
            #expect(overview.merged(into: nil) == markdown)
        }
    }
}
