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
        }
    }
}
