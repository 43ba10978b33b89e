/// Receives what a `Trainer` measures. The trainer calls it on its own thread, synchronously; implementations
/// decide where numbers go (the results database, a terminal, a test's array).
public protocol TrainingObserver: AnyObject {
    /// Metrics measured after `step` completed steps; `wallTime` is the run's training seconds so far
    /// (evaluation and checkpoint time excluded, summed across resumes).
    func record(step: Int, wallTime: Double, metrics: [String: Double])
    /// Something happened at `step` (`resumed`, `checkpoint`, `diverged`, `died`, `stopped`, …).
    func event(step: Int, kind: String, message: String)
    /// A checkpoint of `step` is on disk: what was recorded up to here should be made durable now.
    func checkpointed(step: Int)
    /// Called after every step with a snapshot for progress display.
    func progress(_ progress: TrainingProgress)
    /// Why the observer can no longer record, if it cannot (its database refused a write, or the run is no longer
    /// this process's): the trainer stops before the next step and throws it, without a checkpoint, since the
    /// run may have gone on elsewhere.
    var failure: (any Error)? { get }
}

extension TrainingObserver {
    public func event(step: Int, kind: String, message: String) {}
    public func checkpointed(step: Int) {}
    public func progress(_ progress: TrainingProgress) {}
    public var failure: (any Error)? { nil }
}

/// A snapshot for a progress display.
public struct TrainingProgress: Sendable {
    public var step: Int
    public var totalSteps: Int
    /// Fractional epoch, `step / stepsPerEpoch`.
    public var epoch: Double
    /// The latest logged training loss and batch top-1 error.
    public var loss: Double
    public var error: Double
    /// Training throughput over the last logging interval.
    public var imagesPerSecond: Double
    /// Estimated seconds to the end of training at that throughput.
    public var secondsRemaining: Double
}

/// How a `Trainer.run` ended.
public struct TrainingOutcome: Sendable {
    public enum Status: String, Sendable {
        /// Reached the budget (also when the pre-pool layer died: see `diedAtStep`).
        case finished
        /// A non-finite loss or gradient at `step`.
        case diverged
        /// Stopped on request (SIGINT/SIGTERM) after checkpointing at `step`.
        case killed
    }

    public var status: Status
    public var step: Int
    /// First step of the streak of probes in which the pre-pool layer was dead, if the run died.
    public var diedAtStep: Int?
    /// The metrics recorded at the last step (validation and test included when the run finished).
    public var finalMetrics: [String: Double]
}
