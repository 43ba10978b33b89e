import ArgumentParser
import Datasets
import Engine
import Foundation
import Models
import ResultsStore
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
            Defaults are the paper's recipe where it gives one (RMSProp ρ 0.9, momentum 0.9, ε 1.0, lr 0.045 ×0.94 \
            every 2 epochs, dropout keep 0.8); label smoothing, gradient clipping, weight decay, augmentation and \
            warm-up are not in the paper and are off unless set. The model's input, channels and classes default \
            to the dataset's (28×28 images padded to 32), with the compact stem below 75 pixels.
            """)

    @Option(help: "The network: \(ModelName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: String
    @OptionGroup(title: "Model") var modelOptions: ModelOptions

    @Option(help: "fashion-mnist (Debian's dataset-fashion-mnist), mnist or cifar10 (with --data-dir), synthetic.")
    var dataset = "fashion-mnist"
    @Option(help: "Directory of the dataset's files.") var dataDir: String?
    @Option(help: "Training images held out for validation (default 5000).") var validation: Int?
    @Option(help: "Zero padding on each side (default: 2 for 28-pixel images, giving 32×32; else 0).") var pad: Int?
    @Option(help: "standardized, unit or symmetric.") var normalization = "standardized"
    @Option(help: "Random-crop padding for training batches (0: off).") var crop = 0
    @Flag(help: "Random horizontal flips of training images.") var flip = false

    @Option(help: "Epochs of the training split (may be fractional).") var epochs: Double?
    @Option(help: "Steps (batches) to train, instead of --epochs.") var steps: Int?
    @Option(help: "Images per batch.") var batch = 64
    @Option(help: "rmsprop or sgd.") var optimizer = TrainingConfig.OptimizerKind.rmsprop
    @Option(help: "Learning rate.") var lr = 0.045
    @Option(help: "Staircase decay factor.") var lrDecay = 0.94
    @Option(help: "Epochs between decays.") var lrDecayEpochs = 2.0
    @Option(help: "Steps of the low-rate warm-up phase (He et al.'s two-phase training).") var warmupSteps = 0
    @Option(help: "Learning rate during warm-up.") var warmupLr = 0.0
    @Option(help: "Momentum of RMSProp or SGD.") var momentum = 0.9
    @Option(help: "Label smoothing ε.") var labelSmoothing = 0.0
    @Option(help: "Clip gradients to this global norm.") var gradClip: Double?
    @Option(help: "L2 weight decay of convolution and dense weights.") var weightDecay = 0.0

    @Option(help: "Record training metrics every N steps.") var logEvery = 20
    @Option(help: "Evaluate on the validation split every N steps.") var evalEvery = 200
    @Option(help: ArgumentHelp("Before each evaluation, recompute the BatchNorm statistics over N fixed training "
                               + "batches (N forward passes per evaluation; default: off).", valueName: "N"))
    var bnRecompute: Int?
    @Option(help: "Checkpoint every N steps.") var checkpointEvery = 200
    @Option(help: "Fraction of dead pre-pool channels that counts as dead.") var deadThreshold = 0.99
    @Option(help: "Consecutive dead probes before the run is marked as having died.") var deadPatience = 3
    @Option(help: "Seed of weights, dropout and data order.") var seed: UInt64 = 0

    @OptionGroup(title: "Compute") var compute: ComputeOptions
    @Option(help: "Results database.") var db = "results/lab.sqlite"
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
        compute.apply()
        let data = try DatasetSpec(name: dataset, directory: dataDir).load()
        let config = try trainingConfig(for: data)
        let stop = StopFlag()
        stop.installSignalHandlers()
        let display = ProgressDisplay()

        if noDb {
            let observer = DisplayObserver(display: display)
            let outcome = try Trainer(config: config, dataset: data, checkpoint: nil, observer: observer, stop: stop)
                .run(resume: false)
            display.finish()
            print("\(outcome.status.rawValue) after \(outcome.step) steps, \(String(format: "%.1f", observer.wallTime)) s of training")
            return
        }

        let store = try ResultsStore(path: db)
        var claimer = RunClaimer(store: store)
        claimer.onRecovered = { print("run \($0.id) (\($0.name)): \($0.error ?? "presumed dead"); marked killed") }
        let runName = name ?? config.runName
        let newRun = NewRun(name: runName, configJSON: config.canonicalJSON, seed: Int(seed),
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
        print("run \(run.id) \(runName): \(config.model.model) width \(config.model.width), \(config.budget), batch \(batch), db \(db)")
        let executor = RunExecutor(store: store, checkpointDirectory: RunExecutor.checkpointDirectory(forDatabase: db),
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
        let summary = ["val_top1_error", "val_top5_error", "test_top1_error"].compactMap { key in
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
        c.data.name = dataset
        c.data.directory = dataDir
        c.data.validationCount = validation
        c.data.pad = shape.pad
        c.data.normalization = normalization
        c.data.cropPadding = crop
        c.data.flip = flip
        c.optimizer = optimizer
        c.learningRate = lr
        c.learningRateDecay = lrDecay
        c.learningRateDecayEpochs = lrDecayEpochs
        c.warmupSteps = warmupSteps
        c.warmupLearningRate = warmupLr
        c.momentum = momentum
        c.labelSmoothing = labelSmoothing
        c.gradientClip = gradClip
        c.weightDecay = weightDecay
        c.batchSize = batch
        c.budget = steps.map { .steps($0) } ?? .epochs(epochs ?? 1)
        c.logEvery = logEvery
        c.evaluateEvery = evalEvery
        c.batchNormRecomputeBatches = bnRecompute
        c.checkpointEvery = checkpointEvery
        c.deadChannelThreshold = deadThreshold
        c.deadPatience = deadPatience
        c.seed = seed
        do {
            try c.validate()
            try c.validate(for: data)
        } catch { throw ValidationError("\(error)") }
        return c
    }
}

extension TrainingConfig.OptimizerKind: ExpressibleByArgument {}

/// An observer for runs without a database: shows progress and keeps the training time.
private final class DisplayObserver: TrainingObserver {
    let display: ProgressDisplay
    private(set) var wallTime = 0.0
    init(display: ProgressDisplay) { self.display = display }
    func record(step: Int, wallTime: Double, metrics: [String: Double]) { self.wallTime = wallTime }
    func progress(_ progress: TrainingProgress) { display.show(progress) }
}
