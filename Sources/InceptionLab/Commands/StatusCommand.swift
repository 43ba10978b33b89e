import ArgumentParser
import Foundation
import ResultsStore
import RunContract
import Runner

/// `inception-lab status [SPEC] [--db PATH]`: runs by state, the runs in progress with their progress, and the
/// time the unfinished runs still need; for a spec submitted to a cluster, its shards not merged yet and its
/// Slurm tasks.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show an experiment's runs by state, the runs in progress, and the estimated time left.",
        discussion: """
            Progress is the step of the last heartbeat (every 10 s) out of the run's total steps. Time left is \
            `plan`'s estimate for the remaining steps and evaluations (`inception-lab plan --help`: multiply-adds \
            over the training throughput that runs in the database logged), by the runs of the setting a started \
            run computes with (the run itself included), a queued run's by those of the setting the running runs \
            share (their processes will take it), else by the runs of every setting; runs whose \
            dataset does not load here are counted apart. With a spec submitted by `inception-lab submit`, also the \
            shard databases that `inception-lab merge` would still change, and the job array's tasks that squeue \
            lists (when Slurm answers here).
            """)

    @Argument(help: ArgumentHelp("An experiment spec; without it, the whole database.", valueName: "spec"))
    var spec: String?
    @OptionGroup var database: DatabaseOption

    func run() throws {
        let name = try spec.map { try ExperimentSpec(contentsOf: $0).name }
        let layout = name.map { ShardLayout(experiment: $0, databasePath: database.path) }
        if let layout, !layout.shards().isEmpty, !FileManager.default.fileExists(atPath: database.path) {
            print("no results database at \(database.path) yet: `inception-lab merge` creates it")
        } else {
            try printDatabase(experiment: name)
        }
        if let layout { try printCluster(layout) }
    }

    /// The shards `merge` would still change, and the last job array's tasks in squeue.
    private func printCluster(_ layout: ShardLayout) throws {
        let shards = layout.shards()
        if !shards.isEmpty {
            let store = FileManager.default.fileExists(atPath: database.path)
                ? try ResultsStore(path: database.path) : nil
            var lines: [String] = []
            for shard in shards {
                let file = shard.lastPathComponent
                do {
                    guard let store else {
                        // Without a database yet, merging would add every run of every shard.
                        _ = try ResultsStore(path: shard.path)   // migrated first, as for any reader
                        for row in try ResultsReader(path: shard.path)
                            .query("SELECT name, status, step FROM runs").rows {
                            lines.append("  \(file): run \(row[0].string!) \(row[1].string!) at step \(row[2].int!)")
                        }
                        continue
                    }
                    for run in try store.merge(shard: shard.path, timing: Metric.timing, dryRun: true,
                                               reviewSpec: MergeCommand.checkHypotheses)
                    where run.action != .unchanged {
                        lines.append("  \(file): run \(run.name) \(run.shardStatus.rawValue) at step \(run.shardStep), "
                                     + (run.databaseStatus.map { "\($0.rawValue) in the database" }
                                        ?? "not in the database"))
                    }
                } catch {
                    lines.append("  \(file): merge would refuse it: \(error)")
                }
            }
            let directory = ShardLayout.relative(layout.shardDirectory,
                                                 to: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            let unmerged = Set(lines.map { $0.split(separator: ":")[0] }).count
            print("shards in \(directory)/: \(shards.count), \(unmerged) not merged yet"
                  + (lines.isEmpty ? "" : " (inception-lab merge \(directory)/*.sqlite --into \(database.path)):"))
            lines.forEach { print($0) }
        }
        guard let job = layout.lastJobID() else { return }
        guard Slurm.answers else {
            print("Slurm job \(job): no Slurm controller answers here (sinfo); run status where squeue works")
            return
        }
        let tasks = try Slurm.tasks(ofJob: job)
        if tasks.isEmpty {
            print("Slurm job \(job): no task left in squeue (the array has ended; output in "
                  + ShardLayout.relative(layout.slurmDirectory,
                                         to: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) + "/)")
        }
        for state in Set(tasks.map(\.state)).sorted() {
            let ids = tasks.filter { $0.state == state }.map(\.task).sorted()
            print("Slurm job \(job): \(ids.count) \(state): \(ids.joined(separator: " "))")
        }
    }

    /// The database's runs of the experiment (or all, and each experiment's): counts by state, runs in progress,
    /// time left.
    private func printDatabase(experiment name: String?) throws {
        let reader = try database.openReader()
        let counts = try reader.statusCounts(experiment: name)
        print((name.map { "experiment \($0): " } ?? "all runs: ")
              + RunStatus.allCases.map { "\(counts[$0]!) \($0.rawValue)" }.joined(separator: ", "))
        if name == nil {
            // Each experiment's own counts, in the order they were first run, those it has none of left out.
            for row in try reader.query("SELECT name FROM experiments ORDER BY id").rows {
                let counts = try reader.statusCounts(experiment: row[0].string!)
                let nonzero = RunStatus.allCases.filter { counts[$0]! > 0 }
                guard !nonzero.isEmpty else { continue }
                print("  \(row[0].string!): " + nonzero.map { "\(counts[$0]!) \($0.rawValue)" }.joined(separator: ", "))
            }
        }

        let filter = name.map { name in
            let literal = "'" + name.replacingOccurrences(of: "'", with: "''") + "'"
            return "AND r.experiment_id = (SELECT id FROM experiments WHERE name = \(literal))"
        } ?? ""
        let statuses = RunStatus.unfinished.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let unfinished = try reader.query("""
            SELECT r.id, r.name, r.status, r.step, r.total_steps, r.heartbeat_at, r.owner, r.config_json,
                   e.cpu_model, e.blas_config, e.threads
            FROM runs AS r LEFT JOIN environments AS e ON e.run_id = r.id
            WHERE r.status IN (\(statuses)) \(filter) ORDER BY r.id
            """).rows
        guard !unfinished.isEmpty else { return }
        var cost = try CostEstimate(reader: reader)
        // The setting of the processes running now, when they share one: the one that will take the queued runs.
        let running = Set(unfinished.filter { $0[2].string == RunStatus.running.rawValue }
            .compactMap { ComputeSetting(recorded: $0[8...10]) })
        let queuedSetting = running.count == 1 ? running.first : nil
        let datasets = DatasetProvider()
        var seconds: [Double] = [], unknown: [String: Int] = [:], workers = Set<String>()
        let now = Date().timeIntervalSince1970
        for row in unfinished {
            let step = row[3].int!
            var estimate: CostEstimate.Estimate?
            do {
                let config = try JSONDecoder().decode(TrainingConfig.self, from: Data(row[7].string!.utf8))
                let dataset = try datasets.dataset(named: config.data.name, directory: config.data.directory)
                let setting = ComputeSetting(recorded: row[8...10]) ?? queuedSetting
                let run = PlannedRun(name: row[1].string!, point: "", config: config, dataset: dataset)
                estimate = try cost.estimate(run, fromStep: step, setting: setting)
                seconds.append(estimate!.seconds)
            } catch {
                unknown["\(error)", default: 0] += 1
            }
            guard row[2].string == RunStatus.running.rawValue else { continue }
            workers.insert(row[6].string ?? "?")
            let total = row[4].int
            let progress = total.map { "step \(step)/\($0) (\(Int(100 * Double(step) / Double(max($0, 1))))%)" }
                ?? "step \(step)"
            let beat = row[5].double.map { "heartbeat \(Int(now - $0)) s ago" } ?? "no heartbeat yet"
            let rate = estimate.map { e in
                String(format: "%.0f training images/s", e.macsPerSecond / 3 / Double(e.macsPerImage))
                    + (e.source == .sameSetting ? "" : " (\(e.source.rawValue))")
            } ?? "no estimate"
            print("running: run \(row[0].int!) \(row[1].string!) on \(row[6].string ?? "?"): \(progress), \(beat), "
                  + "\(rate), ETA \(estimate.map { ProgressDisplay.duration($0.seconds) } ?? "?")")
        }
        let parallel = workers.count > 1
            ? ", \(ProgressDisplay.duration(CostEstimate.wallTime(seconds, workers: workers.count))) with the "
                + "\(workers.count) processes running now" : ""
        print("time left for \(seconds.count) unfinished run\(seconds.count == 1 ? "" : "s"): about "
              + "\(ProgressDisplay.duration(seconds.reduce(0, +))) in one process\(parallel)")
        for (problem, count) in unknown.sorted(by: { $0.key < $1.key }) {
            print("no estimate for \(count) more: \(problem)")
        }
    }
}
