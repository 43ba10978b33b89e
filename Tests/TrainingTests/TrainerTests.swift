import Datasets
import Engine
import Foundation
import Models
import RunContract
import Testing
import Training

/// Records everything a trainer reports, in memory.
final class RecordingObserver: TrainingObserver {
    var metrics: [String: [Int: Double]] = [:]
    var events: [(step: Int, kind: String)] = []
    var onProgress: (TrainingProgress) -> Void = { _ in }
    var onCheckpoint: (Int) -> Void = { _ in }

    func record(step: Int, wallTime: Double, metrics new: [String: Double]) {
        for (name, value) in new { metrics[name, default: [:]][step] = value }
    }
    func event(step: Int, kind: String, message: String) { events.append((step, kind)) }
    func progress(_ progress: TrainingProgress) { onProgress(progress) }
    func checkpointed(step: Int) { onCheckpoint(step) }

    /// Every metric except timings, which no two runs share.
    var deterministicMetrics: [String: [Int: Double]] {
        metrics.filter { !["step_time", "images_per_second"].contains($0.key) }
    }
}

@Suite("Trainer")
struct TrainerTests {
    static let dataset: LoadedDataset = {
        let synthetic = SyntheticDataset(trainCount: 400, testCount: 64, height: 16, width: 16, channels: 1,
                                         classCount: 4, noise: 0.3, seed: 3)
        return try! DatasetSpec.synthetic(synthetic).load()
    }()

    static func config(steps: Int = 12) -> TrainingConfig {
        var c = TrainingConfig(model: ModelConfig(model: .inceptionResNetV2Paper, width: 0.0625,
                                                  repeats: Repeats(1, 1, 1),
                                                  stem: .compact, inputSize: 16, inputChannels: 1, classes: 4,
                                                  residualScales: ResidualScales(0.2, 0.2, 0.2)))
        c.data.name = "synthetic"
        c.data.pad = 0
        c.data.validationCount = 64
        c.data.cropPadding = 2
        c.data.flip = true
        c.batchSize = 16
        c.budget = .steps(steps)
        c.learningRate = 0.01
        c.logEvery = 2
        c.evaluateEvery = 4
        c.checkpointEvery = 5
        c.seed = 42
        return c
    }

