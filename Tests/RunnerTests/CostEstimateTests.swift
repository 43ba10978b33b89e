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

    /// A run of the one-block network logged 90, 100 and 110 images per second. The same model and width with
    /// three blocks per stage is timed at the measured MACs per second, so it takes longer in proportion to its
    /// MACs per image, not as long as the network that was measured.
    @Test func measuredRateIsMACsPerSecondOfTheNetworkThatRan() throws {
        let plan = try Fixture.plan(Fixture.spec(grid: "  seed: [1]",
                                                 extra: "runs:\n  - {model: {repeats: [3, 3, 3]}}"))
        let (shallow, deep) = (plan.runs[0], plan.runs[1])
        let database = try Database()
        defer { database.remove() }
        try database.log(shallow, imagesPerSecond: [90, 110, 100], setting: nil)

        var cost = try CostEstimate(reader: database.reader())
        let a = try cost.estimate(shallow), b = try cost.estimate(deep)
        #expect(b.macsPerImage > a.macsPerImage)
        let rate = 100 * 3 * Double(a.macsPerImage)
        #expect(abs(a.macsPerSecond - rate) < 1e-6 * rate && b.macsPerSecond == a.macsPerSecond)
        #expect(a.source == .anySetting && b.source == .anySetting)
        #expect(abs(a.seconds - a.macs / rate) < 1e-9 * a.seconds
                && abs(b.seconds / a.seconds - b.macs / a.macs) < 1e-9)
    }

    /// Three runs of one network on processor A: one on OpenBLAS with an interval stretched by a pause (a stopped
    /// process), one on oneDNN, and one on oneDNN on processor B. A run on oneDNN on A is timed by the oneDNN run
    /// on A alone, whatever the pause; one on oneDNN on a processor nothing ran on by both oneDNN runs; one with
    /// three threads on oneDNN on A by the one-thread run there; one on a library nothing ran with by the mean of
    /// all three runs' medians; another model at that width by the runs of the same setting; a width no run
    /// measured at the assumed rate.
    @Test func rateComesFromRunsOfTheSameSettingAndEachRunsMedian() throws {
        let plan = try Fixture.plan(Fixture.spec(grid: "  seed: [1, 2, 3]", extra: ""))
        let database = try Database()
        defer { database.remove() }
        let openblas = ComputeSetting(processor: "A", library: "OpenBLAS", threads: 1)
        let onednn = ComputeSetting(processor: "A", library: "oneDNN", threads: 1)
        try database.log(plan.runs[0], imagesPerSecond: [100, 2, 100], setting: openblas)
        try database.log(plan.runs[1], imagesPerSecond: [200, 200, 5000], setting: onednn)
        try database.log(plan.runs[2], imagesPerSecond: [400, 400, 400], setting: ComputeSetting(
            processor: "B", library: "oneDNN", threads: 1))

        var cost = try CostEstimate(reader: database.reader())
        let macs = 3 * Double(try cost.macsPerImage(plan.runs[0].config.model))
        let same = try cost.estimate(plan.runs[0], setting: onednn)
        #expect(same.source == .sameSetting && abs(same.macsPerSecond - 200 * macs) < 1e-6 * same.macsPerSecond)
        let elsewhere = try cost.estimate(plan.runs[0], setting: ComputeSetting(processor: "C", library: "oneDNN",
                                                                                threads: 1))
        #expect(elsewhere.source == .otherProcessor
                && abs(elsewhere.macsPerSecond - 300 * macs) < 1e-6 * elsewhere.macsPerSecond)
        let moreThreads = try cost.estimate(plan.runs[0], setting: ComputeSetting(processor: "A", library: "oneDNN",
                                                                                  threads: 3))
        #expect(moreThreads.source == .fewerThreads
                && abs(moreThreads.macsPerSecond - 200 * macs) < 1e-6 * moreThreads.macsPerSecond)
        let other = try cost.estimate(plan.runs[0], setting: ComputeSetting(processor: "A", library: "MKL",
                                                                            threads: 2))
        #expect(other.source == .anySetting && abs(other.macsPerSecond - 700 / 3 * macs) < 1e-6 * other.macsPerSecond)

        let others = try Fixture.plan(Fixture.spec(grid: "  seed: [1]",
                                                   extra: "runs:\n  - {model: {model: inception-resnet-v1}}"))
        let otherModel = try cost.estimate(others.runs[1], setting: onednn)
        #expect(others.runs[1].config.model.model.rawValue == "inception-resnet-v1")
        #expect(otherModel.source == .otherModels && otherModel.macsPerSecond == same.macsPerSecond)

        let unmeasured = try Fixture.plan(Fixture.spec(grid: "  seed: [1]", extra: "runs:\n  - {model: {width: 0.5}}"))
        let assumed = try cost.estimate(unmeasured.runs[1], setting: onednn)
        #expect(assumed.source == .assumed && assumed.macsPerSecond == CostEstimate.defaultMACsPerSecond)
    }

    /// Evaluations cost their validation images, the batches of their BatchNorm recomputation, and the test
    /// images once; training images three passes each.
    @Test func computeCountsEveryImageThatRuns() throws {
        let plan = try Fixture.plan(Fixture.spec(grid: "  seed: [1]",
                                                 extra: "runs:\n  - {batchNormRecomputeBatches: 2}"))
        let (plain, recomputing) = (plan.runs[0], plan.runs[1])
        var cost = try CostEstimate(reader: nil)
        let macs = Double(try cost.macsPerImage(plain.config.model))
        let a = try cost.estimate(plain), b = try cost.estimate(recomputing)
        #expect(plain.evaluations == 2 && plain.config.batchSize == 16)
        #expect(a.macs == macs * Double(3 * 8 * 16 + 2 * plain.validationImages + plain.testImages))
        #expect(b.macs - a.macs == macs * Double(2 * 2 * 16))
        #expect(a.source == .assumed && a.seconds == a.macs / CostEstimate.defaultMACsPerSecond)
    }

    /// A scratch results database.
    private struct Database {
        let path = Fixture.databasePath()
        let store: ResultsStore

        init() throws { store = try ResultsStore(path: path) }

        func reader() throws -> ResultsReader { try ResultsReader(path: path) }

        func remove() { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }

        /// `run` finished, having logged `imagesPerSecond` (one value per interval) computing with `setting`.
        func log(_ run: PlannedRun, imagesPerSecond: [Double], setting: ComputeSetting?) throws {
            let experiment = try store.experiment(named: "measured", description: "")
            let id = try store.insertRun(run.newRun(experimentID: experiment)).id
            _ = try store.claimRun(id)
            if let setting {
                try store.recordEnvironment(RunEnvironment(
                    codeRevision: "test", host: "test", cpuModel: setting.processor, threads: setting.threads,
                    blasConfig: setting.library, swiftVersion: "test", datasetChecksum: "test", commandLine: "test"),
                    run: id)
            }
            let writer = try MetricWriter(store: store, run: id)
            for (index, value) in imagesPerSecond.enumerated() {
                try writer.append("images_per_second", step: 2 * (index + 1), value: value, wallTime: Double(index + 1))
            }
            try writer.flush()
            try store.finish(run: id, as: .finished, diedAtStep: nil)
        }
    }
}
