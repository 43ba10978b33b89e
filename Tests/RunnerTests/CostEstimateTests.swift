import Foundation
import ResultsStore
import Runner
import Testing

struct CostEstimateTests {
    @Test func wallTimeSharesRunsAmongWorkers() {
        #expect(CostEstimate.wallTime([3, 1, 2], workers: 1) == 6)
        #expect(CostEstimate.wallTime([3, 1, 2], workers: 2) == 3)        // 3 | 2 + 1
        #expect(CostEstimate.wallTime([3, 5, 3, 4, 3], workers: 2) == 10)  // longest first: 5 + 3 | 4 + 3 + 3
        #expect(CostEstimate.wallTime([2, 2], workers: 4) == 2)
        #expect(CostEstimate.wallTime([], workers: 2) == 0)
    }

    /// A finished run of the one-block network measured 100 images per second. The same model and width with
    /// three blocks per stage is timed at the measured MACs per second, so it takes longer in proportion to its
    /// MACs per image, not as long as the network that was measured.
    @Test func measuredRateIsMACsPerSecondOfTheNetworkThatRan() throws {
        let plan = try Fixture.plan(Fixture.spec(grid: "  seed: [1]", extra: "runs:\n  - {model: {repeats: [3, 3, 3]}}"))
        let (shallow, deep) = (plan.runs[0], plan.runs[1])
        let path = Fixture.databasePath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let store = try ResultsStore(path: path)
        let experiment = try store.experiment(named: "measured", description: "")
        let id = try store.insertRun(shallow.newRun(experimentID: experiment)).id
        _ = try store.claimRun(id)
        let writer = try MetricWriter(store: store, run: id)
        try writer.append("images_per_second", step: 2, value: 90, wallTime: 1)
        try writer.append("images_per_second", step: 4, value: 110, wallTime: 2)
        try writer.flush()
        try store.finish(run: id, as: .finished, diedAtStep: nil)

        var cost = try CostEstimate(reader: ResultsReader(path: path))
        let a = try cost.estimate(shallow), b = try cost.estimate(deep)
        #expect(b.macsPerImage > a.macsPerImage)
        let rate = 100 * 3 * Double(a.macsPerImage)
        #expect(abs(a.measuredMACsPerSecond! - rate) < 1e-6 * rate && b.measuredMACsPerSecond == a.measuredMACsPerSecond)
        #expect(abs(a.seconds - a.macs / rate) < 1e-9 * a.seconds && abs(b.seconds / a.seconds - b.macs / a.macs) < 1e-9)
    }
}
