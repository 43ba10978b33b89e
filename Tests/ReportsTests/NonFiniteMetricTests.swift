import ResultsStore
import RunContract
import Testing
@testable import Reports

/// A NaN or infinite metric (NaN is stored as NULL, ±∞ as itself) never reaches a report's curves, finals or
/// best values: every comparison with NaN is false, so a NaN would otherwise pass for a perfect or a worst value.
struct NonFiniteMetricTests {
    @Test func nonFiniteValidationErrorsAreLeftOutOfCurvesAndFinals() throws {
        let broken: @Sendable (Int) -> Double = { step in
            switch step {
            case 270: -.infinity
            case 300: .nan
            default: 0.5 - Double(step) / 1000
            }
        }
        try withDatabase(runs: [FixtureRun(model: "inception-v4", seed: 1, validation: broken)]) { path in
            let data = try ExperimentData.load(from: ResultsReader(path: path), experiment: "residual-vs-pure")
            let series = try #require(data.runs.first).series(Metric.validationTop1)
            #expect(series.map(\.step) == Array(stride(from: 30, through: 240, by: 30)))
            let configuration = try #require(Configuration.group(data.runs).first)
            let quality = FinalQuality(configuration, lastK: 1)
            #expect(quality.finalTop1?.mean == 0.5 - 0.24)
            #expect(quality.bestTop1?.min == 0.5 - 0.24)
        }
    }
}
