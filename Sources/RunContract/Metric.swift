/// The names of the metrics the trainer records and the reports, the commands and shard merging read: the only
/// place a metric name is written. Errors are fractions in [0, 1], losses mean cross-entropy in nats, times
/// seconds; every metric is recorded by optimizer step.
///
/// The committed database holds these names: renaming one orphans its recorded series, which the reports' tests
/// catch (`RunContractTests`).
public enum Metric {
    // MARK: Every `logEvery` steps (means over the logging interval where a step gives one value each)

    /// Mean training loss over the logging interval (nats).
    public static let trainLoss = "train_loss"
    /// Mean top-1 error of the training batches over the logging interval (fraction).
    public static let trainTop1 = "train_top1_error"
    /// The schedule's learning rate at the step.
    public static let learningRate = "learning_rate"
    /// Global gradient norm of the step, before clipping.
    public static let gradientNorm = "grad_norm"
    /// Fractional epochs completed at the step (dimensionless).
    public static let epoch = "epoch"
    /// Seconds per optimizer step, averaged over the logging interval.
    public static let stepTime = "step_time"
    /// Training images per second over the logging interval.
    public static let imagesPerSecond = "images_per_second"
    /// Fraction of the last pre-pool layer's channels that output only zeros over the training batch.
    public static let prepoolDeadFraction = "prepool_dead_fraction"
    /// Fraction of the last pre-pool layer's outputs that are zero over the training batch.
    public static let prepoolZeroFraction = "prepool_zero_fraction"
    /// Root-mean-square of the last pre-pool layer's outputs (activation units).
    public static let prepoolRMS = "prepool_rms"
    /// Largest |activation| of the pre-pool layer and the stage outputs (activation units).
    public static let maxActivation = "max_activation"
    /// Root-mean-square of the residual stream after the A, B and C stages (activation units).
    public static let stageRMS = ["stage_a_rms", "stage_b_rms", "stage_c_rms"]
    /// Mean |γ| of the learned residual scales of the A, B and C stages (LayerScale, ReZero; every channel of
    /// every block of the stage; dimensionless, the fixed scale `s` not included).
    public static let learnedScale = ["learned_scale_a_mean_abs", "learned_scale_b_mean_abs",
                                      "learned_scale_c_mean_abs"]

    // MARK: Evaluations

    /// The names of one split's evaluation metrics.
    public struct Evaluation: Sendable {
        /// The split's short name, the names' prefix (`val`, `test`).
        public let split: String
        /// Mean loss over the split (nats; not recorded when a logit is not finite).
        public let loss: String
        /// Top-1 error over the split (fraction).
        public let top1: String
        /// Top-5 error over the split (fraction).
        public let top5: String
    }

    /// The validation split's, at every `evaluateEvery` steps and at the end.
    public static let validation = Evaluation(split: "val", loss: "val_loss", top1: "val_top1_error",
                                               top5: "val_top5_error")
    /// The test split's, once at the end of a finished run.
    public static let test = Evaluation(split: "test", loss: "test_loss", top1: "test_top1_error",
                                         top5: "test_top5_error")
    /// Validation top-1 error (fraction), at every evaluation.
    public static let validationTop1 = validation.top1
    /// Validation top-5 error (fraction), at every evaluation.
    public static let validationTop5 = validation.top5
    /// Test top-1 error (fraction), once at the end of a finished run.
    public static let testTop1 = test.top1

    /// The metrics that measure the machine rather than the training: two executions of one run record the same
    /// values of every other metric, and different values of these.
    public static let timing: Set<String> = [stepTime, imagesPerSecond]
}
