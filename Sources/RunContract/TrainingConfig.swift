import Foundation
import Models

/// Everything that defines a training run, and nothing that doesn't: two runs with equal configurations (seed
/// included) produce the same metrics. Its canonical JSON (sorted keys, every field written but the model's
/// residual-scaling fields at their defaults, see `ModelConfig`) is what the results database stores and hashes into
/// the run's identity.
///
/// Each default below is the only copy of it: `train`'s options fall back to it, an experiment spec's runs start
/// from it, and decoding gives it to every field a stored configuration lacks (one written before the field
/// existed), so that reports read old runs as they ran.
///
/// Defaults follow the paper's recipe where it gives one (docs/training.md#recipe: RMSProp ρ 0.9, ε 1.0, learning
/// rate 0.045 decayed ×0.94 every 2 epochs, dropout keep 0.8; momentum 0.9 from its public code) and are marked
/// *not in the paper* otherwise.
/// Thread counts are not part of it: they change only the last bits of sums and are recorded with the run's
/// environment instead.
public struct TrainingConfig: Codable, Hashable, Sendable {
    public enum OptimizerKind: String, Codable, Hashable, Sendable, CaseIterable {
        case rmsprop, sgd
    }

    /// How pixels are scaled before they enter the network.
    public enum Normalization: String, Codable, Hashable, Sendable, CaseIterable {
        /// Per-channel mean and standard deviation of the training split (after the validation hold-out).
        case standardized
        /// Pixel values in [0, 1].
        case unit
        /// Pixel values in [−1, 1].
        case symmetric
    }

    /// How long a run trains: whole or fractional epochs of the training split, or a number of steps.
    /// JSON: `{"epochs": 1.5}` or `{"steps": 900}`.
    public enum Budget: Codable, Hashable, Sendable, CustomStringConvertible {
        case epochs(Double)
        case steps(Int)

        private enum Key: String, CodingKey { case epochs, steps }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            if let e = try c.decodeIfPresent(Double.self, forKey: .epochs) {
                self = .epochs(e)
            } else {
                self = .steps(try c.decode(Int.self, forKey: .steps))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            switch self {
            case .epochs(let e): try c.encode(e, forKey: .epochs)
            case .steps(let s): try c.encode(s, forKey: .steps)
            }
        }

        /// Number of steps for an epoch of `stepsPerEpoch` steps (at least 1).
        public func steps(perEpoch stepsPerEpoch: Int) -> Int {
            switch self {
            case .epochs(let e): max(1, Int((e * Double(stepsPerEpoch)).rounded()))
            case .steps(let s): s
            }
        }

        public var description: String {
            switch self {
            case .epochs(let e): "\(e) epochs"
            case .steps(let s): "\(s) steps"
            }
        }
    }

    /// The dataset and its preprocessing.
    public struct Data: Codable, Hashable, Sendable {
        /// `fashion-mnist`, `mnist`, `cifar10` or `synthetic`.
        public var name: String = "fashion-mnist"
        /// Directory of the files; nil for the default (Debian's Fashion-MNIST) or for synthetic data.
        public var directory: String?
        /// Training images held out for validation by a fixed seed (nil: `validationImages(outOf:)`'s default).
        public var validationCount: Int?
        /// Zero pixels added on each side (2 turns 28×28 into 32×32). *Not in the paper.*
        public var pad: Int = 2
        /// How pixels are scaled (`Normalization`).
        public var normalization = Normalization.standardized
        /// Random-crop padding in pixels for training batches (0: off). *Not in the paper.*
        public var cropPadding: Int = 0
        /// Random horizontal flips of training images. *Not in the paper.*
        public var flip: Bool = false

        public init() {}

