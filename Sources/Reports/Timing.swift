import ResultsStore

/// Which runs' times a report uses: those computed with one setting (`ComputeSetting`: processor, library,
/// threads), the one most of the experiment's runs computed with. A time per step, a time to a target or a point of
/// a time axis from another processor or library measures the machine more than the network, so a report compares
/// none across settings: the curves against time, the time to each target and the time per step (finding 6) are
/// the timed runs'; every other figure uses every run. A timed run's steps are placed in time at its pace
/// (`RunRecord.pace`), not at the wall time it recorded: that also counts whatever else the machine did while it
/// trained (a build, a benchmark, another run's evaluation), which says nothing about the network. A `Sendable`
/// value.
public struct Timing: Sendable, Equatable {
    /// The setting of the timed runs; nil when no run has one (`RunRecord.setting`), and then no run is timed.
    public var setting: ComputeSetting?

    /// The setting most of `runs` computed with throughout; among settings with as many runs, the one of the
    /// latest run (highest id). Runs without a setting (no environment, or resumed on another) are never timed.
    public init(runs: [RunRecord]) {
        let settings = runs.compactMap { run in run.setting.map { (setting: $0, id: run.id) } }
        setting = Dictionary(grouping: settings, by: \.setting).max { a, b in
            (a.value.count, a.value.map(\.id).max()!) < (b.value.count, b.value.map(\.id).max()!)
        }?.key
    }

    /// Whether `run`'s times count.
    public func times(_ run: RunRecord) -> Bool { setting != nil && run.setting == setting }

    /// `run`'s pace (`RunRecord.pace`), in seconds per step, when its times count; nil otherwise.
    public func pace(_ run: RunRecord) -> Double? { times(run) ? run.pace : nil }
}
