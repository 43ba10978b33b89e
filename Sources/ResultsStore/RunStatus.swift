/// Where a run is in its life: `queued → running → finished | failed | diverged | killed`, and `killed → running`
/// when it is resumed. `failed`, `diverged` and `killed` runs may be put back in the queue. A `Sendable` value.
public enum RunStatus: String, CaseIterable, Sendable {
    /// Waiting to be claimed by a runner.
    case queued
    /// Claimed by a process (its `owner`), which sends heartbeats.
    case running
    /// Reached its budget.
    case finished
    /// Stopped by an error that is not the network's fault (see the run's `error`).
    case failed
    /// The loss or a gradient became non-finite.
    case diverged
    /// Interrupted: Ctrl-C, SIGTERM, or found dead by its stale heartbeat. Can be resumed.
    case killed

    /// The statuses of runs not done yet, which `run` takes up again (killed runs from their checkpoints).
    public static let unfinished: [RunStatus] = [.queued, .running, .killed]

    /// Whether the lifecycle allows going from this status to `next`.
    public func canChange(to next: RunStatus) -> Bool {
        switch (self, next) {
        case (.queued, .running), (.killed, .running):
            true
        case (.running, .finished), (.running, .failed), (.running, .diverged), (.running, .killed):
            true
        case (.failed, .queued), (.diverged, .queued), (.killed, .queued):
            true
        default:
            false
        }
    }
}
