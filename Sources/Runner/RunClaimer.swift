import ResultsStore

/// Claims the run of one configuration and seed for a process that trains it by itself (`inception-lab train`):
/// `RunQueue`'s claiming for a run named by its configuration instead of by an experiment's queue.
///
/// The run's identity is its configuration and seed (`NewRun.runKey`): the first claim queues the run and claims
/// it; a later one finds it as it is. Queued, it is claimed; finished, there is nothing to do; killed or failed, it
/// is claimed only when resuming (a failed run is requeued first); diverged or running, it is refused. Before the
/// run is looked up, every run of the database whose owner is gone is marked killed
/// (`ResultsStore.markStaleRuns`), so a run left `running` by a dead process is resumed rather than refused.
///
/// Threading: not `Sendable` (it holds a store); use it on one thread.
public struct RunClaimer {
    /// A claim that went through, or found nothing to do.
    public enum Outcome: Sendable, Equatable {
        /// The run, now `running` under the store's owner: just queued, queued before, or resumed.
        case claimed(Run)
        /// Run `id`, of this configuration and seed, already finished.
        case finished(id: Int)
    }

    /// Why the run of a configuration is not claimed. The description is a sentence for the user naming the fix.
    /// A `Sendable` value.
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// Run `id` is `status` (`killed` or `failed`) and resuming was not asked for.
        case notResumed(id: Int, status: RunStatus)
        /// Run `id` diverged; training is deterministic, so it would diverge again.
        case diverged(id: Int)
        /// Run `id` is running under an owner that is alive (its heartbeat is recent, and it is not a vanished
        /// process of this host).
        case running(id: Int)

        public var description: String {
            switch self {
            case .notResumed(let id, let status):
                "run \(id) with this configuration was \(status.rawValue); add --resume to continue it"
            case .diverged(let id):
                "run \(id) with this configuration diverged; training is deterministic, so it would again — change "
                    + "the seed or the recipe"
            case .running(let id):
                "run \(id) with this configuration is running in another process"
            }
        }
    }

    public let store: ResultsStore
    /// Seconds without a heartbeat after which a running run is presumed dead (see `RunQueue.defaultStaleThreshold`).
    public var staleThreshold = RunQueue.defaultStaleThreshold
    /// Told about each run of the database found dead and marked killed, before the claim.
    public var onRecovered: ((Run) -> Void)?

    /// A claimer of runs in `store`'s database, for `store`'s owner.
    public init(store: ResultsStore) {
        self.store = store
    }

    /// Marks the database's dead runs killed, inserts `run` unless its configuration and seed are already there,
    /// and claims it when its status allows: queued, or killed or failed with `resume`. Throws a `Refusal` when
    /// it does not (see `Outcome` for a finished run), and the store's error when another process claims the run
    /// first.
    public func claim(_ run: NewRun, resume: Bool) throws -> Outcome {
        for dead in try store.markStaleRuns(olderThan: staleThreshold) { onRecovered?(dead) }
        let inserted = try store.insertRun(run)
        switch (inserted.status, resume) {
        case (.queued, _), (.killed, true):
            return .claimed(try store.claimRun(inserted.id))
        case (.failed, true):
            try store.requeue(run: inserted.id)
            return .claimed(try store.claimRun(inserted.id))
        case (.killed, false), (.failed, false):
            throw Refusal.notResumed(id: inserted.id, status: inserted.status)
        case (.finished, _):
            return .finished(id: inserted.id)
        case (.diverged, _):
            throw Refusal.diverged(id: inserted.id)
        case (.running, _):
            throw Refusal.running(id: inserted.id)
        }
    }
}
