import ResultsStore
import Testing
@testable import Reports

@Suite struct PowerPlanTests {
    @Test func comparisonsOfTheSpecWithSeedsFromFinishedRunsOrForAssumedSpreads() throws {
        try withDatabase(runs: residualExperiment) { path in
            let data = try ExperimentData.load(from: ResultsReader(path: path), experiment: "residual-vs-pure")
            var planned: [RunConfiguration] = []   // inception-v4, IR-v2-paper scaled 0.2 and unscaled
            for c in data.runs.map(\.configuration) where !planned.contains(c) { planned.append(c) }

            // Before any run: each comparison the report will make, with seeds at assumed spreads.
            let before = try PowerPlan.lines(hypotheses: .defaults, planned: planned, data: nil)
            #expect(before.count == 12, "\(before)")
            #expect(before[0].hasPrefix("finding 1: superiority test (Welch) of early error"))
            #expect(before[1].contains(": no finished runs yet; seeds per configuration at a standard deviation of "))
            // TOST within ±1 pt needs 18 seeds at σ = 1 pt (PowerTests); non-inferiority by 1 pt needs 14.
            #expect(before[4].hasPrefix("  inception-v4 vs inception-resnet-v2-paper scale 0.2: ")
                    && before[4].hasSuffix("at a standard deviation of 0.5 / 1.0 / 2.0 / 4.0 pt: 6 / 18 / 70 / 275"))
            // The dead share's non-inferiority by 10 pt (finding 3: does scaling lower it?): the power needs 2 seeds
            // up to σ = 2 pt, 4 at 4 pt; a verdict needs 3 at least (`VerdictRules.seedsForAVerdict`).
            #expect(before[7].hasPrefix("  inception-resnet-v2-paper scale 0.2 vs inception-resnet-v2-paper scale "
                                        + "1.0: ") && before[7].hasSuffix(": 3 / 3 / 3 / 4"))
            // Finding 3's count of deaths: none among 5 unscaled runs would refute "they die as a rule" at α = 0.05.
            #expect(before[8] == "  count, inception-resnet-v2-paper: unscaled vs scaled: unstable (died or diverged): "
                    + "unscaled 0/0, scaled 0/0; both groups are needed (5 unscaled runs with no more unstable would "
                    + "show it below 50 %)")
            #expect(before[9] == "finding 4: untested (no two configurations of the spec compare under it)")
            #expect(before[11].hasSuffix(": 5 / 14 / 51 / 199") && before.last == before[11])

            // With finished runs: the report's own comparisons, σ from their runs (the diverged run has no value).
            let lines = try PowerPlan.lines(hypotheses: .defaults, planned: planned, data: data)
            let report = try ExperimentReport(data)
            let finding2 = try #require(report.findings.first { $0.number == 2 }).comparisons[0]
            let deadShare = try #require(report.scalingDeadShare.first)
            #expect(lines.contains("  count, inception-resnet-v2-paper: unscaled vs scaled: unstable (died or "
                                   + "diverged): unscaled 2/3, scaled 0/3; higher unscaled: Fisher p = 0.200; unscaled "
                                   + "share at most 98 % (95 % upper bound), not below 50 %: 11 unscaled runs with no "
                                   + "more unstable would show it below"), "\(lines)")
            for (c, runs) in [(finding2, "3+3"), (deadShare, "3+2")] {
                let expected = "  \(c.reference) vs \(c.other)\(c.votes ? "" : " (not cost-matched: does not vote)"): "
                    + "σ \(NumberFormat.fixed(c.pooledStd! * 100, 2)) pt from \(runs) finished runs → "
                    + "\(c.seedsNeeded!) seeds per configuration (has \(runs.suffix(1)))"
                #expect(lines.contains(expected), "\(lines)")
            }
        }
    }
}
