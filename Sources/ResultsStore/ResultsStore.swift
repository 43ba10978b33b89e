import Foundation

/// The writing side of the results database: experiments, the run queue and each run's lifecycle.
///
/// Opening migrates the file to the current schema (and refuses a newer one). Every change is one transaction
/// (`BEGIN IMMEDIATE` when it reads before it writes), so several runner processes can share one file: a run
/// is claimed by exactly one of them. Times are UNIX seconds (UTC).
///
/// Lifecycle (see `RunStatus`): `claimFirst`/`claimRun` move a run to `running` under this store's `owner`;
/// `heartbeat` (or a `MetricWriter` flush) proves it alive; `finish` ends it; `markStaleRuns` kills runs whose
/// owner stopped beating; `requeue` puts an unsuccessful run back in the queue. Each change is logged in
/// `events`; a change the lifecycle forbids is refused with a `StoreError`.
///
/// Threading: not `Sendable`, like its `Database`: one store per thread or process.
public final class ResultsStore {
    let database: Database
    /// Who claims runs through this store, `pid@host` by default.
    public let owner: String

    /// Opens (creating if needed) and migrates the database at `path`.
    ///
    /// - Parameters:
    ///   - owner: recorded on claimed runs; heartbeats are accepted only from the run's owner.
    ///   - busyTimeout: seconds to wait for another process's write lock.
    public init(path: String, owner: String = ResultsStore.processOwner, busyTimeout: Double = 10) throws {
        database = try Database(path: path, busyTimeout: busyTimeout)
        self.owner = owner
        try Migrations.migrate(database)
    }

    /// This process's identity as an owner: `pid@host`.
    public static var processOwner: String {
        "\(ProcessInfo.processInfo.processIdentifier)@\(ProcessInfo.processInfo.hostName)"
    }

    /// The database file.
    public var path: String { database.path }

    /// The id of the experiment called `name`, created if missing; `spec` and `description` are set to the
    /// values given (the latest spec text wins).
    public func experiment(named name: String, spec: String = "", description: String = "") throws -> Int {
        try database.query("""
            INSERT INTO experiments (name, spec, description, created_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, description = excluded.description
            RETURNING id
            """, [name, spec, description, Self.now()]).rows[0][0].int!
    }

    /// The spec text stored with experiment `name` and how many of its runs have left the queue (started, whatever
    /// became of them); nil when there is no such experiment.
    public func storedSpec(experiment name: String) throws -> (spec: String, startedRuns: Int)? {
        try database.query("""
            SELECT e.spec, (SELECT count(*) FROM runs AS r WHERE r.experiment_id = e.id AND r.status <> 'queued')
            FROM experiments AS e WHERE e.name = ?
            """, [name]).rows.first.map { ($0[0].string ?? "", $0[1].int!) }
    }

    /// Queues `run` unless a run with the same key (configuration and seed) exists, and returns the run's id and
    /// status either way: re-inserting a sweep skips what is already there, whatever its state.
    public func insertRun(_ run: NewRun) throws -> RunInsertion {
        try database.write {
            let key = run.runKey
            let changed = try database.run("""
                INSERT INTO runs (run_key, experiment_id, name, config_json, config_hash, seed, created_at, total_steps)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_key) DO NOTHING
                """, [key, run.experimentID, run.name, run.configJSON, run.configHash, run.seed,
                      run.queuedAt ?? Self.now(), run.totalSteps])
            let row = try database.query("SELECT id, status FROM runs WHERE run_key = ?", [key]).rows[0]
            return RunInsertion(id: row[0].int!, status: RunStatus(rawValue: row[1].string!)!, inserted: changed == 1)
        }
    }

    /// Claims for this store's owner the first of runs `ids` that `accept` takes and that is still queued or
    /// killed, each claim one transaction, and returns it as `running`; nil when none is. A run another process
    /// claimed first, or one that ended, is passed over; any other failure (a database error) is thrown.
    public func claimFirst(of ids: [Int], where accept: (Int) throws -> Bool = { _ in true }) throws -> Run? {
        for id in ids where try accept(id) {
            let claimed = try database.write {
                try database.fetchRun(id).status.canChange(to: .running) ? try start(id) : nil
            }
            if let claimed { return claimed }
        }
        return nil
    }

    /// The queued runs (of experiment `experimentID`, when given) in the order a sweep claims them: the lowest
    /// seed first, then the oldest. A sweep thus gives every configuration its first seed before any its second,
    /// so a sweep stopped part way (a session's end) leaves each comparison with about as many seeds on both sides,
    /// rather than one configuration's seeds all done and its partner's none.
    public func queuedRunIDs(experimentID: Int? = nil) throws -> [Int] {
        try database.query(Self.queuedSQL, [experimentID]).rows.map { $0[0].int! }
    }

