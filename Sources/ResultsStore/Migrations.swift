/// The schema's history, and bringing a database file up to date with it.
///
/// The version lives in `PRAGMA user_version`. `steps[n]` takes a database from version `n` to `n + 1`; each step
/// runs in its own `BEGIN IMMEDIATE` transaction together with the version bump, so a crash leaves the file at
/// one version or the next, and two processes opening a new file at once apply each step exactly once. Steps are
/// only ever appended: a released step is never edited.
///
/// Conventions of the schema: times are UNIX seconds (UTC) as REAL — `datetime(created_at, 'unixepoch')` shows
/// them; `wall_time` is seconds since the run started; configurations are canonical JSON text queried with
/// `json_extract` or `->>`.
public enum Migrations {
    /// The schema version this code writes and reads.
    public static var latestVersion: Int { steps.count }

    /// Applies the missing steps to a read-write connection; refuses a file whose schema is newer than the code.
    static func migrate(_ database: Database) throws {
        let found = try database.userVersion()
        guard found <= latestVersion else { throw tooNew(found, database) }
        for version in found..<latestVersion {
            try database.write {
                // Another process may have applied this step since `found` was read.
                guard try database.userVersion() == version else { return }
                try database.execute(steps[version])
                try database.execute("PRAGMA user_version = \(version + 1)")
            }
        }
    }

    /// Refuses, for a read-only connection, any file whose schema is not exactly `latestVersion`.
    static func requireLatest(_ database: Database) throws {
        let found = try database.userVersion()
        if found > latestVersion { throw tooNew(found, database) }
        if found < latestVersion {
            throw database.error("""
                database schema version \(found) is older than this code's version \(latestVersion) \
                (or the file is not a results database); a command that writes to it will migrate it
                """)
        }
    }

    private static func tooNew(_ found: Int, _ database: Database) -> StoreError {
        database.error("""
            database schema version \(found) is newer than this code supports (version \(latestVersion)); \
            use a newer build of inception-lab
            """)
    }

    private static let steps: [String] = [
        // Version 1: experiments, runs, metrics, events, environments, and the run_summary view.
        """
        CREATE TABLE experiments (
            id          INTEGER PRIMARY KEY,
            name        TEXT NOT NULL UNIQUE,
            spec        TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            created_at  REAL NOT NULL
        );
        CREATE TABLE runs (
            id            INTEGER PRIMARY KEY,
            run_key       TEXT NOT NULL UNIQUE,
            experiment_id INTEGER REFERENCES experiments(id),
            name          TEXT NOT NULL,
            config_json   TEXT NOT NULL CHECK (json_valid(config_json)),
            config_hash   TEXT NOT NULL,
            seed          INTEGER NOT NULL,
            status        TEXT NOT NULL DEFAULT 'queued'
                          CHECK (status IN ('queued', 'running', 'finished', 'failed', 'diverged', 'killed')),
            created_at    REAL NOT NULL,
            started_at    REAL,
            finished_at   REAL,
            heartbeat_at  REAL,
            owner         TEXT,
            step          INTEGER NOT NULL DEFAULT 0,
            total_steps   INTEGER,
            died_at_step  INTEGER,
            error         TEXT
        );
        CREATE INDEX runs_by_status ON runs (status, experiment_id, id);
        CREATE TABLE metrics (
            run_id    INTEGER NOT NULL REFERENCES runs(id),
            name      TEXT NOT NULL,
            step      INTEGER NOT NULL,
            value     REAL,
            wall_time REAL NOT NULL,
            PRIMARY KEY (run_id, name, step)
        ) WITHOUT ROWID;
        CREATE TABLE events (
            id      INTEGER PRIMARY KEY,
            run_id  INTEGER NOT NULL REFERENCES runs(id),
            time    REAL NOT NULL,
            step    INTEGER,
            kind    TEXT NOT NULL,
            message TEXT NOT NULL
        );
        CREATE INDEX events_by_run ON events (run_id, id);
        CREATE TABLE environments (
            run_id           INTEGER PRIMARY KEY REFERENCES runs(id),
            code_revision    TEXT NOT NULL,
            host             TEXT NOT NULL,
            cpu_model        TEXT NOT NULL,
            threads          INTEGER NOT NULL,
            blas_config      TEXT NOT NULL,
            swift_version    TEXT NOT NULL,
            dataset_checksum TEXT NOT NULL,
            command_line     TEXT NOT NULL,
            extra_json       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(extra_json))
        );
        CREATE VIEW run_summary AS
        SELECT r.id, r.name, e.name AS experiment, r.status,
               json_extract(r.config_json, '$.model') AS model, r.seed, r.step, r.total_steps,
               datetime(r.created_at, 'unixepoch') AS created, datetime(r.finished_at, 'unixepoch') AS finished,
               (SELECT value FROM metrics WHERE run_id = r.id AND name = 'val_top1_error'
                ORDER BY step DESC LIMIT 1) AS val_top1_error,
               (SELECT value FROM metrics WHERE run_id = r.id AND name = 'val_top5_error'
                ORDER BY step DESC LIMIT 1) AS val_top5_error,
               (SELECT value FROM metrics WHERE run_id = r.id AND name = 'val_loss'
                ORDER BY step DESC LIMIT 1) AS val_loss,
               (SELECT value FROM metrics WHERE run_id = r.id AND name = 'train_loss'
                ORDER BY step DESC LIMIT 1) AS train_loss,
               r.died_at_step, r.error, r.run_key, r.config_json AS config
        FROM runs AS r LEFT JOIN experiments AS e ON e.id = r.experiment_id;
        """,
        // 2: the training configuration nests the model (`$.model.model`); show it with its width, and the
        // final test error.
        """
        DROP VIEW run_summary;
        CREATE VIEW run_summary AS
        SELECT r.id, r.name, e.name AS experiment, r.status,
               json_extract(r.config_json, '$.model.model') AS model,
               json_extract(r.config_json, '$.model.width') AS width, r.seed, r.step, r.total_steps,
               datetime(r.created_at, 'unixepoch') AS created, datetime(r.finished_at, 'unixepoch') AS finished,
               (SELECT value FROM metrics WHERE run_id = r.id AND name = 'val_top1_error'
                ORDER BY step DESC LIMIT 1) AS val_top1_error,
               (SELECT value FROM metrics WHERE run_id = r.id AND name = 'val_top5_error'
                ORDER BY step DESC LIMIT 1) AS val_top5_error,
               (SELECT value FROM metrics WHERE run_id = r.id AND name = 'val_loss'
                ORDER BY step DESC LIMIT 1) AS val_loss,
               (SELECT value FROM metrics WHERE run_id = r.id AND name = 'train_loss'
                ORDER BY step DESC LIMIT 1) AS train_loss,
               (SELECT value FROM metrics WHERE run_id = r.id AND name = 'test_top1_error'
                ORDER BY step DESC LIMIT 1) AS test_top1_error,
               r.died_at_step, r.error, r.run_key, r.config_json AS config
        FROM runs AS r LEFT JOIN experiments AS e ON e.id = r.experiment_id;
        """,
    ]
}
