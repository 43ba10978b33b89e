import ArgumentParser
import Foundation
import Reports
import ResultsStore
import Runner

/// `inception-lab submit SPEC --slurm [--dry-run] [--cpus-per-task C] [--time T] [--partition P] [--mem M]
/// [--max-parallel K] [--no-requeue] [--db PATH]`: the spec's unfinished runs as one Slurm job array.
struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit an experiment's unfinished runs to a cluster: one Slurm array task per run.",
        discussion: """
            Plans the spec and freezes the runs still to do (neither finished nor diverged in --db or in their \
            shard) into results/shards/EXPERIMENT/plan.tsv beside a copy of the spec, queues them in --db (merge \
            brings their results; until then its reports are interim looks), writes the sbatch script \
            results/slurm/EXPERIMENT/array.sbatch and submits it. Each task writes its run to its own database, \
            results/shards/EXPERIMENT/RUN_KEY.sqlite, checkpoints beside it, and resumes when requeued. Collect the \
            results with `inception-lab merge results/shards/EXPERIMENT/*.sqlite`; `inception-lab status SPEC` \
            shows the tasks and the shards not merged yet. The shards and Slurm files go beside --db. See \
            docs/cluster.md.
            """)

    @OptionGroup var experiment: ExperimentArguments
    /// The main results database; the shards and Slurm files go beside it.
    @OptionGroup var database: DatabaseOption
    @Flag(help: "Submit to Slurm with sbatch (the only scheduler supported).") var slurm = false
    @Flag(help: "Print the sbatch script; write and submit nothing.") var dryRun = false
    @Option(help: "CPUs per task, and so OpenBLAS threads per run.") var cpusPerTask = 1
    @Option(help: ArgumentHelp("Time limit per task (HH:MM:SS, D-HH:MM, …; default: the partition's).",
                               valueName: "time"))
    var time: String?
    @Option(help: "Partition (default: the cluster's).") var partition: String?
    @Option(help: ArgumentHelp("Memory per task, such as 4G (default: the cluster's).", valueName: "size"))
    var mem: String?
    @Option(help: "Tasks running at once at most (sbatch --array=…%MAX; default: no cap).") var maxParallel: Int?
    @Flag(inversion: .prefixedNo, help: "Let Slurm requeue a task after a node failure or preemption.")
    var requeue = true

    private var resources: SlurmScript.Resources {
        SlurmScript.Resources(cpusPerTask: cpusPerTask, time: time, partition: partition, memory: mem,
                              maxParallel: maxParallel, requeue: requeue)
    }

    func validate() throws {
        guard slurm else { throw ValidationError("choose the scheduler: --slurm (the only one supported)") }
        try resources.validate()
    }

    func run() throws {
        let plan = try experiment.plan()
        let layout = ShardLayout(experiment: plan.spec.name, databasePath: database.path)
        if FileManager.default.fileExists(atPath: database.path) {
            try plan.checkHypothesesUnchanged(in: try ResultsStore(path: database.path))
        }
        let done = try finishedRunKeys(layout)
        let todo = plan.runs.filter { !done.contains($0.runKey) }
        guard !todo.isEmpty else {
            print("experiment \(plan.spec.name): all \(plan.runs.count) runs finished (in \(database.path) "
                  + "or their shards); nothing to submit")
            return
        }
        let directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let commandLine = (["inception-lab"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let queuedAt = Int(Date().timeIntervalSince1970)
        let script = SlurmScript(layout: layout, taskCount: todo.count, resources: resources, executable: executable,
                                 directory: directory, commandLine: commandLine, queuedAt: queuedAt)
        if dryRun {
            print(script.text, terminator: "")
            return
        }
        if let job = layout.lastJobID(), Slurm.answers, !(try Slurm.tasks(ofJob: job)).isEmpty {
            throw QueryError("""
                job \(job) of experiment \(plan.spec.name) still has tasks in squeue; its tasks read \
                \(layout.planFile.path), which a new submission would replace. Wait for it (inception-lab status \
                \(experiment.spec)) or cancel it (scancel \(job)) first
                """)
        }
        let files = FileManager.default
        try files.createDirectory(at: layout.shardDirectory, withIntermediateDirectories: true)
        // The main database holds the submitted runs as queued until `merge` brings their results, so that a report
        // read before every shard is merged is an interim look (docs/reports.md, "Looks").
        let added = try plan.insert(into: ResultsStore(path: database.path), queuedAt: Double(queuedAt)).runs
            .filter(\.inserted).count
        try files.createDirectory(at: layout.slurmDirectory, withIntermediateDirectories: true)
        try plan.spec.text.write(to: layout.specFile, atomically: true, encoding: .utf8)
        try FrozenPlan.text(todo).write(to: layout.planFile, atomically: true, encoding: .utf8)
        try script.text.write(to: layout.scriptFile, atomically: true, encoding: .utf8)
        let job = try Slurm.submit(script: layout.scriptFile)
        try (job + "\n").write(to: layout.jobIDFile, atomically: true, encoding: .utf8)
        let cap = maxParallel.map { ", at most \($0) at a time" } ?? ""
        print("""
            experiment \(plan.spec.name): \(todo.count) of \(plan.runs.count) runs to do, submitted as job array \
            \(job) (\(todo.count) tasks\(cap), \(cpusPerTask) CPU\(cpusPerTask == 1 ? "" : "s") each)
            script \(ShardLayout.relative(layout.scriptFile, to: directory)), plan \
            \(ShardLayout.relative(layout.planFile, to: directory)), task output in \
            \(ShardLayout.relative(layout.slurmDirectory, to: directory))/
            follow it with `inception-lab status \(experiment.spec)`; then `inception-lab merge \
            \(ShardLayout.relative(layout.shardDirectory, to: directory))/*.sqlite`
            """)
        if added > 0 && todo.count < plan.runs.count {
            print("  " + Look.addedNote(added: added, ended: plan.runs.count - todo.count))
        }
    }

    /// The run keys that reached their end (finished or diverged) in the main database or in their own shard.
    private func finishedRunKeys(_ layout: ShardLayout) throws -> Set<String> {
        var keys = Set<String>()
        let databases = (FileManager.default.fileExists(atPath: database.path) ? [database.path] : [])
            + layout.shards().map(\.path)
        for path in databases {
            _ = try ResultsStore(path: path)   // migrated first, as for any reader
            for row in try ResultsReader(path: path).query("SELECT run_key, status FROM runs").rows
            where RunStatus(rawValue: row[1].string!)!.isTerminalResult {
                keys.insert(row[0].string!)
            }
        }
        return keys
    }
}
