/// One row of the `runs` table. Times are UNIX seconds (UTC); steps count optimizer steps. A `Sendable` value.
public struct Run: Sendable, Equatable {
    /// The row id, used by every other call.
    public var id: Int
    /// The run's identity: 16 hex digits of SHA-256 over its canonical configuration and seed.
    public var runKey: String
    /// The experiment it belongs to, if any.
    public var experimentID: Int?
    /// A human-readable name (not unique).
    public var name: String
    /// The canonical configuration JSON.
    public var configJSON: String
    /// SHA-256 of `configJSON` (64 hex digits): equal for runs that differ only by seed.
    public var configHash: String
    /// The random seed.
    public var seed: Int
    /// Where the run is in its lifecycle.
    public var status: RunStatus
    /// When the run was inserted.
    public var createdAt: Double
    /// When it was first claimed.
    public var startedAt: Double?
    /// When it last left `running`.
    public var finishedAt: Double?
    /// The last sign of life from its owner.
    public var heartbeatAt: Double?
    /// `pid@host` of the process that last claimed it.
    public var owner: String?
    /// The last step reported by heartbeat or metric flush.
    public var step: Int
    /// The planned number of steps, if known.
    public var totalSteps: Int?
    /// The step at which the network was found dead (its pre-pool layer stopped responding), if it was.
    public var diedAtStep: Int?
    /// Why it failed, diverged or was killed.
    public var error: String?

    /// The `SELECT` list that `init(row:)` reads, in order.
    static let columns = """
        id, run_key, experiment_id, name, config_json, config_hash, seed, status, created_at, started_at, \
        finished_at, heartbeat_at, owner, step, total_steps, died_at_step, error
        """

    /// Reads a row selected with `columns`; the schema's NOT NULL and CHECK constraints guarantee the unwraps.
    init(row: [SQLValue]) {
        id = row[0].int!
        runKey = row[1].string!
        experimentID = row[2].int
        name = row[3].string!
        configJSON = row[4].string!
        configHash = row[5].string!
        seed = row[6].int!
        status = RunStatus(rawValue: row[7].string!)!
        createdAt = row[8].double!
        startedAt = row[9].double
        finishedAt = row[10].double
        heartbeatAt = row[11].double
        owner = row[12].string
        step = row[13].int!
        totalSteps = row[14].int
        diedAtStep = row[15].int
        error = row[16].string
    }
}

/// A run to insert into the queue. A `Sendable` value.
public struct NewRun: Sendable, Equatable {
    /// A human-readable name.
    public var name: String
    /// The configuration as canonical JSON: keys sorted, no insignificant white space (a `JSONEncoder` with
    /// `.sortedKeys` produces it). Its text is hashed, so two spellings of one configuration are two runs.
    public var configJSON: String
    /// The random seed (non-negative).
    public var seed: Int
    /// The experiment it belongs to, if any.
    public var experimentID: Int?
    /// The planned number of steps, if known.
    public var totalSteps: Int?
    /// When it was queued, in UNIX seconds (`created_at`): nil for the time of insertion; a Slurm task gives the
    /// time `submit` froze its run, so that the runs of one submission count as queued together however late
    /// their tasks start (`Look` compares it with the time the experiment's first run ended).
    public var queuedAt: Double?

    /// Describes a run; see the properties.
    public init(name: String, configJSON: String, seed: Int, experimentID: Int? = nil, totalSteps: Int? = nil,
                queuedAt: Double? = nil) {
        self.name = name
        self.configJSON = configJSON
        self.seed = seed
        self.experimentID = experimentID
        self.totalSteps = totalSteps
        self.queuedAt = queuedAt
    }

    /// SHA-256 of the configuration text, 64 hex digits.
    public var configHash: String { SHA256.hex(configJSON) }

    /// The run's identity: the first 16 hex digits of SHA-256 over the configuration, a newline and the seed.
    public var runKey: String { String(SHA256.hex("\(configJSON)\n\(seed)").prefix(16)) }
}

/// What inserting a run found: the run's id and status, and whether this call created it. A `Sendable` value.
public struct RunInsertion: Sendable, Equatable {
    /// The run's id.
    public var id: Int
    /// Its current status (`queued` when just inserted).
    public var status: RunStatus
    /// False when a run with the same key already existed and was left as it was.
    public var inserted: Bool
}

extension Database {
    /// The run with id `id`; an unknown id is an error.
    func fetchRun(_ id: Int) throws -> Run {
        guard let row = try query("SELECT \(Run.columns) FROM runs WHERE id = ?", [id]).rows.first else {
            throw error("no run with id \(id)")
        }
        return Run(row: row)
    }
}
