import Testing
@testable import Reports

@Suite struct TimeToTargetTests {
    @Test func firstEvaluationAtOrBelowTheTarget() throws {
        try withDatabase(runs: residualExperiment) { path in
            let report = try report(path, targets: [0.5, 0.152, 0.1])
            func row(_ configuration: String, _ target: Double) throws -> TimeToTarget {
                try #require(report.timeToTarget.first { $0.configuration == configuration && $0.target == target })
            }
            // Inception-v4: 0.15 + 0.75·exp(−s/60) ± 0.002 is 0.605 at step 30, 0.426 at step 60.
            let v4 = try row("inception-v4", 0.5)
            #expect(v4.reached == 3 && v4.runs == 3)
            #expect(abs((v4.epochs?.mean ?? 0) - 0.6) < 1e-12 && v4.epochs?.std == 0 && v4.time?.max == 36)
            // 0.152 is below the final error of seed 2 (0.152 + tail): it never gets there.
            let tight = try row("inception-resnet-v2-paper scale 0.2", 0.152)
            #expect(tight.reached == 2 && tight.runs == 3 && tight.epochs?.n == 2)
            let never = try row("inception-v4", 0.1)
            #expect(never.reached == 0 && never.epochs == nil && never.time == nil)
        }
    }

    @Test func defaultTargetsAreRoundedMultiplesOfTheWorstFinalError() {
        #expect(TimeToTarget.defaultTargets(finalMeans: [0.15, 0.16]) == [0.24, 0.195, 0.16])
        #expect(TimeToTarget.defaultTargets(finalMeans: [0.9]) == [1, 0.9])
        #expect(TimeToTarget.defaultTargets(finalMeans: []).isEmpty)
    }
}
