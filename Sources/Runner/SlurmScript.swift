import Foundation

/// The sbatch script of a job array that runs an experiment's frozen plan, one run per task (docs/cluster.md).
///
/// Each task looks up its run key in the plan file and runs `inception-lab run` on the frozen spec with
/// `--run-key`, into its own shard database, with as many OpenBLAS threads as the task has CPUs
/// (`SLURM_CPUS_PER_TASK`). The run goes through `srun`, as a job step: `scancel --signal=TERM`, preemption and
/// the time limit send SIGTERM to it, and it checkpoints and marks its run killed; a requeued task resumes it
/// (`--stale-after 0`: a run its shard shows running was left by a task that is gone). A `Sendable` value.
public struct SlurmScript: Sendable, Equatable {
    /// What sbatch is asked for.
    public struct Resources: Sendable, Equatable {
        /// CPUs of each task, and so the OpenBLAS threads of its run.
        public var cpusPerTask: Int
        /// Time limit of each task in a Slurm format (`MM`, `HH:MM:SS`, `D-HH:MM`, …); nil: the partition's.
        public var time: String?
        /// Partition; nil: the cluster's default.
        public var partition: String?
        /// Memory per task (`4G`, `500M`); nil: the cluster's default.
        public var memory: String?
        /// Tasks running at once at most (`--array=…%MAX`); nil: no cap.
        public var maxParallel: Int?
        /// Whether Slurm may requeue a task (node failure, preemption).
        public var requeue: Bool

        public init(cpusPerTask: Int, time: String? = nil, partition: String? = nil, memory: String? = nil,
                    maxParallel: Int? = nil, requeue: Bool = true) {
            self.cpusPerTask = cpusPerTask
            self.time = time
            self.partition = partition
            self.memory = memory
            self.maxParallel = maxParallel
            self.requeue = requeue
        }

        /// Refuses values sbatch would reject, before anything is written or submitted.
        public func validate() throws(SlurmError) {
            if cpusPerTask < 1 { throw SlurmError("--cpus-per-task must be at least 1") }
            if let maxParallel, maxParallel < 1 { throw SlurmError("--max-parallel must be at least 1") }
            if let time, time.wholeMatch(of: /(\d+-)?\d+(:\d+){0,2}/) == nil {
                throw SlurmError("--time \(time): expected minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS")
            }
            if let memory, memory.wholeMatch(of: /\d+[KMGT]?/) == nil {
                throw SlurmError("--mem \(memory): expected a size such as 4G, 500M or 2000 (megabytes)")
            }
            if let partition, partition.isEmpty || partition.contains(where: { $0.isWhitespace || $0 == "'" }) {
                throw SlurmError("--partition '\(partition)': expected a partition name (see `sinfo`)")
            }
        }
    }

    /// The script's text.
    public let text: String

    /// The script for `taskCount` runs of `layout`'s experiment, run by the `inception-lab` at `executable`,
    /// from `directory` (the submit directory: the paths in the script are relative to it). Every task records its
    /// run as queued at `queuedAt` (UNIX seconds, whole: the submission), however late it starts.
    public init(layout: ShardLayout, taskCount: Int, resources: Resources, executable: String, directory: URL,
                commandLine: String, queuedAt: Int) {
        func path(_ url: URL) -> String { ShardLayout.relative(url, to: directory) }
        let shards = path(layout.shardDirectory)
        var options = [
            "--job-name=\(layout.experiment)",
            "--array=0-\(taskCount - 1)" + (resources.maxParallel.map { "%\($0)" } ?? ""),
            "--cpus-per-task=\(resources.cpusPerTask)",
        ]
        if let time = resources.time { options.append("--time=\(time)") }
        if let memory = resources.memory { options.append("--mem=\(memory)") }
        if let partition = resources.partition { options.append("--partition=\(partition)") }
        options.append(resources.requeue ? "--requeue" : "--no-requeue")
        options += [
            "--chdir=\(directory.standardizedFileURL.path)",
            "--output=\(path(layout.slurmDirectory))/%A_%a.out",
            "--open-mode=append",
        ]
        text = """
            #!/bin/bash
            # Experiment \(layout.experiment): \(taskCount) runs, one per task of this job array.
            # Written by: \(commandLine)
            # Task i runs the run on line i of \(path(layout.planFile)) into its own database
            # \(shards)/RUN_KEY.sqlite, with its checkpoints in \(shards)/checkpoints/.
            # Collect the results with: inception-lab merge \(shards)/*.sqlite
            \(options.map { "#SBATCH \($0)" }.joined(separator: "\n"))
            set -euo pipefail
            key=$(awk -F'\\t' -v task="$SLURM_ARRAY_TASK_ID" '$1 == task { print $2 }' \(path(layout.planFile)))
            echo "task ${SLURM_ARRAY_JOB_ID}_$SLURM_ARRAY_TASK_ID (restart ${SLURM_RESTART_COUNT:-0}) on $(hostname): run $key"
            # A job step, so that scancel --signal=TERM, preemption and the time limit reach the run itself.
            exec srun --cpus-per-task="$SLURM_CPUS_PER_TASK" \(executable) run \(path(layout.specFile)) \\
                --run-key "$key" --db "\(shards)/$key.sqlite" --threads "$SLURM_CPUS_PER_TASK" --stale-after 0 --retry-failed \\
                --queued-at \(queuedAt)

            """
    }
}

/// Running Slurm's commands: `sbatch` and `squeue`.
public enum Slurm {
    /// Whether a Slurm controller answers here (`sinfo` succeeds).
    public static var answers: Bool { (try? run("sinfo", ["-h"])) != nil }

    /// Submits `script` and returns the job id.
    public static func submit(script: URL) throws(SlurmError) -> String {
        let output = try run("sbatch", ["--parsable", script.path])
        // --parsable prints `JOBID` or `JOBID;CLUSTER`.
        return String(output.split(separator: ";").first ?? "")
    }

    /// The tasks of job array `jobID` that squeue still lists: (task id `JOB_INDEX`, state such as `RUNNING`,
    /// `PENDING`), one per task; empty once the array has ended.
    public static func tasks(ofJob jobID: String) throws(SlurmError) -> [(task: String, state: String)] {
        // squeue forgets an ended job after a while and then calls its id invalid: no tasks either way.
        guard let output = try? run("squeue", ["-h", "-r", "-j", jobID, "-o", "%i %T"]) else { return [] }
        return output.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }
    }

    /// Runs `program` from PATH and returns its trimmed standard output; a failure carries its standard error.
    @discardableResult
    public static func run(_ program: String, _ arguments: [String]) throws(SlurmError) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        do { try process.run() } catch { throw SlurmError("cannot start \(program): \(error)") }
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: err, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw SlurmError("\(([program] + arguments).joined(separator: " ")) failed (status "
                             + "\(process.terminationStatus)): \(message.isEmpty ? "no message" : message)")
        }
        return String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A refused Slurm setting or a failed Slurm command. A `Sendable` value.
public struct SlurmError: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(_ description: String) { self.description = description }
}