    /// The queued runs' ids (of experiment `?1` unless NULL), lowest seed first, then oldest.
    private static let queuedSQL = """
        SELECT id FROM runs WHERE status = 'queued' AND (?1 IS NULL OR experiment_id = ?1) ORDER BY seed, id
        """

    /// Claims run `id` for this store's owner — a queued run, or a killed one being resumed — and returns it as
    /// `running`.
    public func claimRun(_ id: Int) throws -> Run {
        try database.write { try start(id) }
    }

    /// Records that run `id`, owned by this store's owner, is alive at `step`. Throws when the run is no longer
    /// running under this owner (it was marked stale, finished, or claimed by another process): the caller
    /// should stop working on it.
    public func heartbeat(run id: Int, step: Int) throws {
        let changed = try database.run("""
            UPDATE runs SET heartbeat_at = ?, step = ? WHERE id = ? AND status = 'running' AND owner = ?
            """, [Self.now(), step, id, owner])
        guard changed == 0 else { return }
        let run = try database.fetchRun(id)
        throw database.error("""
            run \(id) is no longer running under \(owner) (status \(run.status.rawValue), owner \
            \(run.owner ?? "none")); stop working on it
            """)
    }

    /// Ends running run `id` with `status` (`finished`, `failed`, `diverged` or `killed`), the reason for an
    /// unsuccessful end, and the step at which its network died, if it did.
    public func finish(run id: Int, as status: RunStatus, error: String? = nil, diedAtStep: Int? = nil) throws {
        try database.write {
            try change(id, to: status, setting: "finished_at = ?, error = ?, died_at_step = ?",
                       [Self.now(), error, diedAtStep], message: error ?? "run ended: \(status.rawValue)")
        }
    }

    /// Puts a failed, diverged or killed run back in the queue; its metrics stay and are overwritten by the
    /// next attempt's.
    public func requeue(run id: Int) throws {
        try database.write {
            try change(id, to: .queued, setting: "owner = NULL, heartbeat_at = NULL", [], message: "requeued")
        }
    }

    /// Finds runs still `running` whose owner is gone (`RunningRun.deathReason`), marks them `killed` (with an
    /// event and an error saying why) and returns them as they now are.
    public func markStaleRuns(olderThan threshold: Double) throws -> [Run] {
        try database.write {
            try RunningRun.all(in: database, staleAfter: threshold).compactMap { running in
                guard let reason = running.deathReason else { return nil }
                try change(running.id, to: .killed, setting: "finished_at = ?, error = ?", [Self.now(), reason],
                           message: reason)
                return try database.fetchRun(running.id)
            }
        }
    }

    /// Records (or replaces) run `id`'s environment.
    public func recordEnvironment(_ environment: RunEnvironment, run id: Int) throws {
        try database.run("""
            INSERT OR REPLACE INTO environments (run_id, \(RunEnvironment.columns))
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [id] + environment.values)
    }

    /// The environment recorded for run `id`, if any.
    public func environment(run id: Int) throws -> RunEnvironment? { try database.fetchEnvironment(run: id) }

    /// Adds an event to run `id`'s log, stamped with the current time.
    public func addEvent(run id: Int, kind: String, message: String, step: Int? = nil) throws {
        try database.run("INSERT INTO events (run_id, time, step, kind, message) VALUES (?, ?, ?, ?, ?)",
                         [id, Self.now(), step, kind, message])
    }

    /// Moves run `id` to `running` under this store's owner; inside the caller's transaction.
    private func start(_ id: Int) throws -> Run {
        let now = Self.now()
        try change(id, to: .running, setting: """
            owner = ?, started_at = coalesce(started_at, ?), heartbeat_at = ?, finished_at = NULL, error = NULL
            """, [owner, now, now], message: "claimed by \(owner)")
        return try database.fetchRun(id)
    }

    /// Moves run `id` to `next` inside the caller's transaction: refuses an unknown run or a change the lifecycle
    /// forbids, applies the extra `SET` clauses `assignments` with their `values`, and logs an event of kind
    /// `next`.
    private func change(_ id: Int, to next: RunStatus, setting assignments: String, _ values: [any SQLBindable],
                        message: String) throws {
        let current = try database.fetchRun(id)
        guard current.status.canChange(to: next) else {
            throw database.error("run \(id) cannot go from \(current.status.rawValue) to \(next.rawValue)")
        }
        try database.run("UPDATE runs SET status = ?, \(assignments) WHERE id = ?", [next.rawValue] + values + [id])
        try addEvent(run: id, kind: next.rawValue, message: message, step: current.step)
    }

    private static func now() -> Double { Date().timeIntervalSince1970 }
}
