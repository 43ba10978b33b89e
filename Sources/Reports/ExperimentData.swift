import ResultsStore
import RunContract

/// One run of an experiment as the report reads it from the database. A `Sendable` value.
public struct RunRecord: Sendable {
    /// The run's id in the `runs` table.
    public var id: Int
    /// Its human-readable name.
    public var name: String
    /// Its random seed.
    public var seed: Int
    /// Its lifecycle status (`finished` or `diverged` for the runs a report includes).
    public var status: RunStatus
    /// The last step it reported (for a diverged run: the step at which it diverged).
    public var step: Int
    /// The step at which its pre-pool layer was found dead, if it was.
    public var diedAtStep: Int?
    /// Its configuration without the seed.
    public var configuration: RunConfiguration
    /// Where it ran, if recorded.
    public var environment: RunEnvironment?
    /// Every recorded metric series by name, by increasing step; non-finite values (NaN is stored as NULL) are dropped.
    public var metrics: [String: [SeriesPoint]]
    /// Whether it was queued after one of its experiment's runs had ended: a seed added once results could be
    /// seen (`Look`).
    public var addedAfterResults: Bool

    /// Describes a run; see the properties.
    public init(id: Int, name: String, seed: Int, status: RunStatus, step: Int, diedAtStep: Int?,
                configuration: RunConfiguration, environment: RunEnvironment?, metrics: [String: [SeriesPoint]],
                addedAfterResults: Bool = false) {
        self.id = id
        self.name = name
        self.seed = seed
        self.status = status
        self.step = step
        self.diedAtStep = diedAtStep
        self.configuration = configuration
        self.environment = environment
        self.metrics = metrics
        self.addedAfterResults = addedAfterResults
    }

    /// The setting all its steps computed with; nil when its environment was not recorded, or when it was resumed
    /// on another setting than its earlier steps' (`RunEnvironment.earlierSettings`): its times then span both.
    public var setting: ComputeSetting? {
        environment.flatMap { $0.earlierSettings.isEmpty ? $0.setting : nil }
    }

    /// The run's pace: the median of its `step_time` series (each value the mean time per step over one logging
    /// interval), in seconds per step; nil when it recorded none. An interval in which the machine did other work
    /// (a stopped process, a build) moves the median little, where it would move a sum of times by all its length.
    public var pace: Double? { Aggregation.median(series(Metric.stepTime).map(\.value)) }

    /// Whether the run became unstable: its network died (`died_at_step` set) or its loss diverged.
    public var isUnstable: Bool { diedAtStep != nil || status == .diverged }

    /// Whether the run had the machine to itself among its runner's processes, as its recorded command line
    /// tells: `alone` for `inception-lab run` training in its own process (one worker: with `--workers` above 1
    /// the runner trains only in worker processes), `shared` for a worker process (`--worker`, started only
    /// with two or more) or a share of a sweep (`--shard`, `--run-key`: a scheduler's task, such as a Slurm array
    /// task, which may share its node with the sweep's other tasks), `unrecorded` otherwise (`train`, or no
    /// environment). Other load on the machine is not recorded.
    public var occupancy: Occupancy {
        let words = environment?.commandLine.split(separator: " ") ?? []
        guard words.count >= 2, words[1] == "run" else { return .unrecorded }
        return words.contains { ["--worker", "--shard", "--run-key"].contains($0) } ? .shared : .alone
    }

    /// The series of metric `name`, empty when the run did not record it.
    public func series(_ name: String) -> [SeriesPoint] { metrics[name] ?? [] }

    /// The training epoch (fractional, dimensionless) reached at optimizer `step`: linear interpolation in the
    /// run's `epoch` series, which starts from epoch 0 at step 0; beyond the last recorded point the last ratio of
    /// epochs to steps is extended. `nil` when the run recorded no `epoch` metric.
    public func epoch(atStep step: Int) -> Double? {
        let points = series(Metric.epoch).map { (Double($0.step), $0.value) }
        guard let last = points.last, last.0 > 0 else { return nil }
        var previous = (0.0, 0.0)
        for point in points {
            if Double(step) <= point.0 {
                let span = point.0 - previous.0
                return span > 0 ? previous.1 + (point.1 - previous.1) * (Double(step) - previous.0) / span : point.1
            }
            previous = point
        }
        return Double(step) * last.1 / last.0
    }
}

/// How a run shared the machine with its runner's other processes (`RunRecord.occupancy`).
public enum Occupancy: String, Sendable, Equatable, Encodable {
    /// Its runner trained one run at a time.
    case alone
    /// It was one of two or more worker processes, or a scheduler's task.
    case shared
    /// Its command line does not tell.
    case unrecorded
}

/// The runs of one experiment, loaded from the results database alone. A `Sendable` value.
///
/// Included are the runs that ended on their own, `finished` or `diverged`, ordered by id. Runs still queued or
/// running, killed or failed are counted in `excluded` and otherwise left out: their curves are partial for
/// reasons that say nothing about the networks.
public struct ExperimentData: Sendable {
    /// The experiment's name.
    public var name: String
    /// The experiment's description, as its spec gave it (possibly empty).
    public var description: String
    /// The included runs, by increasing id.
    public var runs: [RunRecord]
    /// How many runs of each other status were left out (statuses with no runs are absent).
    public var excluded: [RunStatus: Int]
    /// The findings' hypotheses as the experiment's stored spec declares them (`Hypotheses(spec:)`).
    public var hypotheses: Hypotheses
    /// Which look at the experiment's results this is (`Look`): the final one decides at the hypotheses' α.
    public var look: Look
    /// Which runs' times the report uses (`Timing`: those of the setting most runs computed with).
    public var timing: Timing