        /// Decodes the fields present; the others keep their defaults.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            func decode<T: Decodable>(_ field: WritableKeyPath<Data, T>, _ key: CodingKeys) throws {
                if let value = try c.decodeIfPresent(T.self, forKey: key) { self[keyPath: field] = value }
            }
            try decode(\.name, .name)
            try decode(\.directory, .directory)
            try decode(\.validationCount, .validationCount)
            try decode(\.pad, .pad)
            try decode(\.normalization, .normalization)
            try decode(\.cropPadding, .cropPadding)
            try decode(\.flip, .flip)
        }
    }

    public var model: ModelConfig
    public var data = Data()
    public var optimizer = OptimizerKind.rmsprop
    /// Learning rate after warm-up (paper: 0.045).
    public var learningRate = 0.045
    /// Staircase decay factor and period in epochs (paper: ×0.94 every 2 epochs).
    public var learningRateDecay = 0.94
    public var learningRateDecayEpochs = 2.0
    /// He et al.'s two-phase training: `warmupSteps` at `warmupLearningRate` first (0: off). *Not in the paper.*
    public var warmupSteps = 0
    public var warmupLearningRate = 0.0
    /// Momentum of RMSProp's and SGD's updates (paper's public code: 0.9).
    public var momentum = 0.9
    /// RMSProp's decay ρ and ε (paper: 0.9 and 1.0).
    public var rmspropDecay = 0.9
    public var rmspropEpsilon = 1.0
    /// Label smoothing ε (0: off). *Inception-v3 paper, not this one.*
    public var labelSmoothing = 0.0
    /// Clip gradients to this global norm (nil: off). *Inception-v3 public code: 2.0; not this paper.*
    public var gradientClip: Double?
    /// L2 weight decay on convolution and dense weights (0: off). *Public code: 4e-5; not this paper.*
    public var weightDecay = 0.0
    public var batchSize = 64
    public var budget = Budget.epochs(1)
    /// Training metrics are recorded every `logEvery` steps.
    public var logEvery = 20
    /// Validation runs every `evaluateEvery` steps and at the end.
    public var evaluateEvery = 200
    /// Before each evaluation, every BatchNorm layer's moving statistics are recomputed as the plain mean of its
    /// batch statistics over this many fixed training batches (the first of the training split, in order,
    /// unaugmented; the same for every run), so that evaluations do not swing with the moving averages; nil: off
    /// (the moving averages as trained). Cost: that many forward passes per evaluation, about a third of a training
    /// step each. Training itself is unchanged. *Not in the paper.*
    public var batchNormRecomputeBatches: Int?
    /// A checkpoint is written every `checkpointEvery` steps, on a stop request and at the end.
    public var checkpointEvery = 200
    /// The pre-pool layer counts as dead when at least this fraction of its channels output only zeros…
    public var deadChannelThreshold = 0.99
    /// …at this many consecutive validation probes; the run is then marked as having died at the first of them.
    public var deadPatience = 3
    public var seed: UInt64 = 0

    public init(model: ModelConfig) { self.model = model }

    /// Decodes `model` (required) and the fields present; the others keep their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(model: try c.decode(ModelConfig.self, forKey: .model))
        func decode<T: Decodable>(_ field: WritableKeyPath<TrainingConfig, T>, _ key: CodingKeys) throws {
            if let value = try c.decodeIfPresent(T.self, forKey: key) { self[keyPath: field] = value }
        }
        try decode(\.data, .data)
        try decode(\.optimizer, .optimizer)
        try decode(\.learningRate, .learningRate)
        try decode(\.learningRateDecay, .learningRateDecay)
        try decode(\.learningRateDecayEpochs, .learningRateDecayEpochs)
        try decode(\.warmupSteps, .warmupSteps)
        try decode(\.warmupLearningRate, .warmupLearningRate)
        try decode(\.momentum, .momentum)
        try decode(\.rmspropDecay, .rmspropDecay)
        try decode(\.rmspropEpsilon, .rmspropEpsilon)
        try decode(\.labelSmoothing, .labelSmoothing)
        try decode(\.gradientClip, .gradientClip)
        try decode(\.weightDecay, .weightDecay)
        try decode(\.batchSize, .batchSize)
        try decode(\.budget, .budget)
        try decode(\.logEvery, .logEvery)
        try decode(\.evaluateEvery, .evaluateEvery)
        try decode(\.batchNormRecomputeBatches, .batchNormRecomputeBatches)
        try decode(\.checkpointEvery, .checkpointEvery)
        try decode(\.deadChannelThreshold, .deadChannelThreshold)
        try decode(\.deadPatience, .deadPatience)
        try decode(\.seed, .seed)
    }

    /// Refuses settings that cannot run, naming the field.
    public func validate() throws {
        try model.validate()
        func require(_ ok: Bool, _ field: String, _ expected: String) throws {
            if !ok { throw TrainingError.invalidSetting(field: field, expected: expected) }
        }
        try require(batchSize >= 1, "batch", "a positive number of images")
        try require(learningRate > 0 && learningRate.isFinite, "lr", "a positive learning rate")
        try require(learningRateDecay > 0 && learningRateDecay <= 1, "lr-decay", "a factor in (0, 1]")
        try require(learningRateDecayEpochs > 0, "lr-decay-epochs", "a positive number of epochs")
        try require(warmupSteps >= 0, "warmup-steps", "zero or more steps")
        try require(warmupSteps == 0 || warmupLearningRate > 0, "warmup-lr",
                    "a positive learning rate when warm-up is on")
        try require(momentum >= 0 && momentum < 1, "momentum", "a value in [0, 1)")
        try require(rmspropDecay > 0 && rmspropDecay < 1, "rmsprop-decay", "a value in (0, 1)")
        try require(rmspropEpsilon > 0, "rmsprop-epsilon", "a positive value")
        try require(labelSmoothing >= 0 && labelSmoothing < 1, "label-smoothing", "a value in [0, 1)")
        try require(gradientClip.map { $0 > 0 } ?? true, "grad-clip", "a positive norm")
        try require(weightDecay >= 0, "weight-decay", "zero or a positive rate")
        try require(logEvery >= 1 && evaluateEvery >= 1 && checkpointEvery >= 1,
                    "log-every/eval-every/checkpoint-every",
                    "positive step counts")
        try require(deadChannelThreshold > 0 && deadChannelThreshold <= 1, "dead-threshold", "a fraction in (0, 1]")
        try require(deadPatience >= 1, "dead-patience", "at least 1")
        try require(batchNormRecomputeBatches.map { $0 >= 1 } ?? true, "bn-recompute", "at least 1 batch")
        try require(data.pad >= 0 && data.cropPadding >= 0, "pad/crop", "zero or more pixels")
        switch budget {
        case .epochs(let e): try require(e > 0, "epochs", "a positive number of epochs")
        case .steps(let s): try require(s > 0, "steps", "a positive number of steps")
        }
    }

    /// At most this many training images are held out for validation when `data.validationCount` is not set.
    public static let defaultValidationLimit = 5_000

    /// Images held out for validation from a training split of `trainImages` images: `data.validationCount`, or
    /// the smaller of `defaultValidationLimit` and a tenth of the split.
    public func validationImages(outOf trainImages: Int) -> Int {
        data.validationCount ?? min(Self.defaultValidationLimit, trainImages / 10)
    }

    /// Optimizer steps the budget amounts to on a training split of `trainImages` images: an epoch is the whole
    /// batches of what is left after the validation hold-out (the last partial batch is dropped).
    public func totalSteps(trainImages: Int) -> Int {
        budget.steps(perEpoch: (trainImages - validationImages(outOf: trainImages)) / batchSize)
    }

    /// The canonical JSON: sorted keys, no whitespace. Equal configurations give equal bytes.
    public var canonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}

/// Why a training run cannot start or continue.
public enum TrainingError: Error, CustomStringConvertible {
    case invalidSetting(field: String, expected: String)
    case noCheckpoint(path: String)
    case checkpointMismatch(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidSetting(let field, let expected): "invalid setting \(field): expected \(expected)"
        case .noCheckpoint(let path): "cannot resume: no checkpoint at \(path); start the run without --resume"
        case .checkpointMismatch(let path, let reason):
            "cannot resume from \(path): \(reason); start a new run, or delete the checkpoint"
        }
    }
}
