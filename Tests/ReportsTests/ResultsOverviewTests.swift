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

    /// A verdict that decides (reproduced or not) carries its finding's caveats into the overview, as in its report;
    /// an inconclusive one claims nothing for them to limit.
    @Test func decidedVerdictsCarryTheirCaveats() throws {
        try withDatabase(runs: residualExperiment) { path in
            let overview = try ResultsOverview(reader: ResultsReader(path: path))
            let markdown = overview.markdown()
            let findings = overview.reports[0].findings.filter { !$0.caveats.isEmpty }
            #expect(findings.contains { $0.verdict == .inconclusive }
                    && findings.contains { $0.verdict != .inconclusive }, "\(findings.map(\.verdict))")
            for finding in findings {
                let section = markdown.components(separatedBy: "### Finding \(finding.number):")[1]
                let bullet = section.components(separatedBy: "\n- `residual-vs-pure`: ")[1].prefix { $0 != "\n" }
                let caveats = finding.caveats.map { " Caveat: \($0)" }.joined()
                #expect(bullet.hasSuffix(caveats) == (finding.verdict != .inconclusive), "\(bullet)")
            }
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