    /// Describes an experiment; see the properties. `look` is the final one unless given.
    public init(name: String, description: String, runs: [RunRecord], excluded: [RunStatus: Int],
                hypotheses: Hypotheses = .defaults, look: Look? = nil) {
        self.name = name
        self.description = description
        self.runs = runs
        self.excluded = excluded
        self.hypotheses = hypotheses
        timing = Timing(runs: runs)
        self.look = look ?? Look(runs: runs.count + excluded.values.reduce(0, +), ended: runs.count, added: 0,
                                 addedEnded: 0)
    }

    /// Reads experiment `name` with its runs, configurations, environments and metrics through `reader`. An
    /// unknown experiment is an error naming the experiments the database holds.
    public static func load(from reader: ResultsReader, experiment name: String) throws -> ExperimentData {
        // `query` binds nothing, so the name is written as an SQL literal; the connection is read-only anyway.
        let literal = "'" + name.replacing("'", with: "''") + "'"
        guard let experiment = try reader.query(
            "SELECT id, description, spec FROM experiments WHERE name = \(literal)").rows.first else {
            let known = try reader.query("SELECT name FROM experiments ORDER BY name").rows.compactMap { $0[0].string }
            throw ReportError("""
                no experiment named '\(name)' in the database; \
                \(known.isEmpty ? "it holds no experiments yet" : "it holds: \(known.joined(separator: ", "))")
                """)
        }
        let experimentID = experiment[0].int!
        let hypotheses: Hypotheses
        do { hypotheses = try Hypotheses(spec: experiment[2].string ?? "") } catch {
            throw ReportError("experiment '\(name)': its stored spec's \(error)")
        }
        let inExperiment = "SELECT id FROM runs WHERE experiment_id = \(experimentID)"

        var leaves: [Int: [String: String]] = [:]
        for row in try reader.query("""
            SELECT r.id, substr(j.fullkey, 3), j.type, j.atom FROM runs AS r, json_tree(r.config_json) AS j
            WHERE r.experiment_id = \(experimentID) AND j.type NOT IN ('object', 'array')
            """).rows {
            leaves[row[0].int!, default: [:]][row[1].string!] = Self.leafText(type: row[2].string!, atom: row[3])
        }
        var environments: [Int: RunEnvironment] = [:]
        for row in try reader.query(
            "SELECT run_id, \(RunEnvironment.columns) FROM environments WHERE run_id IN (\(inExperiment))").rows {
            environments[row[0].int!] = RunEnvironment(row: Array(row.dropFirst()))
        }
        var metrics: [Int: [String: [SeriesPoint]]] = [:]
        for row in try reader.query("""
            SELECT run_id, name, step, value FROM metrics
            WHERE run_id IN (\(inExperiment)) AND value IS NOT NULL ORDER BY run_id, name, step
            """).rows {
            let point = SeriesPoint(step: row[2].int!, value: row[3].double!)
            guard point.value.isFinite else { continue }
            metrics[row[0].int!, default: [:]][row[1].string!, default: []].append(point)
        }

        var runs: [RunRecord] = []
        var excluded: [RunStatus: Int] = [:]
        var look = Look(runs: 0, ended: 0, added: 0, addedEnded: 0)
        // A run queued (created_at) after the first of the experiment's runs ended, once results could be seen,
        // is `addedAfterResults`.
        let ended = "('\(RunStatus.finished.rawValue)', '\(RunStatus.diverged.rawValue)')"
        for row in try reader.query("""
            SELECT id, name, seed, status, step, died_at_step, config_json, created_at > coalesce(
                (SELECT min(finished_at) FROM runs WHERE experiment_id = \(experimentID) AND status IN \(ended)), 1e300)
            FROM runs WHERE experiment_id = \(experimentID) ORDER BY id
            """).rows {
            let id = row[0].int!
            let status = RunStatus(rawValue: row[3].string!)!
            let added = row[7].int == 1
            look.count(ended: status.isTerminalResult, added: added)
            guard status.isTerminalResult else {
                excluded[status, default: 0] += 1
                continue
            }
            let configuration = try RunConfiguration(json: row[6].string!, settings: leaves[id] ?? [:])
            runs.append(RunRecord(id: id, name: row[1].string!, seed: row[2].int!, status: status, step: row[4].int!,
                                  diedAtStep: row[5].int, configuration: configuration,
                                  environment: environments[id], metrics: metrics[id] ?? [:],
                                  addedAfterResults: added))
        }
        return ExperimentData(name: name, description: experiment[1].string ?? "", runs: runs, excluded: excluded,
                              hypotheses: hypotheses, look: look)
    }

    /// A JSON leaf as text: strings as they are, numbers in Swift's shortest round-trip form, and `true`,
    /// `false`, `null` spelled out.
    private static func leafText(type: String, atom: SQLValue) -> String {
        switch type {
        case "true", "false", "null": type
        case "integer": String(atom.int!)
        case "real": String(atom.double!)
        default: atom.string ?? ""
        }
    }
}

/// Why a report cannot be made (unknown experiment, no runs, unreadable configuration, …).
public struct ReportError: Error, CustomStringConvertible, Sendable {
    public let description: String

    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}
