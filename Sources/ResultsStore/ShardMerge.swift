import Foundation

/// What merging a shard does, or would do, to one of its runs. A `Sendable` value.
public struct ShardRunMerge: Sendable, Equatable {
    /// How the database's record of the run changes.
    public enum Action: String, Sendable {
        /// The database did not have the run: it is copied with its metrics, events and environment.
        case added
        /// The shard's run is further along (`RunStatus.mergeRank`, then step): the database's run takes its
        /// state, its metrics are upserted by (name, step), its missing events added, its environment kept.
        case updated
        /// The database holds this state already, or a better one: nothing changes.
        case unchanged
        /// Only results were asked for and the run has not ended with one (`RunStatus.isTerminalResult`), and the
        /// database lacks it: the database records it as `queued` (the shard's queue time, none of its progress),
        /// so that its reports count it among the runs still to come — a look at the ended runs alone would pass
        /// for the final one (`Look`). Its progress stays in the shard, as for `leftInShard`.
        case recordedQueued = "recorded as queued"
        /// Only results were asked for, the run has not ended with one, and the database has it already: nothing
        /// changes; its progress stays in the shard alone, where it goes on.
        case leftInShard = "left in the shard"
    }

    /// The run's identity, shared by the shard and the database.
    public var runKey: String
    public var name: String
    /// The run as the shard records it.
    public var shardStatus: RunStatus
    public var shardStep: Int
    /// The run as the database recorded it before the merge; nil when it was not there.
    public var databaseStatus: RunStatus?
    public var action: Action
}

/// A shard refused because one of its finished runs disagrees with the same run finished in the database: both
/// were trained to the end and recorded different numbers (another revision, thread count or machine), so
/// neither can silently win. A `Sendable` value.
public struct MergeConflict: Error, CustomStringConvertible, Sendable {
    public var shard: String
    public var database: String
    public var runKey: String
    public var name: String
    /// The database's id of the run.
    public var databaseRunID: Int
    /// The first difference, e.g. `val_top1_error at step 40: 0.41 in the shard, 0.43 in the database`.
    public var difference: String

    public var description: String {
        """
        refusing to merge \(shard): its run \(runKey) (\(name)) is finished there and as run \(databaseRunID) \
        of \(database), with different metrics (\(difference)); nothing from this shard was merged. Keep one of \
        them: delete the run from one database, or merge into another --into
        """
    }
}

extension RunStatus {
    /// Which record of a run a merge keeps: the higher rank, then the higher step. A run that reached its end
    /// (`finished` or `diverged`) outranks a `killed` one (resumable: checkpointed), which outranks one left
    /// `running` (its task may be dead), which outranks a `failed` and a `queued` one.
    public var mergeRank: Int {
        switch self {
        case .queued: 0
        case .failed: 1
        case .running: 2
        case .killed: 3
        case .finished, .diverged: 4
        }
    }

    /// Whether the run ended with a result (`finished` or `diverged`).
    public var isTerminalResult: Bool { mergeRank == RunStatus.finished.mergeRank }
}

