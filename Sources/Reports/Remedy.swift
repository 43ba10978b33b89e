import Models

/// A remedy the paper tried against the death of unscaled wide residual networks and found wanting. A
/// `Sendable` value.
public enum Remedy: String, Sendable, CaseIterable {
    /// A BatchNorm on the last layer before the average pooling (`model.prePoolBatchNorm`; finding 3).
    case extraBatchNorm = "extra BatchNorm"
    /// A lower learning rate throughout (finding 3).
    case lowerLearningRate = "lower learning rate"
    /// He et al.'s two-phase training: a warm-up at a low rate, then the high rate (finding 4).
    case warmup = "warm-up"

    /// The finding of docs/reports.md#the-findings whose claim covers the remedy.
    public var finding: Int { self == .warmup ? 4 : 3 }

    /// The configuration settings (exact dotted paths) the remedy changes.
    var settings: Set<String> {
        switch self {
        case .extraBatchNorm: ["model.prePoolBatchNorm"]
        case .lowerLearningRate: ["learningRate"]
        case .warmup: ["warmupSteps", "warmupLearningRate"]
        }
    }

    /// Whether `treated` applies the remedy over `unscaled`.
    func applies(to treated: RunConfiguration, over unscaled: RunConfiguration) -> Bool {
        switch self {
        case .extraBatchNorm: treated.model.prePoolBatchNorm
        case .lowerLearningRate: treated.learningRate < unscaled.learningRate
        case .warmup: treated.warmupSteps > 0
        }
    }
}