    func temporaryCheckpoint() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("inception-lab-tests-\(UUID().uuidString)")
            .appendingPathComponent("checkpoint.safetensors")
    }

    @Test func resumedRunRecordsTheSameMetricsAsAnUninterruptedOne() throws {
        let straight = RecordingObserver()
        let outcome = try Trainer(config: Self.config(), dataset: Self.dataset, checkpoint: nil, observer: straight)
            .run(resume: false)
        #expect(outcome.status == .finished && outcome.step == 12)

        let url = temporaryCheckpoint()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let interrupted = RecordingObserver()
        let stop = StopFlag()
        interrupted.onProgress = { if $0.step == 6 { stop.set() } }
        let first = try Trainer(config: Self.config(), dataset: Self.dataset, checkpoint: url, observer: interrupted,
                                stop: stop).run(resume: false)
        #expect(first.status == .killed && first.step == 6)
        let second = try Trainer(config: Self.config(), dataset: Self.dataset, checkpoint: url, observer: interrupted)
            .run(resume: true)
        #expect(second.status == .finished && second.step == 12)
        #expect(interrupted.events.contains { $0.kind == "resumed" && $0.step == 6 })

        #expect(interrupted.deterministicMetrics == straight.deterministicMetrics)
        #expect(straight.metrics["val_top1_error"]?.keys.sorted() == [4, 8, 12])
        #expect(straight.metrics["test_top1_error"]?[12] != nil)
        #expect(straight.metrics["prepool_dead_fraction"]?.count == 6)
    }

    /// An observer that can no longer record (its run was taken over by another process, its database refused a
    /// write) stops the trainer before the next step, with its error and without writing a checkpoint.
    @Test func anObserverThatCannotRecordStopsTraining() throws {
        struct Lost: Error {}
        final class Losing: TrainingObserver {
            var failure: (any Error)?
            var lastStep = 0
            func record(step: Int, wallTime: Double, metrics: [String: Double]) {}
            func progress(_ progress: TrainingProgress) {
                lastStep = progress.step
                if progress.step == 4 { failure = Lost() }
            }
        }
        let url = temporaryCheckpoint()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let observer = Losing()
        #expect(throws: Lost.self) {
            try Trainer(config: Self.config(), dataset: Self.dataset, checkpoint: url, observer: observer)
                .run(resume: false)
        }
        #expect(observer.lastStep == 4 && !FileManager.default.fileExists(atPath: url.path))
    }

    /// Recomputing the BatchNorm statistics before each evaluation leaves training exactly as it was, and makes the
    /// evaluations independent of the moving averages: with it, two runs that differ only in their BatchNorm decay
    /// (which training never reads) evaluate identically, while without it they do not.
    @Test func recomputedBatchNormStatisticsReplaceTheMovingAverages() throws {
        func run(decay: Double, recompute: Int?) throws -> RecordingObserver {
            var c = Self.config()
            c.model.batchNormDecay = decay
            c.batchNormRecomputeBatches = recompute
            let observer = RecordingObserver()
            _ = try Trainer(config: c, dataset: Self.dataset, checkpoint: nil, observer: observer).run(resume: false)
            return observer
        }
        let plain = try run(decay: 0.99, recompute: nil)
        let recomputed = try run(decay: 0.99, recompute: 3)
        let otherDecay = try run(decay: 0.5, recompute: 3)
        #expect(recomputed.metrics["train_loss"] == plain.metrics["train_loss"])
        #expect(recomputed.metrics["grad_norm"] == plain.metrics["grad_norm"])
        #expect(recomputed.metrics["val_top1_error"]?.keys.sorted() == [4, 8, 12])
        #expect(recomputed.metrics["val_loss"] != plain.metrics["val_loss"])
        #expect(otherDecay.metrics["val_loss"] == recomputed.metrics["val_loss"])
        #expect(otherDecay.metrics["test_loss"] == recomputed.metrics["test_loss"])
        #expect(try run(decay: 0.5, recompute: nil).metrics["val_loss"] != plain.metrics["val_loss"])
        var invalid = Self.config()
        invalid.batchNormRecomputeBatches = 0
        #expect(throws: TrainingError.self) { try invalid.validate() }
    }

    /// A crash (no chance to checkpoint) after the step-5 checkpoint, in the middle of a logging interval: the run
    /// resumed from that checkpoint re-records steps 6… exactly as the original did.
    @Test func resumeFromAnEarlierCheckpointMidIntervalRecordsTheSameMetrics() throws {
        let url = temporaryCheckpoint()
        let snapshot = url.deletingLastPathComponent().appendingPathComponent("step5.safetensors")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let original = RecordingObserver()
        original.onCheckpoint = { step in
            if step == 5 { try! FileManager.default.copyItem(at: url, to: snapshot) }
        }
        _ = try Trainer(config: Self.config(), dataset: Self.dataset, checkpoint: url, observer: original)
            .run(resume: false)

        try FileManager.default.removeItem(at: url)
        try FileManager.default.copyItem(at: snapshot, to: url)
        let resumed = RecordingObserver()
        let outcome = try Trainer(config: Self.config(), dataset: Self.dataset, checkpoint: url, observer: resumed)
            .run(resume: true)
        #expect(outcome.status == .finished)
        let after5 = original.deterministicMetrics.mapValues { $0.filter { $0.key > 5 } }.filter { !$0.value.isEmpty }
        #expect(resumed.deterministicMetrics == after5)
    }

    @Test(arguments: Backend.allCases)
    func sameBackendThreadsAndSeedGiveBitIdenticalMetrics(on backend: Backend) throws {
        let runs = try (0..<2).map { _ in
            let observer = RecordingObserver()
            _ = try Backend.withBackend(backend) {
                try Trainer(config: Self.config(steps: 6), dataset: Self.dataset, checkpoint: nil, observer: observer)
                    .run(resume: false)
            }
            return observer.deterministicMetrics
        }
        #expect(!runs[0].isEmpty && runs[0] == runs[1])
    }

    @Test func resumeRefusesAnotherConfiguration() throws {
        let url = temporaryCheckpoint()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        _ = try Trainer(config: Self.config(steps: 5), dataset: Self.dataset, checkpoint: url,
                        observer: RecordingObserver()).run(resume: false)
        var other = Self.config(steps: 5)
        other.seed = 43
        #expect(throws: TrainingError.self) {
            try Trainer(config: other, dataset: Self.dataset, checkpoint: url, observer: RecordingObserver())
                .run(resume: true)
        }
        #expect(throws: TrainingError.self) {
            try Trainer(config: Self.config(), dataset: Self.dataset, checkpoint: self.temporaryCheckpoint(),
                        observer: RecordingObserver()).run(resume: true)
        }
    }

    @Test func mismatchedInputIsRefusedWithTheFix() throws {
        var c = Self.config()
        c.data.pad = 2
        do {
            _ = try Trainer(config: c, dataset: Self.dataset, checkpoint: nil, observer: RecordingObserver())
            Issue.record("expected a refusal")
        } catch {
            #expect("\(error)".contains("--input 20"))
        }
    }

    /// Splits the data cannot give are refused with the sizes before anything is built (the batch loader traps).
    @Test func splitsTheDatasetCannotGiveAreRefused() throws {
        func refusal(_ change: (inout TrainingConfig) -> Void) -> String? {
            var c = Self.config()
            change(&c)
            do {
                _ = try Trainer(config: c, dataset: Self.dataset, checkpoint: nil, observer: RecordingObserver())
                return nil
            } catch { return "\(error)" }
        }
        #expect(refusal { $0.batchSize = 100_000_000 } == "invalid setting batch: expected at most 336 images, the "
                + "training split (400 training images less 64 held out for validation); found 100000000")
        #expect(refusal { $0.batchSize = 337 }?.hasPrefix("invalid setting batch: expected at most 336 images") == true)
        #expect(refusal { $0.batchSize = 336 } == nil)
        #expect(refusal { $0.data.validationCount = 0 } == "invalid setting validation: expected between 1 and 399 "
                + "images held out of the 400 training images; found 0")
        #expect(refusal { $0.data.validationCount = 70_000 }?.hasSuffix("found 70000") == true)
        let tiny = try DatasetSpec.synthetic(SyntheticDataset(trainCount: 9, testCount: 4, height: 16, width: 16,
                                                              classCount: 4)).load()
        var c = Self.config()
        c.data.validationCount = nil   // the default, a tenth: none of 9 images
        #expect(throws: TrainingError.self) { try c.validate(for: tiny) }
        c.data.validationCount = 1
        c.batchSize = 8
        try c.validate(for: tiny)
    }

    /// One step at an absurd learning rate blows the weights up; the evaluation right after it sees non-finite
    /// logits and must score 100 % error (a NaN compared with anything is false: it once scored 0 %).
    @Test func aNonFiniteEvaluationScoresEveryImageWrong() throws {
        var c = Self.config(steps: 40)
        c.learningRate = 1e30
        c.optimizer = .sgd
        c.evaluateEvery = 1
        c.logEvery = 1
        let observer = RecordingObserver()
        _ = try Trainer(config: c, dataset: Self.dataset, checkpoint: nil, observer: observer).run(resume: false)
        #expect(observer.metrics["train_loss"]?[1]?.isFinite == true)
        #expect(observer.metrics["val_top1_error"]?[1] == 1 && observer.metrics["val_top5_error"]?[1] == 1)
        #expect(observer.metrics["val_loss"]?[1]?.isNaN == true)
        #expect(observer.events.contains { $0.step == 1 && $0.kind == "non-finite" })
    }

    @Test func divergenceIsDetected() throws {
        var c = Self.config(steps: 40)
        c.learningRate = 1e30
        c.optimizer = .sgd
        let observer = RecordingObserver()
        let outcome = try Trainer(config: c, dataset: Self.dataset, checkpoint: nil, observer: observer)
            .run(resume: false)
        #expect(outcome.status == .diverged)
        #expect(observer.events.contains { $0.kind == "diverged" })
    }
}
