/// Why a model configuration cannot be built. The description is a complete sentence meant for the user.
public enum ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The name is not one of `ModelName.allCases`.
    case unknownModel(String)
    /// The width multiplier α is outside (0, 1].
    case widthOutOfRange(Double)
    /// A repeat count is below 1.
    case invalidRepeats(Repeats)
    /// The square input (side in pixels) is smaller than `minimum`, the smallest side the layout accepts.
    case inputTooSmall(model: ModelName, stem: Stem, size: Int, minimum: Int)
    /// The input has fewer than one channel.
    case invalidInputChannels(Int)
    /// Fewer than two classes.
    case invalidClasses(Int)
    /// Residual scales were given for a network without residual blocks.
    case residualScalesWithoutResidualBlocks(ModelName)
    /// A residual scale is not a finite positive number.
    case invalidResidualScales(ResidualScales)
    /// The dropout keep probability is outside (0, 1].
    case invalidDropoutKeep(Double)
    /// The BatchNorm moving-average decay is outside [0, 1).
    case invalidBatchNormDecay(Double)
    /// The extra pre-pool BatchNorm was asked for a network whose pre-pool layer already ends in one.
    case prePoolBatchNormPresent(ModelName)
    /// A setting of the residual branches was given for a network without residual blocks.
    case residualSettingWithoutResidualBlocks(ModelSetting, ModelName)
    /// An initial value of learned residual scales was given with fixed scales.
    case residualScaleInitWithoutLearnedScales
    /// Learned residual scales of this mode need an initial value and none was given.
    case residualScaleInitMissing(ResidualScaleMode)
    /// A setting is out of its range; `expected` says what it must be.
    case invalidSetting(ModelSetting, Double, expected: String)

    public var description: String {
        switch self {
        case .unknownModel(let name):
            "unknown model '\(name)'; known models: \(ModelName.allCases.map(\.rawValue).joined(separator: ", "))"
        case .widthOutOfRange(let width):
            "width multiplier \(width) is outside (0, 1]"
        case .invalidRepeats(let r):
            "block repeats \(r) are invalid: each of the A, B and C counts must be at least 1"
        case .inputTooSmall(let model, let stem, let size, let minimum):
            "a \(size)×\(size) input is too small for \(model) with the \(stem) stem: the grid shrinks to nothing "
                + "before the head; the smallest input that works is \(minimum)×\(minimum)"
        case .invalidInputChannels(let channels):
            "input channels \(channels) must be at least 1"
        case .invalidClasses(let classes):
            "classes \(classes) must be at least 2"
        case .residualScalesWithoutResidualBlocks(let model):
            "\(model) has no residual blocks, so residual scales cannot be given"
        case .invalidResidualScales(let s):
            "residual scales \(s) must be finite and positive"
        case .invalidDropoutKeep(let keep):
            "dropout keep probability \(keep) is outside (0, 1]"
        case .invalidBatchNormDecay(let decay):
            "BatchNorm moving-average decay \(decay) is outside [0, 1)"
        case .prePoolBatchNormPresent(let model):
            "\(ModelSetting.prePoolBatchNorm): the last layer of \(model) before the average pool already ends in a "
                + "BatchNorm; the extra one is for the last residual sum of inception-resnet-v1 and "
                + "inception-resnet-v2-paper: remove it or choose one of those"
        case .residualSettingWithoutResidualBlocks(let setting, let model):
            "\(setting) applies to residual blocks and \(model) has none: remove it, or choose a residual model "
                + "(\(ModelName.allCases.filter(\.isResidual).map(\.rawValue).joined(separator: ", ")))"
        case .residualScaleInitWithoutLearnedScales:
            "\(ModelSetting.residualScaleInit) is the initial value of learned residual scales, but "
                + "\(ModelSetting.residualScaleMode) is fixed: remove it, or set the mode to layerscale or rezero "
                + "(fixed scales are model.residualScales, --scales)"
        case .residualScaleInitMissing(let mode):
            "\(ModelSetting.residualScaleMode) \(mode) needs \(ModelSetting.residualScaleInit), the learned scales' "
                + "initial value, such as 0.1 (Touvron et al. 2021 use 0.1 up to 18 blocks, 1e-5 at 24)"
        case .invalidSetting(let setting, let value, let expected):
            "\(setting) is \(value); expected \(expected)"
        }
    }
}

/// A setting of `ModelConfig` that error messages name by its field in a run configuration and its `train`
/// option (`model.residualScaleInit (--residual-scale-init)`).
public enum ModelSetting: String, Sendable, CustomStringConvertible {
    case prePoolBatchNorm, residualScaleMode, residualScaleInit, residualBranchInitScale,
         residualBranchLearningRateMultiplier

    /// The `train` option: the field's name in kebab case, as swift-argument-parser names the `ModelOptions`
    /// property of the same name.
    public var option: String {
        "--" + rawValue.reduce(into: "") { $0 += $1.isUppercase ? "-" + $1.lowercased() : String($1) }
    }

    public var description: String { "model.\(rawValue) (\(option))" }
}
