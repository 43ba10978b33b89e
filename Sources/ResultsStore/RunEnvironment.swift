import Foundation

/// Where and how a run was executed, recorded once per run (a resumed run's record replaces the earlier one).
/// A `Sendable` value.
public struct RunEnvironment: Sendable, Equatable {
    /// The source revision, e.g. a git commit with a `-dirty` suffix.
    public var codeRevision: String
    /// The machine's host name.
    public var host: String
    /// The CPU model string.
    public var cpuModel: String
    /// Threads used for computation.
    public var threads: Int
    /// The BLAS library and its configuration (e.g. OpenBLAS core type and thread count).
    public var blasConfig: String
    /// The Swift compiler version.
    public var swiftVersion: String
    /// A checksum of the dataset files (empty for synthetic data).
    public var datasetChecksum: String
    /// The command line that started the run.
    public var commandLine: String
    /// Anything else, as a JSON object.
    public var extraJSON: String

    /// Describes an environment; see the properties.
    public init(codeRevision: String, host: String, cpuModel: String, threads: Int, blasConfig: String,
                swiftVersion: String, datasetChecksum: String, commandLine: String, extraJSON: String = "{}") {
        self.codeRevision = codeRevision
        self.host = host
        self.cpuModel = cpuModel
        self.threads = threads
        self.blasConfig = blasConfig
        self.swiftVersion = swiftVersion
        self.datasetChecksum = datasetChecksum
        self.commandLine = commandLine
        self.extraJSON = extraJSON
    }

    /// The settings (`ComputeSetting.description`) the run computed with before it was resumed on this
    /// environment's, oldest first, where they differ from it (`extra_json`'s `earlier_settings`): the times of its
    /// earlier steps were measured there. Empty for a run that computed with one setting throughout.
    public var earlierSettings: [String] {
        let extra = try? JSONSerialization.jsonObject(with: Data(extraJSON.utf8)) as? [String: Any]
        return extra?[Self.earlierSettingsKey] as? [String] ?? []
    }

    /// The `extra_json` key of `earlierSettings`.
    public static let earlierSettingsKey = "earlier_settings"

    /// The `SELECT` list that `init(row:)` reads, in order (also the column order for inserting).
    public static let columns = """
        code_revision, host, cpu_model, threads, blas_config, swift_version, dataset_checksum, command_line, \
        extra_json
        """

    /// Reads a row selected with `columns`; all are NOT NULL in the schema.
    public init(row: [SQLValue]) {
        self.init(codeRevision: row[0].string!, host: row[1].string!, cpuModel: row[2].string!,
                  threads: row[3].int!, blasConfig: row[4].string!, swiftVersion: row[5].string!,
                  datasetChecksum: row[6].string!, commandLine: row[7].string!, extraJSON: row[8].string!)
    }

    /// The values in `columns` order, for binding.
    var values: [any SQLBindable] {
        [codeRevision, host, cpuModel, threads, blasConfig, swiftVersion, datasetChecksum, commandLine, extraJSON]
    }
}

extension Database {
    /// The environment recorded for run `id`, if any.
    func fetchEnvironment(run id: Int) throws -> RunEnvironment? {
        try query("SELECT \(RunEnvironment.columns) FROM environments WHERE run_id = ?", [id]).rows.first
            .map(RunEnvironment.init(row:))
    }
}