extension ResultsStore {
    /// Folds the shard at `path` (a results database written by one task of a sweep split across machines)
    /// into this database, in ONE transaction: runs are matched by run key, and each is `added`, `updated` or
    /// left `unchanged` (see `ShardRunMerge.Action`). Experiments are matched by name (a missing one is copied
    /// with its spec). Merging the same shard again changes nothing.
    ///
    /// An experiment in both whose spec text differs takes the shard's spec and description when the shard holds
    /// every run the database holds of it and more (a spec only grows by runs, so the shard's is the later plan, as
    /// when `run` re-registers an edited spec), once `reviewSpec` accepts the change. With the same runs on both
    /// sides neither text is known to be the later: the database's stays (merging an old shard again reverts
    /// nothing; `run` re-registers a spec edited in place).
    ///
    /// A run finished in both with different metrics — ignoring the wall-clock measurements named in `timing`,
    /// which differ between any two executions — throws a `MergeConflict` and the transaction is rolled back.
    ///
    /// - Parameters:
    ///   - dryRun: decide every run's action without writing anything.
    ///   - resultsOnly: merge only the runs that ended with a result (finished or diverged); the others are
    ///     `recordedQueued` or `leftInShard` (a sweep still under way in the shard: its queued, running and killed
    ///     runs go on there).
    ///   - reviewSpec: called with the experiment's name, the database's spec text and the shard's before the
    ///     shard's replaces the database's; throws to refuse the shard (such as when the hypotheses differ).
    @discardableResult
    public func merge(shard path: String, timing: Set<String>, dryRun: Bool = false, resultsOnly: Bool = false,
                      reviewSpec: (_ experiment: String, _ database: String, _ shard: String) throws -> Void)
        throws -> [ShardRunMerge] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError("no shard database at \(path)", path: path)
        }
        guard URL(fileURLWithPath: path).standardizedFileURL != URL(fileURLWithPath: self.path).standardizedFileURL
        else { throw StoreError("a database cannot be merged into itself", path: path) }
        _ = try ResultsStore(path: path)   // a shard from an older build is migrated first, as for any reader
        let shard = try Database(path: path, mode: .readOnly)
        func merge() throws -> [ShardRunMerge] {
            for newer in try newerSpecs(in: shard) {
                try reviewSpec(newer.name, newer.stored, newer.spec)
                if !dryRun {
                    try database.run("UPDATE experiments SET spec = ?, description = ? WHERE name = ?",
                                     [newer.spec, newer.description, newer.name])
                }
            }
            return try shard.query("SELECT \(Run.columns) FROM runs ORDER BY id").rows.map(Run.init(row:)).map {
                try self.merge($0, from: shard, timing: timing, write: !dryRun, resultsOnly: resultsOnly)
            }
        }
        return dryRun ? try merge() : try database.write(merge)
    }

    /// Merges one run of `shard` (only one that ended with a result, with `resultsOnly`); inside the caller's
    /// transaction when `write` is set.
    private func merge(_ run: Run, from shard: Database, timing: Set<String>, write: Bool, resultsOnly: Bool) throws
        -> ShardRunMerge {
        let existing = try database.query("SELECT \(Run.columns) FROM runs WHERE run_key = ?", [run.runKey])
            .rows.first.map(Run.init(row:))
        var result = ShardRunMerge(runKey: run.runKey, name: run.name, shardStatus: run.status,
                                   shardStep: run.step, databaseStatus: existing?.status, action: .unchanged)
        if resultsOnly && !run.status.isTerminalResult {
            guard existing == nil else {
                result.action = .leftInShard
                return result
            }
            result.action = .recordedQueued
            if write { _ = try insert(run.queued, from: shard) }
            return result
        }
        if let existing {
            if run.status.isTerminalResult && existing.status.isTerminalResult {
                if let difference = try firstDifference(run, in: shard, from: existing, ignoring: timing) {
                    throw MergeConflict(shard: shard.path, database: path, runKey: run.runKey, name: run.name,
                                        databaseRunID: existing.id, difference: difference)
                }
                return result
            }
            guard (run.status.mergeRank, run.step) > (existing.status.mergeRank, existing.step) else { return result }
            result.action = .updated
        } else {
            result.action = .added
        }
        guard write else { return result }

        let id: Int
        if let existing {
            id = existing.id
            try database.run("""
                UPDATE runs SET name = ?, status = ?, started_at = ?, finished_at = ?, heartbeat_at = ?, owner = ?,
                    step = ?, total_steps = ?, died_at_step = ?, error = ?
                WHERE id = ?
                """, [run.name, run.status.rawValue, run.startedAt, run.finishedAt, run.heartbeatAt, run.owner,
                      run.step, run.totalSteps, run.diedAtStep, run.error, id])
        } else {
            id = try insert(run, from: shard)
        }
        let upsert = try database.prepare("""
            INSERT INTO metrics (run_id, name, step, value, wall_time) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (run_id, name, step) DO UPDATE SET value = excluded.value, wall_time = excluded.wall_time
            """)
        for row in try shard.query("SELECT name, step, value, wall_time FROM metrics WHERE run_id = ?", [run.id]).rows {
            try upsert.bind([id, row[0].string!, row[1].int!, row[2].double, row[3].double!])
            try upsert.run()
        }
        // An event is the same event when its time, step, kind and message are: merging again adds none twice.
        for row in try shard.query("SELECT time, step, kind, message FROM events WHERE run_id = ? ORDER BY id",
                                   [run.id]).rows {
            try database.run("""
                INSERT INTO events (run_id, time, step, kind, message)
                SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS (SELECT 1 FROM events WHERE run_id = ?1 AND time = ?2
                    AND step IS ?3 AND kind = ?4 AND message = ?5)
                """, [id, row[0].double!, row[1].int, row[2].string!, row[3].string!])
        }
        if let environment = try shard.fetchEnvironment(run: run.id) {
            try recordEnvironment(environment, run: id)
        }
        return result
    }

    /// The shard's experiments that this database holds with another spec text (`stored`) and whose runs here the
    /// shard holds all of, and more (by run key), with the shard's spec and description.
    private func newerSpecs(in shard: Database) throws
        -> [(name: String, stored: String, spec: String, description: String)] {
        try shard.query("SELECT id, name, spec, description FROM experiments ORDER BY id").rows.compactMap { row in
            let (id, name, spec) = (row[0].int!, row[1].string!, row[2].string!)
            guard let stored = try database.query("SELECT id, spec FROM experiments WHERE name = ?", [name])
                .rows.first, stored[1].string != spec else { return nil }
            func keys(_ database: Database, _ experiment: Int) throws -> Set<String> {
                Set(try database.query("SELECT run_key FROM runs WHERE experiment_id = ?", [experiment])
                    .rows.map { $0[0].string! })
            }
            guard try keys(database, stored[0].int!).isStrictSubset(of: keys(shard, id)) else { return nil }
            return (name, stored[1].string ?? "", spec, row[3].string!)
        }
    }

    /// Inserts the shard's `run` as it is (its experiment copied if missing) and returns its id in this database.
    private func insert(_ run: Run, from shard: Database) throws -> Int {
        let experiment = try run.experimentID.map { try copyExperiment($0, from: shard) }
        return try database.query("""
            INSERT INTO runs (run_key, experiment_id, name, config_json, config_hash, seed, status, created_at,
                started_at, finished_at, heartbeat_at, owner, step, total_steps, died_at_step, error)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
            """, [run.runKey, experiment, run.name, run.configJSON, run.configHash, run.seed,
                  run.status.rawValue, run.createdAt, run.startedAt, run.finishedAt, run.heartbeatAt, run.owner,
                  run.step, run.totalSteps, run.diedAtStep, run.error]).rows[0][0].int!
    }

    /// The id in this database of the shard's experiment `shardID`, copied (name, spec, description) if missing.
    private func copyExperiment(_ shardID: Int, from shard: Database) throws -> Int {
        let row = try shard.query("SELECT name, spec, description, created_at FROM experiments WHERE id = ?",
                                  [shardID]).rows[0]
        try database.run("""
            INSERT INTO experiments (name, spec, description, created_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (name) DO NOTHING
            """, [row[0].string!, row[1].string!, row[2].string!, row[3].double!])
        return try database.query("SELECT id FROM experiments WHERE name = ?", [row[0].string!]).rows[0][0].int!
    }

    /// The first metric value (timing metrics aside) in which the shard's run differs from the database's run,
    /// described; nil when they agree on every (name, step).
    private func firstDifference(_ run: Run, in shard: Database, from existing: Run,
                                 ignoring timing: Set<String>) throws -> String? {
        func values(_ database: Database, _ id: Int) throws -> [String: Double?] {
            var values: [String: Double?] = [:]
            for row in try database.query("SELECT name, step, value FROM metrics WHERE run_id = ?", [id]).rows
            where !timing.contains(row[0].string!) {
                values["\(row[0].string!) at step \(row[1].int!)"] = row[2].double
            }
            return values
        }
        let ours = try values(shard, run.id), theirs = try values(database, existing.id)
        func text(_ value: Double??) -> String {
            switch value { case nil: "missing"; case .some(nil): "NaN"; case .some(let v?): "\(v)" }
        }
        for key in Set(ours.keys).union(theirs.keys).sorted() where ours[key] != theirs[key] {
            return "\(key): \(text(ours[key])) in the shard, \(text(theirs[key])) in the database"
        }
        if run.status != existing.status || run.step != existing.step {
            return "\(run.status.rawValue) at step \(run.step) in the shard, \(existing.status.rawValue) at step "
                + "\(existing.step) in the database"
        }
        return nil
    }
}

private extension Run {
    /// The run as it was queued: its identity, configuration, queue time and planned steps, none of its progress.
    var queued: Run {
        var run = self
        run.status = .queued
        (run.startedAt, run.finishedAt, run.heartbeatAt, run.owner) = (nil, nil, nil, nil)
        (run.step, run.diedAtStep, run.error) = (0, nil, nil)
        return run
    }
}
