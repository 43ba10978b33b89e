import ArgumentParser
import Models

/// The options that shape one member of the model family (docs/models.md#configurations), shared by every command that
/// builds a network; the command itself names the model (`summary MODEL`, `train --model MODEL`) and gives the
/// defaults for the input (full size for `summary`, the dataset's for `train`).
struct ModelOptions: ParsableArguments {
    /// Input, stem and class defaults of the command using these options.
    struct Defaults {
        var input = 299, channels = 3, classes = 1000
        var stem = Stem.paper
    }

    @Option(help: "Width multiplier α in (0, 1]; every channel count c becomes max(1, floor(c·α + 0.5)).")
    var width: Double = 1

    @Option(help: "Repeats of the A, B and C blocks as a,b,c (default: the published network's).")
    var repeats: String?

    @Option(help: "Stem: paper (the model's own, 299 → 35) or compact (3×3 convs, 32 → 15). Default: the command's.")
    var stem: Stem?

    @Option(help: "Side of the square input image in pixels. Default: the command's (299, or the dataset's).")
    var input: Int?

    @Option(help: "Channels of the input image. Default: the command's (3, or the dataset's).")
    var channels: Int?

    @Option(help: "Number of classes. Default: the command's (1000, or the dataset's).")
    var classes: Int?

    @Option(help: "Residual scales of the A, B and C stages as sA,sB,sC (default 0.17,0.10,0.20 for inception-resnet-v2, 1 for the other residual networks).")
    var scales: String?

    @Option(help: "Dropout keep probability before the classifier, in training.")
    var dropoutKeep: Double = 0.8

    @Option(name: [.customLong("bn-decay"), .customLong("batch-norm-decay")],
            help: "BatchNorm moving-average decay (TensorFlow uses 0.9997; 0.99 suits short CPU runs).")
    var batchNormDecay: Double = 0.99

    @Flag(help: "The paper's extra BatchNorm: a BatchNorm (then ReLU) on the last residual sum before the average pool (inception-resnet-v1, inception-resnet-v2-paper).")
    var prePoolBatchNorm = false

    @Option(help: "Learned residual scales on top of --scales: fixed (none), layerscale (one per channel) or rezero (one per block).")
    var residualScaleMode = ResidualScaleMode.fixed

    @Option(help: "Initial value of the learned residual scales (layerscale: required, such as 0.1; rezero: 0 unless given).")
    var residualScaleInit: Double?

    @Option(help: "Factor on the initial weights of each residual block's last convolution (its 1×1 expansion).")
    var residualBranchInitScale: Double = 1

    @Option(help: "Factor on the learning rate of each residual block's last convolution (its 1×1 expansion; 0 freezes it).")
    var residualBranchLearningRateMultiplier: Double = 1

    /// The validated configuration of `model` shaped by these options; errors are `ValidationError`s that say
    /// what is wrong and what works.
    func config(model: String, defaults: Defaults = Defaults()) throws -> ModelConfig {
        do {
            let config = try unvalidatedConfig(model: model, defaults: defaults)
            try config.validate()
            return config
        } catch let error as ModelError {
            throw ValidationError(error.description)
        }
    }

    private func unvalidatedConfig(model: String, defaults: Defaults) throws -> ModelConfig {
        let repeats = try repeats.map { text in
            let n = try Self.list(text, of: Int.self, option: "--repeats", example: "4,7,3")
            return Repeats(n[0], n[1], n[2])
        }
        let scales = try scales.map { text in
            let s = try Self.list(text, of: Double.self, option: "--scales", example: "0.1,0.1,0.1")
            return ResidualScales(s[0], s[1], s[2])
        }
        return ModelConfig(model: try ModelName(parsing: model), width: width, repeats: repeats,
                           stem: stem ?? defaults.stem, inputSize: input ?? defaults.input,
                           inputChannels: channels ?? defaults.channels, classes: classes ?? defaults.classes,
                           residualScales: scales,
                           dropoutKeep: dropoutKeep, batchNormDecay: batchNormDecay, prePoolBatchNorm: prePoolBatchNorm,
                           residualScaleMode: residualScaleMode, residualScaleInit: residualScaleInit,
                           residualBranchInitScale: residualBranchInitScale,
                           residualBranchLearningRateMultiplier: residualBranchLearningRateMultiplier)
    }

    /// Three comma-separated numbers, or a `ValidationError` naming the option.
    private static func list<T: LosslessStringConvertible>(_ text: String, of: T.Type, option: String,
                                                            example: String) throws -> [T] {
        let values = text.split(separator: ",", omittingEmptySubsequences: false)
            .compactMap { T(String($0).trimmingCharacters(in: .whitespaces)) }
        guard values.count == 3, text.split(separator: ",", omittingEmptySubsequences: false).count == 3 else {
            throw ValidationError("\(option) takes three comma-separated numbers for the A, B and C stages, "
                                  + "such as \(example); got '\(text)'")
        }
        return values
    }
}

extension Stem: ExpressibleByArgument {}
extension ResidualScaleMode: ExpressibleByArgument {}
