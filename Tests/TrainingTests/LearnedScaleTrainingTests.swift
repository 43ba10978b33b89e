import Foundation
import Models
import RunContract
import Testing
import Training

/// Training with learned residual scales: the scales train, are recorded per stage, and a run stopped and
/// resumed from its checkpoint records exactly what an uninterrupted one does (so the checkpoint restores them).
@Suite("Trainer with learned residual scales")
struct LearnedScaleTrainingTests {
    static func config(_ mode: ResidualScaleMode, initial: Double) -> TrainingConfig {
        var c = TrainerTests.config()
        c.model.residualScaleMode = mode
        c.model.residualScaleInit = initial
        c.model.residualScales = ResidualScales(1, 1, 1)
        return c
    }

    @Test("resume restores the learned scales", arguments: [(ResidualScaleMode.layerscale, 0.1), (.rezero, 0)])
    func resume(mode: ResidualScaleMode, initial: Double) throws {
        let config = Self.config(mode, initial: initial)
        let straight = RecordingObserver()
        _ = try Trainer(config: config, dataset: TrainerTests.dataset, checkpoint: nil, observer: straight)
            .run(resume: false)

        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("inception-lab-tests-\(UUID().uuidString)").appendingPathComponent("c.safetensors")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let interrupted = RecordingObserver(), stop = StopFlag()
        interrupted.onProgress = { if $0.step == 6 { stop.set() } }
        let first = try Trainer(config: config, dataset: TrainerTests.dataset, checkpoint: url, observer: interrupted,
                                stop: stop).run(resume: false)
        #expect(first.status == .killed && first.step == 6)
        let checkpoint = try Checkpoint.read(from: url)
        #expect(checkpoint.contents.tensors["inception_a1.scale.gamma"]?.shape == (mode == .layerscale ? [24] : [1]))
        let second = try Trainer(config: config, dataset: TrainerTests.dataset, checkpoint: url, observer: interrupted)
            .run(resume: true)
        #expect(second.status == .finished && second.step == 12)
        #expect(interrupted.deterministicMetrics == straight.deterministicMetrics)

        for name in Metric.learnedScale {
            let series = try #require(straight.metrics[name])
            #expect(series.keys.sorted() == [2, 4, 6, 8, 10, 12])
            #expect(series.values.allSatisfy { $0.isFinite && abs($0 - initial) > 1e-6 },
                    "\(name) did not train: \(series)")
        }
    }

    /// A fixed-scale run records no learned-scale metrics.
    @Test func fixedScalesRecordNone() throws {
        let observer = RecordingObserver()
        _ = try Trainer(config: TrainerTests.config(steps: 2), dataset: TrainerTests.dataset, checkpoint: nil,
                        observer: observer).run(resume: false)
        #expect(Metric.learnedScale.allSatisfy { observer.metrics[$0] == nil })
        #expect(observer.metrics["prepool_dead_fraction"] != nil)
    }
}
