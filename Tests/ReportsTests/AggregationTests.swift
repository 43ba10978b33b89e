import RunContract
import Testing
@testable import Reports

@Suite struct AggregationTests {
    @Test func summaryHasSampleStatistics() throws {
        let s = try #require(Summary([0.10, 0.20, 0.30]))
        #expect(s.n == 3 && s.min == 0.10 && s.max == 0.30)
        #expect(abs(s.mean - 0.20) < 1e-12 && abs(s.std - 0.10) < 1e-12)
        #expect(Summary([0.5])?.std == 0)
        #expect(Summary([]) == nil)
        let pooled = Summary.pooledStd(s, try #require(Summary([1, 1, 1])))
        #expect(abs(pooled - (0.01 / 2).squareRoot()) < 1e-12)
        // Tables state a spread only where there is one: a single seed has none.
        #expect(NumberFormat.percentMeanStd(s) == "20.00 ± 10.00 % (n=3)")
        #expect(NumberFormat.percentMeanStd(Summary([0.5])) == "50.00 % (n=1)")
        #expect(NumberFormat.percentMeanStd(nil) == "–")
    }

    @Test func curvesAggregateSeedsAtMatchingSteps() throws {
        try withDatabase(runs: residualExperiment) { path in
            let report = try report(path)
            let curves = report.curves(of: Metric.validationTop1)
            #expect(curves.map(\.configuration) == ["inception-v4", "inception-resnet-v2-paper scale 0.2",
                                                    "inception-resnet-v2-paper scale 1.0"])
            let v4 = curves[0].points
            #expect(v4.map(\.step) == Array(stride(from: 30, through: 300, by: 30)))
            let at60 = v4[1]
            let expected = decay(final: 0.15, tau: 60)(60)
            #expect(at60.value.n == 3 && abs(at60.value.mean - expected) < 1e-12)
            #expect(abs(at60.value.min - (expected - 0.002)) < 1e-12
                    && abs(at60.value.max - (expected + 0.002)) < 1e-12)
            #expect(abs(at60.value.std - 0.002) < 1e-12)
            #expect(abs(at60.epoch - 0.6) < 1e-12 && abs(at60.time! - 36) < 1e-9)
            // The unscaled configuration's third seed diverged at step 150: later points summarise two runs.
            let unscaled = curves[2].points
            #expect(unscaled.first { $0.step == 150 }?.value.n == 3)
            #expect(unscaled.first { $0.step == 180 }?.value.n == 2)
        }
    }

    @Test func epochsInterpolateBetweenLoggedSteps() throws {
        try withDatabase(runs: [residualExperiment[0]]) { path in
            let run = try ExperimentData.load(from: .init(path: path), experiment: "residual-vs-pure").runs[0]
            #expect(abs(run.epoch(atStep: 30)! - 0.3) < 1e-12)
            #expect(abs(run.epoch(atStep: 10)! - 0.1) < 1e-12)
            #expect(abs(run.epoch(atStep: 400)! - 4) < 1e-12)
        }
    }

    @Test func normalizedAreaIsTheMeanHeight() throws {
        let area = try #require(ErrorArea.normalizedArea([(0, 0.4), (1, 0.2), (3, 0.2)]))
        #expect(abs(area.area - (0.3 + 0.4) / 3) < 1e-12 && area.span == 3)
        #expect(ErrorArea.normalizedArea([(1, 0.3)]) == nil)
        // The unscaled configuration's third seed diverged at step 150: its shorter curve is left out.
        let areas = try withDatabase(runs: residualExperiment) { path in try report(path).errorAreas }
        #expect(areas.map { $0.area?.n } == [3, 3, 2] && abs(areas[2].epochSpan! - 2.7) < 1e-9)
    }
}
