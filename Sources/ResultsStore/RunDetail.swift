/// Everything recorded about one run, for `inception-lab show`. A `Sendable` value.
public struct RunDetail: Sendable, Equatable {
    /// The run's row.
    public var run: Run
    /// The name of its experiment, if it has one.
    public var experiment: String?
    /// Its environment, if recorded.
    public var environment: RunEnvironment?
    /// Its events, oldest first.
    public var events: [RunEvent]
    /// The last recorded point (highest step) of each metric, by metric name.
    public var finalMetrics: [String: MetricPoint]
}

/// Something that happened to a run: claimed, resumed, finished, marked stale, or a note from the trainer.
/// A `Sendable` value.
public struct RunEvent: Sendable, Equatable {
    /// When, in UNIX seconds.
    public var time: Double
    /// The run's step at the time, if known.
    public var step: Int?
    /// A short machine-readable kind: a status name (`running`, `killed`, …), `requeued`, `stale`, or the
    /// trainer's own (`checkpoint`, `lr-decay`, …).
    public var kind: String
    /// Free text for people.
    public var message: String
}

/// One recorded value of a metric. A `Sendable` value.
public struct MetricPoint: Sendable, Equatable {
    /// The optimizer step it was measured at.
    public var step: Int
    /// The value; `nil` when it was NaN (SQLite stores NaN as NULL).
    public var value: Double?
    /// Training seconds since the run started (docs/training.md: evaluation and checkpoints left out).
    public var wallTime: Double
}

extension MetricPoint {
    /// Reads `step, value, wall_time`.
    init(row: ArraySlice<SQLValue>) {
        step = row[row.startIndex].int!
        value = row[row.startIndex + 1].double
        wallTime = row[row.startIndex + 2].double!
    }
}
