import ArgumentParser
import Foundation
import Reports
import ResultsStore
import RunContract
import Runner
import Training

/// `inception-lab run SPEC… [--workers N] [--db PATH] [--threads T] [--shard I/N | --run-key KEY] [--time-limit M]
/// [--merge-into PATH]`: queues the experiments' runs (idempotently) and executes the queued ones, experiment after
/// experiment, or only a share of one experiment's.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Queue experiments' runs and execute them; run it again to resume.",
        discussion: """
            Runs are identified by their configuration and seed: finished runs are never run again, and a changed \
            spec adds only its new runs. Ctrl-C checkpoints the current run and marks it killed; the same command \
            resumes it first, then continues the queue. A run left `running` by a crashed process is marked killed \
            once its heartbeat is older than --stale-after seconds, and resumed. Several processes (or --workers) \
            may share one database: each run is claimed by exactly one of them. --shard I/N or --run-key KEY \
            queues and executes only part of the spec (docs/cluster.md): N copies of the command started by a \
            scheduler, each with its own --db, run every run exactly once; `inception-lab merge` collects them. \
            --threads is the total, shared among the workers (default: the number of cores). Several specs are \
            queued at once and worked through in the order given: each worker moves on to the next experiment as \
            soon as the current one has nothing left to claim, so no worker waits for another's last run. \
            --time-limit M starts only runs that `plan`'s estimate expects to end within M minutes of the command's \
            start, taking a shorter run further down the queue when the next would not fit, and stops when none \
            fits: a session or a cluster job with a time limit leaves its remaining runs queued instead of half done. \
            --merge-into PATH merges every run that ends with a result into a second database (the main one) as it \
            ends, as `inception-lab merge DB --into PATH --results-only` would, starting with the runs that ended \
            before the command (and recording there as queued the runs not ended yet, so that its reports are \
            interim looks until they end): a sweep kept in a database of its own loses none of its results with \
            its machine.
            """)

    @Argument(help: ArgumentHelp("Experiment specs (YAML; see Experiments/README.md), run in this order.",
                                 valueName: "spec"))
    var specs: [String]
    @OptionGroup var database: DatabaseOption
    @Option(help: "Worker processes, each claiming runs from the queue.") var workers = 1
    /// The backend, recorded in each run's environment, and the threads of the matrix products in total, shared
    /// among the workers (default: the number of cores).
    @OptionGroup(title: "Compute") var compute: ComputeOptions
    @Option(help: "Seconds without a heartbeat after which a running run is presumed dead.")
    var staleAfter = RunQueue.defaultStaleThreshold
    @Flag(help: "Put the experiment's failed runs back in the queue first.") var retryFailed = false
    @Option(help: ArgumentHelp("Also write TensorBoard events live into DIR/<run name>/.", valueName: "dir"))
    var tensorboard: String?
    @Option(help: ArgumentHelp("Only share I of N (0 ≤ I < N): the runs at positions I, I+N, … of the plan.",
                               valueName: "I/N"))
    var shard: String?
    @Option(help: ArgumentHelp("Only the run with this key (`inception-lab plan SPEC` lists them).", valueName: "key"))
    var runKey: String?
    @Option(help: ArgumentHelp(
        "Start only runs that `plan`'s estimate says end within this many minutes of now; stop when none does.",
        valueName: "minutes"))
    var timeLimit: Double?
    @Option(help: ArgumentHelp(
        "Merge each run that ends with a result into this database as it ends (as `merge --results-only` does).",
        valueName: "path"))
    var mergeInto: String?
    /// The time limit's end (UNIX seconds), as the command that started this worker computed it.
    @Option(help: .hidden) var deadline: Double?
    @Flag(help: .hidden) var worker = false
    /// When the runs were queued (UNIX seconds): a Slurm task's submission time (`SlurmScript`), recorded as the
    /// runs' `created_at` instead of the time this process inserts them.
    @Option(help: .hidden) var queuedAt: Double?

    func validate() throws {
        if specs.isEmpty { throw ValidationError("give at least one experiment spec, such as Experiments/quick.yaml") }
        if specs.count > 1 && (shard != nil || runKey != nil) {
            throw ValidationError("--shard and --run-key select from one spec; give only one")
        }
        if workers < 1 { throw ValidationError("--workers must be at least 1") }
        if let timeLimit, !(timeLimit > 0) {
            throw ValidationError("--time-limit must be a positive number of minutes, got \(timeLimit)")
        }
        if let mergeInto, Self.sameFile(mergeInto, database.path) {
            throw ValidationError("--merge-into names the database the runs are recorded in (--db); give the main "
                                  + "database, such as results/lab.sqlite, with --db elsewhere")
        }
        if staleAfter != 0 && staleAfter <= 10 {
            throw ValidationError("--stale-after must exceed the 10-second heartbeat interval, or be 0 for a database "
                                  + "that only this process writes (any run left running in it is dead)")
        }
        if staleAfter == 0 && workers > 1 {
            throw ValidationError("--stale-after 0 would let each worker mark the others' runs dead; "
                                  + "use it with one worker")
        }
    }

    func run() throws {
        let stop = StopFlag()
        stop.installSignalHandlers()   // before any compute thread starts
        let datasets = DatasetProvider()
        // Every spec is parsed and checked before anything is queued.
        let plans = try specs.map { try ExperimentArguments.plan($0, datasets: datasets) }
        let store = try ResultsStore(path: database.path)
        let selection = try RunSelection(shard: shard, runKey: runKey)
        let log = worker ? "[worker \(ProcessInfo.processInfo.processIdentifier)] " : ""
        for plan in plans { try plan.checkHypothesesUnchanged(in: store) }   // before any spec queues a run
        var queues: [RunQueue] = []
        for plan in plans {
            let before = try ResultsReader(path: database.path).statusCounts(experiment: plan.spec.name)
            let (experimentID, insertions) = try plan.insert(into: store, selection: selection, queuedAt: queuedAt)
            let queue = RunQueue(store: store, experimentID: experimentID, experimentName: plan.spec.name,
                                 checkpointDirectory: RunExecutor.checkpointDirectory(forDatabase: database.path),
                                 datasets: datasets,
                                 tensorBoard: tensorboard.map { URL(fileURLWithPath: $0, isDirectory: true) })
            queue.staleThreshold = staleAfter
            if selection != .all { queue.runIDs = insertions.map(\.id) }
            if !worker {
                let new = insertions.filter(\.inserted).count
                let selected = selection == .all ? "" : ", \(insertions.count) selected"
                say("experiment \(plan.spec.name): \(plan.runs.count) runs\(selected), \(new) newly queued; database "
                    + database.path)
                let ended = before.filter { $0.key.isTerminalResult }.values.reduce(0, +)
                if new > 0 && ended > 0 && queuedAt == nil { say("  " + Look.addedNote(added: new, ended: ended)) }
                if retryFailed {
                    for failed in insertions where failed.status == .failed { try store.requeue(run: failed.id) }
                }
            }
            for dead in try queue.recoverStaleRuns() {
                say("\(log)run \(dead.id) \(dead.name): \(dead.error ?? "presumed dead"); marked killed, resuming it")
            }
            queues.append(queue)
        }

        // Before any run starts: runs ended earlier go in, and a main database that refuses them says so now.
        if !worker, mergeInto != nil { try mergeEnded(log: log) }
        let deadline = self.deadline ?? timeLimit.map { Date().timeIntervalSince1970 + 60 * $0 }
        if workers > 1 {
            let pool = WorkerPool(arguments: ["run"] + specs + ["--db", database.path]
                                              + compute.arguments(sharedAmong: workers)
                                              + ["--stale-after", String(staleAfter), "--worker"] + selectionArguments
                                              + (tensorboard.map { ["--tensorboard", $0] } ?? [])
                                              + (deadline.map { ["--deadline", String($0)] } ?? [])
                                              + (mergeInto.map { ["--merge-into", $0] } ?? []),
                                  count: workers)
            try pool.run(stop: stop)
        } else {
            try compute.apply(sharedAmong: 1)
            for queue in queues where !stop.isSet {
                queue.timeLimit = deadline.map { .init(deadline: Date(timeIntervalSince1970: $0), setting: .current) }
                work(queue, stop: stop, log: log)
            }
        }
        if !worker { try printCounts(experiments: plans.map(\.spec.name), stopped: stop.isSet) }
    }

    /// `--shard` and `--run-key` as given, for the workers.
    private var selectionArguments: [String] {
        (shard.map { ["--shard", $0] } ?? []) + (runKey.map { ["--run-key", $0] } ?? [])
    }

    /// Works through the queue in this process, one line per claimed and ended run.
    private func work(_ queue: RunQueue, stop: StopFlag, log: String) {
        let display = worker ? nil : ProgressDisplay()
        queue.onClaim = { run in
            let start = switch queue.executor.start(of: run) {
            case .fresh: "starting"
            case .resume: "resuming from its last checkpoint"
            case .restart(let reason): reason
            }
            say("\(log)run \(run.id) \(run.name): \(start)")
        }
        queue.onProgress = display.map { d in { d.show($0) } }
        queue.onReport = { report in
            display?.finish()
            let outcome = report.outcome
            let final = outcome.flatMap { $0.finalMetrics[Metric.validationTop1] }
                .map { String(format: ", \(Metric.validationTop1) %.2f%%", 100 * $0) } ?? ""
            let died = outcome?.diedAtStep.map { ", died at step \($0)" } ?? ""
            let error = report.error.map { ": \($0)" } ?? ""
            say("\(log)run \(report.run.id) \(report.run.name): \(report.status)"
                  + (outcome.map { " at step \($0.step)" } ?? "") + died + final + error
                  + " (\(ProgressDisplay.duration(report.seconds)))")
            let ended = outcome.flatMap { RunStatus(rawValue: $0.status.rawValue) }?.isTerminalResult ?? false
            guard ended, mergeInto != nil else { return }
            do { try mergeEnded(log: log) } catch {
                say("\(log)not merged into \(mergeInto!): \(error); the run stays in \(database.path) (`inception-lab "
                    + "merge \(database.path) --into \(mergeInto!) --results-only` once the cause is fixed)")
            }
        }
        do { try queue.run(stop: stop) } catch {
            say("\(log)stopped: \(error)")
        }
        if let shortest = queue.leftForTime.min(by: { $0.seconds < $1.seconds }), let limit = queue.timeLimit {
            let left = ProgressDisplay.duration(max(0, limit.deadline.timeIntervalSinceNow))
            say("\(log)time limit: \(queue.leftForTime.count) run(s) of \(queue.experimentName) left for a later "
                + "command, none expected to end in the \(left) left (the shortest, run \(shortest.run.id) "
                + "\(shortest.run.name), needs about \(ProgressDisplay.duration(shortest.seconds)))")
        }
    }

    /// Merges the runs of --db that ended with a result into --merge-into (`MergeCommand.merge`), saying what
    /// changed.
    private func mergeEnded(log: String) throws {
        guard let mergeInto else { return }
        let runs = try MergeCommand.merge(database.path, into: try ResultsStore(path: mergeInto), resultsOnly: true)
        let counts = Dictionary(grouping: runs, by: \.action).mapValues(\.count)
        say("\(log)merged into \(mergeInto): " + MergeCommand.summary(counts, resultsOnly: true))
    }

    /// Whether the paths name one file (or would: neither need exist yet).
    private static func sameFile(_ a: String, _ b: String) -> Bool {
        func resolved(_ path: String) -> String { URL(fileURLWithPath: path).resolvingSymlinksInPath().path }
        return resolved(a) == resolved(b)
    }

    /// Prints how many of each experiment's runs are in each state; exits with status 1 when any failed, saying
    /// so in the last line.
    private func printCounts(experiments names: [String], stopped: Bool) throws {
        let reader = try ResultsReader(path: database.path)
        var failed: [Int] = []
        for name in names {
            let counts = try reader.statusCounts(experiment: name)
            say((names.count > 1 ? "experiment \(name): " : "")
                + RunStatus.allCases.filter { counts[$0]! > 0 }.map { "\(counts[$0]!) \($0.rawValue)" }
                    .joined(separator: ", "))
            failed += try reader.runs(RunFilter(status: .failed, experiment: name)).rows.compactMap { $0[0].int }
        }
        if stopped { say("stopped; run the same command again to resume") }
        if !failed.isEmpty {
            let option = database.path == DatabaseOption.defaultPath ? "" : " --db \(database.path)"
            say("\(failed.count) run(s) failed (\(failed.map { "run \($0)" }.joined(separator: ", "))): "
                + "`inception-lab show ID\(option)` gives the error; fix its cause, then run again with --retry-failed")
            throw ExitCode.failure
        }
    }

    /// Prints a line at once, also into a pipe or log file, so workers' lines appear as runs start and end.
    private func say(_ line: String) {
        print(line)
        fflush(nil)
    }
}
