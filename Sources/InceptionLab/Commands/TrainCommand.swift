import ArgumentParser
import Datasets
import Engine
import Foundation
import Models
import ResultsStore
import RunContract
import Runner
import Training

/// `inception-lab train --model … [options]`: trains one configuration and records it in the results database.
///
/// The run's identity is its canonical configuration plus seed: running the same command again finds the same run
/// (finished: nothing to do; killed: `--resume` continues it from its checkpoint).
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one network on a dataset, recording every metric in the results database.",
        discussion: """
            Defaults are the paper's recipe where it gives one (RMSProp ρ \(fallback.rmspropDecay), momentum \
            \(fallback.momentum), ε \(fallback.rmspropEpsilon), lr \(fallback.learningRate) \
            ×\(fallback.learningRateDecay) every \(fallback.learningRateDecayEpochs) epochs, dropout keep \
            \(fallback.model.dropoutKeep)); label smoothing, gradient clipping, weight decay, augmentation and \
            warm-up are not in the paper and are off unless set. The model's input, channels and classes default \
            to the dataset's (28×28 images padded to 32), with the compact stem below 75 pixels.
            """)

    /// The configuration every option not given falls back to (its model aside), for their help.
    private static let fallback = TrainingConfig(model: ModelConfig(model: .inceptionV3))

    @Option(help: "The network.") var model: ModelName
    @OptionGroup(title: "Model") var modelOptions: ModelOptions

    @Option(help: ArgumentHelp("fashion-mnist (Debian's dataset-fashion-mnist), mnist or cifar10 (with --data-dir), "
                               + "synthetic (default: \(fallback.data.name))."))
    var dataset: String?
    @Option(help: "Directory of the dataset's files.") var dataDir: String?
    @Option(help: """
        Training images held out for validation (default: the smaller of \(TrainingConfig.defaultValidationLimit) \
        and a tenth of the training split).
        """) var validation: Int?
    @Option(help: "Zero padding on each side (default: 2 for 28-pixel images, giving 32×32; else 0).") var pad: Int?
    @Option(help: "How pixels are scaled (default: \(fallback.data.normalization)).")
    var normalization: TrainingConfig.Normalization?
    @Option(help: "Random-crop padding for training batches (0: off; default: \(fallback.data.cropPadding)).")
    var crop: Int?
    @Flag(inversion: .prefixedNo,
          help: "Random horizontal flips of training images (default: \(fallback.data.flip ? "on" : "off")).")
    var flip: Bool?

    @Option(help: "Epochs of the training split, may be fractional (default: \(fallback.budget)).") var epochs: Double?
    @Option(help: "Steps (batches) to train, instead of --epochs.") var steps: Int?
    @Option(help: "Images per batch (default: \(fallback.batchSize)).") var batch: Int?
    @Option(help: "The optimizer (default: \(fallback.optimizer)).") var optimizer: TrainingConfig.OptimizerKind?
    @Option(help: "Learning rate (default: \(fallback.learningRate)).") var lr: Double?
    @Option(help: "Staircase decay factor (default: \(fallback.learningRateDecay)).") var lrDecay: Double?
    @Option(help: "Epochs between decays (default: \(fallback.learningRateDecayEpochs)).") var lrDecayEpochs: Double?
    @Option(help: ArgumentHelp("Steps of the low-rate warm-up phase, He et al.'s two-phase training "
                               + "(default: \(fallback.warmupSteps))."))
    var warmupSteps: Int?
    @Option(help: "Learning rate during warm-up (default: \(fallback.warmupLearningRate)).") var warmupLr: Double?
    @Option(help: "Momentum of RMSProp or SGD (default: \(fallback.momentum)).") var momentum: Double?
    @Option(help: "Label smoothing ε (default: \(fallback.labelSmoothing)).") var labelSmoothing: Double?
    @Option(help: "Clip gradients to this global norm (default: off).") var gradClip: Double?
    @Option(help: "L2 weight decay of convolution and dense weights (default: \(fallback.weightDecay)).")
    var weightDecay: Double?

    @Option(help: "Record training metrics every N steps (default: \(fallback.logEvery)).") var logEvery: Int?
    @Option(help: "Evaluate on the validation split every N steps (default: \(fallback.evaluateEvery)).")
    var evalEvery: Int?
    @Option(help: ArgumentHelp("Before each evaluation, recompute the BatchNorm statistics over N fixed training "
                               + "batches (N forward passes per evaluation; default: off).", valueName: "N"))
    var bnRecompute: Int?
    @Option(help: "Checkpoint every N steps (default: \(fallback.checkpointEvery)).") var checkpointEvery: Int?
    @Option(help: "Fraction of dead pre-pool channels that counts as dead (default: \(fallback.deadChannelThreshold)).")
    var deadThreshold: Double?
    @Option(help: ArgumentHelp("Consecutive dead probes before the run is marked as having died "
                               + "(default: \(fallback.deadPatience))."))
    var deadPatience: Int?
    @Option(help: "Seed of weights, dropout and data order (default: \(fallback.seed)).") var seed: UInt64?

    @OptionGroup(title: "Compute") var compute: ComputeOptions
    @OptionGroup var database: DatabaseOption
    @Option(help: "Run name (default: MODEL-wWIDTH-sSEED).") var name: String?
    @Flag(help: "Continue this configuration's killed run from its checkpoint.") var resume = false
    @Option(help: ArgumentHelp("Also write TensorBoard events live into DIR/<run name>/.", valueName: "dir"))
    var tensorboard: String?
    @Flag(help: "Train without the database or checkpoints (to measure the recorder's overhead).") var noDb = false

    func validate() throws {
        if epochs != nil && steps != nil { throw ValidationError("give --epochs or --steps, not both") }
        if noDb && tensorboard != nil { throw ValidationError("--tensorboard needs the database; drop --no-db") }
    }

    func run() throws {
        let stop = StopFlag()
        stop.installSignalHandlers()   // before any compute thread starts
        try compute.apply()
        let data = try DatasetSpec(name: dataset ?? Self.fallback.data.name, directory: dataDir).load()
        let config = try trainingConfig(for: data)
        let display = ProgressDisplay()

        if noDb {
            let observer = DisplayObserver(display: display)
            let outcome = try Trainer(config: config, dataset: data, checkpoint: nil, observer: observer, stop: stop)
                .run(resume: false)
            display.finish()
            print("\(outcome.status.rawValue) after \(outcome.step) steps, "
                  + "\(String(format: "%.1f", observer.wallTime)) s of training")
            return
        }

        let store = try ResultsStore(path: database.path)
        var claimer = RunClaimer(store: store)
        claimer.onRecovered = { print("run \($0.id) (\($0.name)): \($0.error ?? "presumed dead"); marked killed") }
        let runName = name ?? config.runName
        let newRun = NewRun(name: runName, configJSON: config.canonicalJSON, seed: Int(config.seed),
                            totalSteps: config.totalSteps(trainImages: data.train.count))
        let run: Run
        do {
            switch try claimer.claim(newRun, resume: resume) {
            case .claimed(let claimed):
                run = claimed
            case .finished(let id):
                print("run \(id) with this configuration already finished; see `inception-lab show \(id)`")
                return
            }
        } catch let refusal as RunClaimer.Refusal {
            throw ValidationError("\(refusal)")
        }
        print("run \(run.id) \(runName): \(config.model.model) width \(config.model.width), \(config.budget), "
              + "batch \(config.batchSize), db \(database.path)")
        let executor = RunExecutor(store: store,
                                   checkpointDirectory: RunExecutor.checkpointDirectory(forDatabase: database.path),
                                   tensorBoard: tensorboard.map { URL(fileURLWithPath: $0, isDirectory: true) })
        if case .restart(let reason) = executor.start(of: run) { print("run \(run.id): \(reason)") }
        let outcome: TrainingOutcome
        do {
            outcome = try executor.execute(run, config: config, dataset: data, stop: stop, onProgress: display.show)
        } catch {
            display.finish()   // the error on a line of its own
            throw error
        }
        display.finish()
        let final = outcome.finalMetrics
        let summary = [Metric.validationTop1, Metric.validationTop5, Metric.testTop1].compactMap { key in
            final[key].map { "\(key) \(String(format: "%.2f%%", 100 * $0))" }
        }.joined(separator: ", ")
        print("run \(run.id) \(outcome.status.rawValue) at step \(outcome.step)"
              + (outcome.diedAtStep.map { " (died at step \($0))" } ?? "") + (summary.isEmpty ? "" : ": " + summary))
        if outcome.status == .killed { print("resume with the same command plus --resume") }
    }

    /// The run's configuration: the model shaped to the dataset unless told otherwise.
    func trainingConfig(for data: LoadedDataset) throws -> TrainingConfig {
        let shape = DatasetShape(dataset: data, pad: pad)
        let defaults = ModelOptions.Defaults(input: shape.inputSize, channels: shape.channels, classes: shape.classes,
                                             stem: shape.stem)
        var c = TrainingConfig(model: try modelOptions.config(model: model, defaults: defaults))
        c.data.name = dataset ?? c.data.name
        c.data.directory = dataDir
        c.data.validationCount = validation
        c.data.pad = shape.pad
        c.data.normalization = normalization ?? c.data.normalization
        c.data.cropPadding = crop ?? c.data.cropPadding
        c.data.flip = flip ?? c.data.flip
        c.optimizer = optimizer ?? c.optimizer
        c.learningRate = lr ?? c.learningRate
        c.learningRateDecay = lrDecay ?? c.learningRateDecay
        c.learningRateDecayEpochs = lrDecayEpochs ?? c.learningRateDecayEpochs
        c.warmupSteps = warmupSteps ?? c.warmupSteps
        c.warmupLearningRate = warmupLr ?? c.warmupLearningRate
        c.momentum = momentum ?? c.momentum
        c.labelSmoothing = labelSmoothing ?? c.labelSmoothing
        c.gradientClip = gradClip
        c.weightDecay = weightDecay ?? c.weightDecay
        c.batchSize = batch ?? c.batchSize
        c.budget = steps.map { .steps($0) } ?? epochs.map { .epochs($0) } ?? c.budget
        c.logEvery = logEvery ?? c.logEvery
        c.evaluateEvery = evalEvery ?? c.evaluateEvery
        c.batchNormRecomputeBatches = bnRecompute
        c.checkpointEvery = checkpointEvery ?? c.checkpointEvery
        c.deadChannelThreshold = deadThreshold ?? c.deadChannelThreshold
        c.deadPatience = deadPatience ?? c.deadPatience
        c.seed = seed ?? c.seed
        do {
            try c.validate()
            try c.validate(for: data)
        } catch { throw ValidationError("\(error)") }
        return c
    }
}

extension TrainingConfig.OptimizerKind: ExpressibleByArgument {}
extension TrainingConfig.Normalization: ExpressibleByArgument {}

/// An observer for runs without a database: shows progress and keeps the training time.
private final class DisplayObserver: TrainingObserver {
    let display: ProgressDisplay
    private(set) var wallTime = 0.0
    init(display: ProgressDisplay) { self.display = display }
    func record(step: Int, wallTime: Double, metrics: [String: Double]) { self.wallTime = wallTime }
    func progress(_ progress: TrainingProgress) { display.show(progress) }
}
