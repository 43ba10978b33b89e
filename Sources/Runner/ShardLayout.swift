import Foundation

/// Where a sweep split across machines keeps its files, beside the main database (`results/lab.sqlite` gives
/// `results/…`), all on the shared filesystem:
///
/// - `shards/EXPERIMENT/RUN_KEY.sqlite`: one database per run, written by the one task that runs it (SQLite's
///   locking is not to be trusted over NFS, so tasks never share a file), with its checkpoints in
///   `shards/EXPERIMENT/checkpoints/RUN_KEY.safetensors`;
/// - `shards/EXPERIMENT/spec.yaml` and `plan.tsv`: the spec and the runs to do, frozen when the job was submitted;
/// - `slurm/EXPERIMENT/`: the sbatch script, the job id and each task's output.
///
/// A `Sendable` value.
public struct ShardLayout: Sendable {
    /// The experiment's name.
    public let experiment: String
    /// The main database's directory.
    public let root: URL

    /// The layout of `experiment` beside the main database at `databasePath`.
    public init(experiment: String, databasePath: String) {
        self.experiment = experiment
        root = URL(fileURLWithPath: databasePath).deletingLastPathComponent()
    }

    /// `shards/EXPERIMENT/`.
    public var shardDirectory: URL { root.appendingPathComponent("shards").appendingPathComponent(experiment) }
    /// The spec as submitted, which every task reads: editing the original afterwards changes nothing running.
    public var specFile: URL { shardDirectory.appendingPathComponent("spec.yaml") }
    /// The runs to do, one per array task (see `FrozenPlan`).
    public var planFile: URL { shardDirectory.appendingPathComponent("plan.tsv") }
    /// `slurm/EXPERIMENT/`: the script, the job id, the tasks' output.
    public var slurmDirectory: URL { root.appendingPathComponent("slurm").appendingPathComponent(experiment) }
    /// The sbatch script.
    public var scriptFile: URL { slurmDirectory.appendingPathComponent("array.sbatch") }
    /// The id of the last job array submitted.
    public var jobIDFile: URL { slurmDirectory.appendingPathComponent("job-id") }

    /// The shard database of the run with key `runKey`.
    public func shard(runKey: String) -> URL { shardDirectory.appendingPathComponent("\(runKey).sqlite") }

    /// The shard databases present, by name.
    public func shards() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: shardDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".sqlite") }.sorted().map { shardDirectory.appendingPathComponent($0) }
    }

    /// The job id of the last submission, if any.
    public func lastJobID() -> String? {
        (try? String(contentsOf: jobIDFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `path` relative to `directory` when it lies inside it (for readable scripts), else absolute.
    public static func relative(_ url: URL, to directory: URL) -> String {
        let path = url.standardizedFileURL.path, base = directory.standardizedFileURL.path + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }
}

/// The frozen list of runs a job array does: `plan.tsv`, a header line then `task<TAB>run_key<TAB>name` per run,
/// task numbers from 0 (the array's indices). The sbatch script picks its run key with `awk`.
public enum FrozenPlan {
    /// The file's text for `runs`, task `i` being `runs[i]`.
    public static func text(_ runs: [PlannedRun]) -> String {
        "# task\trun_key\tname\n"
            + runs.enumerated().map { "\($0.offset)\t\($0.element.runKey)\t\($0.element.name)\n" }.joined()
    }
}
