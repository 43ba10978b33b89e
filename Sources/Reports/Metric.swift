import Models

/// The metric names the trainer records (docs/training.md) that a report reads. Errors are fractions in [0, 1],
/// losses are mean cross-entropy in nats, times are seconds.
public enum Metric {
    /// Fractional epochs completed at the step (dimensionless).
    public static let epoch = "epoch"
    /// Validation top-1 error (fraction), at every evaluation.
    public static let validationTop1 = "val_top1_error"
    /// Validation top-5 error (fraction), at every evaluation.
    public static let validationTop5 = "val_top5_error"
    /// Test top-1 error (fraction), once at the end of a finished run.
    public static let testTop1 = "test_top1_error"
    /// Mean training loss over the logging interval (nats).
    public static let trainLoss = "train_loss"
    /// Seconds per optimizer step, averaged over the logging interval.
    public static let stepTime = "step_time"
    /// Fraction of the last pre-pool layer's channels that output only zeros over the training batch.
    public static let prepoolDeadFraction = "prepool_dead_fraction"
    /// Root-mean-square of the residual stream after the A, B and C stages (activation units).
    public static let stageRMS = ["stage_a_rms", "stage_b_rms", "stage_c_rms"]
    /// Mean |γ| of the learned residual scales of the A, B and C stages (LayerScale, ReZero; dimensionless).
    public static let learnedScale = Model.learnedScaleMetrics
}

/// One recorded, finite value of a metric. A `Sendable` value.
public struct SeriesPoint: Sendable, Equatable {
    /// The optimizer step it was measured at.
    public var step: Int
    /// The value, in the metric's unit.
    public var value: Double
    /// Training seconds at that step (evaluation and checkpoint writing excluded).
    public var wallTime: Double

    /// A point; see the properties.
    public init(step: Int, value: Double, wallTime: Double) {
        self.step = step
        self.value = value
        self.wallTime = wallTime
    }
}
