import ResultsStore
import Testing
@testable import Reports

@Suite struct PowerPlanTests {
    @Test func seedsNeededFromFinishedRunsOrForAssumedSpreads() throws {
        let empty = try PowerPlan.lines(hypotheses: Hypotheses.defaults, data: nil)
        #expect(empty.count == 10 && empty[0].hasPrefix("finding 1: superiority test (Welch) of early error"))
        // TOST within ±1 pt needs 18 seeds at σ = 1 pt (PowerTests); non-inferiority by 1 pt needs 14.
        #expect(empty[3].hasSuffix("at a standard deviation of 0.5 / 1.0 / 2.0 / 4.0 pt: 6 / 18 / 70 / 275"))
        // The remedies' non-inferiority by 10 pt of dead share: the power needs 2 seeds up to σ = 2 pt, 4 at 4 pt;
        // a verdict needs 3 at least (`VerdictRules.seedsForAVerdict`).
        #expect(empty[5].hasSuffix(": 3 / 3 / 3 / 4") && empty[7].hasSuffix(": 3 / 3 / 3 / 4"))
        #expect(empty[9].hasSuffix(": 5 / 14 / 51 / 199"))
        try withDatabase(runs: residualExperiment) { path in
            let data = try ExperimentData.load(from: ResultsReader(path: path), experiment: "residual-vs-pure")
            let lines = try PowerPlan.lines(hypotheses: Hypotheses.defaults, data: data)
            let report = try ExperimentReport(data)
            let finding2 = try #require(report.findings.first { $0.number == 2 })
            let first = finding2.comparisons[0]
            let expected = "  \(first.reference) vs \(first.other): "
                + "σ \(NumberFormat.fixed(first.pooledStd! * 100, 2)) pt "
                + "from 3+3 finished runs → \(first.seedsNeeded!) seeds per configuration (has 3)"
            #expect(lines.contains(expected), "\(lines)")
        }
    }
}
