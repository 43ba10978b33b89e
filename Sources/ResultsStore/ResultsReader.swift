/// The reading side of the results database, for the query commands: runs, one run in full, metric series,
/// counts by status, and raw SQL.
///
/// It opens the file read-only (`SQLITE_OPEN_READONLY` and `PRAGMA query_only`), which is what makes it safe to
/// paste user text into queries: `RunFilter.expression` and `query(_:)` can read anything and change nothing.
/// The file must exist and have exactly the current schema (a writing command migrates it).
///
/// Threading: not `Sendable`, like its `Database`: one reader per thread or process.
public final class ResultsReader {
    let database: Database

    /// Opens the database at `path` read-only. `busyTimeout` is in seconds.
    public init(path: String, busyTimeout: Double = 10) throws {
        database = try Database(path: path, mode: .readOnly, busyTimeout: busyTimeout)
        try Migrations.requireLatest(database)
    }

    /// Opens the database at `path` read-only, first bringing a file written by an older version up to date
    /// (migrations only add). A file already at the current schema is never opened for writing, so reading
    /// leaves its bytes as they are: a read-write connection would switch a rollback-journal file (such as the
    /// committed `results/lab.sqlite`) to WAL journaling. `busyTimeout` is in seconds.
    public static func migratingIfNeeded(path: String, busyTimeout: Double = 10) throws -> ResultsReader {
        let version = try Database(path: path, mode: .readOnly, busyTimeout: busyTimeout).userVersion()
        if version < Migrations.latestVersion {
            _ = try ResultsStore(path: path, busyTimeout: busyTimeout)
        }
        return try ResultsReader(path: path, busyTimeout: busyTimeout)
    }

    /// Every `running` run, oldest first, with why it is presumed dead (`RunningRun.deathReason`) after
    /// `threshold` seconds without a heartbeat, if it is.
    public func runningRuns(staleAfter threshold: Double) throws -> [RunningRun] {
        try RunningRun.all(in: database, staleAfter: threshold)
    }

    /// The columns of `run_summary` that `runs(_:)` returns.
    private static let summaryColumns = """
        id, name, experiment, status, model, width, seed, step, total_steps, created, finished, \
        val_top1_error, val_top5_error, val_loss, train_loss, test_top1_error
        """

    /// The runs matching `filter`, oldest first, as rows of the `run_summary` view: id, name, experiment,
    /// status, model, width, seed, step, total_steps, created, finished (UTC `YYYY-MM-DD HH:MM:SS`), and the last
    /// recorded val_top1_error, val_top5_error, val_loss, train_loss and test_top1_error.
    public func runs(_ filter: RunFilter = RunFilter()) throws -> ResultTable {
        var conditions: [String] = []
        var values: [any SQLBindable] = []
        if let status = filter.status {
            conditions.append("status = ?")
            values.append(status.rawValue)
        }
        if let experiment = filter.experiment {
            conditions.append("experiment = ?")
            values.append(experiment)
        }
        if let name = filter.name {
            conditions.append("name LIKE ?")
            values.append(name)
        }
        if let expression = filter.expression {
            // The newline keeps a trailing `--` comment in the expression from swallowing the parenthesis.
            conditions.append("(\(expression)\n)")
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try database.query("SELECT \(Self.summaryColumns) FROM run_summary \(whereClause) ORDER BY id", values)
    }

    /// Everything recorded about run `id`: its row, experiment, environment, events and the last value of each
    /// metric.
    public func run(_ id: Int) throws -> RunDetail {
        let run = try database.fetchRun(id)
        let experiment = try run.experimentID.flatMap {
            try database.query("SELECT name FROM experiments WHERE id = ?", [$0]).rows.first?[0].string
        }
        let environment = try database.fetchEnvironment(run: id)
        let events = try database.query(
            "SELECT time, step, kind, message FROM events WHERE run_id = ? ORDER BY id", [id]
        ).rows.map { RunEvent(time: $0[0].double!, step: $0[1].int, kind: $0[2].string!, message: $0[3].string!) }
        // With max(), SQLite takes the other (bare) columns from the row holding the maximum step.
        let finals = try database.query(
            "SELECT name, max(step), value, wall_time FROM metrics WHERE run_id = ? GROUP BY name", [id]
        ).rows.map { ($0[0].string!, MetricPoint(row: $0.dropFirst())) }
        return RunDetail(run: run, experiment: experiment, environment: environment, events: events,
                         finalMetrics: Dictionary(uniqueKeysWithValues: finals))
    }

    /// Every recorded value of metric `name` of run `id`, by increasing step.
    public func metricSeries(run id: Int, name: String) throws -> [MetricPoint] {
        try database.query(
            "SELECT step, value, wall_time FROM metrics WHERE run_id = ? AND name = ? ORDER BY step", [id, name]
        ).rows.map { MetricPoint(row: $0[...]) }
    }

    /// Every recorded value of every metric of run `id`, by increasing step, then wall time, then name.
    public func metrics(run id: Int) throws -> [(name: String, point: MetricPoint)] {
        try database.query(
            "SELECT name, step, value, wall_time FROM metrics WHERE run_id = ? ORDER BY step, wall_time, name", [id]
        ).rows.map { ($0[0].string!, MetricPoint(row: $0.dropFirst())) }
    }

    /// How many runs are in each status (every status present, zeros included), in experiment `experiment`
    /// (by name) or in the whole database.
    public func statusCounts(experiment: String? = nil) throws -> [RunStatus: Int] {
        var counts = Dictionary(uniqueKeysWithValues: RunStatus.allCases.map { ($0, 0) })
        let rows = try database.query("""
            SELECT r.status, count(*) FROM runs AS r LEFT JOIN experiments AS e ON e.id = r.experiment_id
            WHERE ?1 IS NULL OR e.name = ?1 GROUP BY r.status
            """, [experiment]).rows
        for row in rows {
            counts[RunStatus(rawValue: row[0].string!)!] = row[1].int!
        }
        return counts
    }

    /// Runs one read-only SQL statement and returns its column names and rows. Any write is refused by SQLite
    /// ("attempt to write a readonly database"); more than one statement is refused.
    public func query(_ sql: String) throws -> ResultTable {
        try database.query(sql)
    }
}
