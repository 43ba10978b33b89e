/// Buffers one run's metric values in memory and writes them in batches.
///
/// `append` only stores the record (no SQLite call) unless a flush is due: when `Settings.maxPending` records
/// are waiting or `Settings.maxInterval` seconds have passed since the last flush. A flush writes every pending
/// record in ONE `BEGIN IMMEDIATE` transaction, with an upsert keyed by (run, name, step) so that a resumed run
/// overwrites the values it measures again instead of duplicating them, and in the same transaction sets the
/// run's heartbeat and step (the highest step flushed). A flush fails, keeping the records pending, if the run
/// is no longer `running` under the store's owner — so flush before `ResultsStore.finish`.
///
/// Releasing the writer flushes what is pending, ignoring errors; call `flush()` to see them.
///
/// Threading: not `Sendable`; use it on the thread that owns its `ResultsStore`.
public final class MetricWriter {
    /// When to flush.
    public struct Settings: Sendable, Equatable {
        /// Flush when this many records are pending.
        public var maxPending: Int
        /// Flush on the first append at least this many seconds after the previous flush.
        public var maxInterval: Double

        /// Defaults: 1000 records or 10 s, whichever comes first.
        public init(maxPending: Int = 1000, maxInterval: Double = 10) {
            self.maxPending = maxPending
            self.maxInterval = maxInterval
        }
    }

    private struct Record {
        var name: String
        var step: Int
        var value: Double
        var wallTime: Double
    }

    /// The run whose metrics this writes.
    public let run: Int
    private let store: ResultsStore
    private let maxPending: Int
    private let maxInterval: Duration
    private let upsert: Statement
    private var pending: [Record] = []
    private var lastFlush = ContinuousClock.now

    /// A writer for run `id` of `store`, which must be claimed by the store's owner.
    public init(store: ResultsStore, run id: Int, settings: Settings = Settings()) throws {
        self.store = store
        run = id
        maxPending = settings.maxPending
        maxInterval = .seconds(settings.maxInterval)
        upsert = try store.database.prepare("""
            INSERT INTO metrics (run_id, name, step, value, wall_time) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (run_id, name, step) DO UPDATE SET value = excluded.value, wall_time = excluded.wall_time
            """)
        pending.reserveCapacity(settings.maxPending)
    }

    deinit { try? flush() }

    /// The number of records not yet written.
    public var pendingCount: Int { pending.count }

    /// Records `value` of metric `name` at optimizer `step`, measured `wallTime` seconds after the run started;
    /// flushes if a flush is due.
    public func append(_ name: String, step: Int, value: Double, wallTime: Double) throws {
        pending.append(Record(name: name, step: step, value: value, wallTime: wallTime))
        if pending.count >= maxPending || ContinuousClock.now - lastFlush >= maxInterval {
            try flush()
        }
    }

    /// Writes every pending record, the heartbeat and the step in one transaction; does nothing when nothing
    /// is pending.
    public func flush() throws {
        guard let highestStep = pending.lazy.map(\.step).max() else { return }
        try store.database.write {
            for record in pending {
                try upsert.bind([run, record.name, record.step, record.value, record.wallTime])
                try upsert.run()
            }
            try store.heartbeat(run: run, step: highestStep)
        }
        pending.removeAll(keepingCapacity: true)
        lastFlush = .now
    }
}
