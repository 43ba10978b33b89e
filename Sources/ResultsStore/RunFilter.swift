/// Which runs `ResultsReader.runs(_:)` returns; every condition given must hold. A `Sendable` value.
public struct RunFilter: Sendable, Equatable {
    /// Only runs in this status.
    public var status: RunStatus?
    /// Only runs of the experiment with this name.
    public var experiment: String?
    /// Only runs whose name matches this SQL `LIKE` pattern (`%` any text, `_` one character; case-insensitive
    /// for ASCII).
    public var name: String?
    /// An SQL expression over the columns of the `run_summary` view, e.g.
    /// `model = 'inception-v4' AND val_top1_error < 0.1` or `config ->> 'lr' > 0.01` (`config` is the run's
    /// configuration JSON, `->> 'field'` extracts a field). It is pasted into the `WHERE` clause of a read-only
    /// connection: it can read anything and change nothing.
    public var expression: String?

    /// A filter; `nil` conditions are not applied.
    public init(status: RunStatus? = nil, experiment: String? = nil, name: String? = nil, expression: String? = nil) {
        self.status = status
        self.experiment = experiment
        self.name = name
        self.expression = expression
    }
}
