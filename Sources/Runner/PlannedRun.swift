import Datasets
import Foundation
import Reports
import ResultsStore
import RunContract

/// One run an experiment expands to, checked and ready to queue. A `Sendable` value.
public struct PlannedRun: Sendable {
    /// Readable and, within an experiment, distinct: `inception-v4-w0.125-s1` plus the settings that vary.
    public var name: String
    /// Where it comes from in the spec (`model.model=inception-v4, seed=1`).
    public var point: String
    public var config: TrainingConfig
    /// Optimizer steps its budget amounts to on its dataset.
    public var totalSteps: Int
    /// Training images after the validation hold-out, validation images and test images of its dataset.
    public var trainingImages, validationImages, testImages: Int

    /// `config` on `dataset` (its training split before the validation hold-out, and its test split): the steps
    /// its budget amounts to and the images it trains on and evaluates.
    public init(name: String, point: String, config: TrainingConfig, dataset: LoadedDataset) {
        let trainImages = dataset.train.count
        self.name = name
        self.point = point
        self.config = config
        totalSteps = config.totalSteps(trainImages: trainImages)
        validationImages = config.validationImages(outOf: trainImages)
        trainingImages = trainImages - validationImages
        testImages = dataset.test.count
    }

    /// The row to queue in experiment `experimentID`, as queued at `queuedAt` (`NewRun.queuedAt`; nil: when
    /// inserted); its `runKey` is the run's identity.
    public func newRun(experimentID: Int?, queuedAt: Double? = nil) -> NewRun {
        NewRun(name: name, configJSON: config.canonicalJSON, seed: Int(config.seed), experimentID: experimentID,
               totalSteps: totalSteps, queuedAt: queuedAt)
    }

    /// The run's identity in the results database: SHA-256 over its canonical configuration and seed.
    public var runKey: String { newRun(experimentID: nil).runKey }

    /// Its configuration as a report reads it once the run is in the database (`RunConfiguration`: the seed
    /// removed, the settings by path).
    public func runConfiguration() throws -> RunConfiguration {
        let json = config.canonicalJSON
        return try RunConfiguration(json: json,
                                    settings: JSONDecoder().decode(ConfigValue.self, from: Data(json.utf8)).leaves)
    }

    /// Evaluations of the validation split: every `evaluateEvery` steps and at the end.
    public var evaluations: Int {
        totalSteps / config.evaluateEvery + (totalSteps % config.evaluateEvery == 0 ? 0 : 1)
    }
}

extension TrainingConfig {
    /// The default run name, `MODEL-wWIDTH-sSEED` (`inception-v4-w0.125-s1`).
    public var runName: String { "\(model.model)-w\(model.width)-s\(seed)" }
}
