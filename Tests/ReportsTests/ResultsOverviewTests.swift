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

    /// Experiments that declare different tests of a finding each show theirs, not the first experiment's.
    @Test func eachDeclaredTestIsNamedWithItsExperiments() throws {
        try withDatabase(runs: residualExperiment) { path in
            try fill(path, experiment: "longer", spec: """
                name: longer
                hypotheses:
                  finding2: {test: equivalence, metric: final-error, margin: 1, lastK: 4}
                """, runs: residualExperiment.map { run in
                    var run = run
                    run.seed += 10
                    return run
                })
            let markdown = try ResultsOverview(reader: ResultsReader(path: path)).markdown()
            let finding2 = try #require(markdown.components(separatedBy: "### Finding 2").last?
                .components(separatedBy: "### Finding 3").first)
            #expect(finding2.contains("Test of `longer`: equivalence test (Welch) of final error (mean of the last 4 "))
            #expect(finding2.contains("Test of `residual-vs-pure`: equivalence test (Welch) of final error (mean of "
                                      + "the last 3 "))
            // Finding 1's test is the same for both: one line.
            let finding1 = try #require(markdown.components(separatedBy: "### Finding 1").last?
                .components(separatedBy: "### Finding 2").first)
            #expect(finding1.contains("\nTest: superiority test"))
        }
    }
}
