import ArgumentParser
import Models

/// The options that shape one member of the model family (docs/models.md#configurations), shared by every command that
/// builds a network; the command itself names the model (`summary MODEL`, `train --model MODEL`) and gives the
/// defaults for the input (full size for `summary`, the dataset's for `train`). An option not given keeps
/// `ModelConfig`'s default.
struct ModelOptions: ParsableArguments {
    /// The configuration the options fall back to, for their help and the full-size `Defaults`.
    private static let fallback = ModelConfig(model: .inceptionV3)

    /// Input, stem and class defaults of the command using these options (unless given: `ModelConfig`'s, the
    /// full-size network's).
    struct Defaults {
        var input = fallback.inputSize, channels = fallback.inputChannels, classes = fallback.classes
        var stem = fallback.stem

        /// The network `model` at `width` with these defaults and every other field the published network's.
        func config(model: ModelName, width: Double) -> ModelConfig {
            ModelConfig(model: model, width: width, stem: stem, inputSize: input, inputChannels: channels,
                        classes: classes)
        }
    }

    @Option(help: ArgumentHelp("Width multiplier α in (0, 1]; every channel count c becomes max(1, floor(c·α + 0.5)) "
                               + "(default: \(fallback.width))."))
    var width: Double?

    @Option(help: "Repeats of the A, B and C blocks as a,b,c (default: the published network's).")
    var repeats: String?

    @Option(help: "Stem: paper (the model's own, 299 → 35) or compact (3×3 convs, 32 → 15). Default: the command's.")
    var stem: Stem?

    @Option(help: ArgumentHelp("Side of the square input image in pixels. Default: the command's "
                               + "(\(fallback.inputSize), or the dataset's)."))
    var input: Int?

    @Option(help: "Channels of the input image. Default: the command's (\(fallback.inputChannels), or the dataset's).")
    var channels: Int?

    @Option(help: "Number of classes. Default: the command's (\(fallback.classes), or the dataset's).")
    var classes: Int?

    @Option(help: ArgumentHelp("Residual scales of the A, B and C stages as sA,sB,sC "
                               + "(default \(ModelName.inceptionResNetV2.defaultResidualScales!) "
                               + "for inception-resnet-v2, 1 for the other residual networks)."))
    var scales: String?

    @Option(help: "Dropout keep probability before the classifier, in training (default: \(fallback.dropoutKeep)).")
    var dropoutKeep: Double?

    @Option(name: [.customLong("bn-decay"), .customLong("batch-norm-decay")],
            help: ArgumentHelp("BatchNorm moving-average decay (default: \(fallback.batchNormDecay), for short CPU "
                               + "runs; TensorFlow uses 0.9997)."))
    var batchNormDecay: Double?

    @Flag(inversion: .prefixedNo,
          help: ArgumentHelp("The paper's extra BatchNorm: a BatchNorm (then ReLU) on the last residual sum before "
                             + "the average pool (inception-resnet-v1, inception-resnet-v2-paper; default: "
                             + "\(fallback.prePoolBatchNorm ? "on" : "off"))."))
    var prePoolBatchNorm: Bool?

    @Option(help: ArgumentHelp("Learned residual scales on top of --scales: fixed (none), layerscale (one per channel) "
                               + "or rezero (one per block) (default: \(fallback.residualScaleMode))."))
    var residualScaleMode: ResidualScaleMode?

    @Option(help: ArgumentHelp("Initial value of the learned residual scales (layerscale: required, such as 0.1; "
                               + "rezero: 0 unless given)."))
    var residualScaleInit: Double?

    @Option(help: ArgumentHelp("Factor on the initial weights of each residual block's last convolution "
                               + "(its 1×1 expansion; default: \(fallback.residualBranchInitScale))."))
    var residualBranchInitScale: Double?

    @Option(help: ArgumentHelp("Factor on the learning rate of each residual block's last convolution "
                               + "(its 1×1 expansion; 0 freezes it; "
                               + "default: \(fallback.residualBranchLearningRateMultiplier))."))
    var residualBranchLearningRateMultiplier: Double?

    /// The validated configuration of `model` shaped by these options; errors are `ValidationError`s that say
    /// what is wrong and what works.
    func config(model: ModelName, defaults: Defaults = Defaults()) throws -> ModelConfig {
        do {
            let config = try unvalidatedConfig(model: model, defaults: defaults)
            try config.validate()
            return config
        } catch let error as ModelError {
            throw ValidationError(error.description)
        }
    }

    private func unvalidatedConfig(model: ModelName, defaults: Defaults) throws -> ModelConfig {
        let repeats = try repeats.map { text in
            let n = try Self.list(text, of: Int.self, option: "--repeats", example: "4,7,3")
            return Repeats(n[0], n[1], n[2])
        }
        let scales = try scales.map { text in
            let s = try Self.list(text, of: Double.self, option: "--scales", example: "0.1,0.1,0.1")
            return ResidualScales(s[0], s[1], s[2])
        }
        let fallback = ModelConfig(model: model)
        return ModelConfig(model: model, width: width ?? fallback.width, repeats: repeats,
                           stem: stem ?? defaults.stem, inputSize: input ?? defaults.input,
                           inputChannels: channels ?? defaults.channels, classes: classes ?? defaults.classes,
                           residualScales: scales, dropoutKeep: dropoutKeep ?? fallback.dropoutKeep,
                           batchNormDecay: batchNormDecay ?? fallback.batchNormDecay,
                           prePoolBatchNorm: prePoolBatchNorm ?? fallback.prePoolBatchNorm,
                           residualScaleMode: residualScaleMode ?? fallback.residualScaleMode,
                           residualScaleInit: residualScaleInit,
                           residualBranchInitScale: residualBranchInitScale ?? fallback.residualBranchInitScale,
                           residualBranchLearningRateMultiplier: residualBranchLearningRateMultiplier
                               ?? fallback.residualBranchLearningRateMultiplier)
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

extension ModelName: ExpressibleByArgument {}
extension Stem: ExpressibleByArgument {}
extension ResidualScaleMode: ExpressibleByArgument {}
