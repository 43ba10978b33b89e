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
            remaining steps × measured seconds per step: the run's own last step_time, else the mean step_time \
            of the database's runs with the same model, width and batch size; runs without any measurement are \
            counted apart. With a spec submitted by `inception-lab submit`, also the shard databases that \
            `inception-lab merge` would still change, and the job array's tasks that squeue lists (when Slurm \
            answers here).
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
            let store = FileManager.default.fileExists(atPath: database.path) ? try ResultsStore(path: database.path) : nil
            var lines: [String] = []
            for shard in shards {
                let file = shard.lastPathComponent
                do {
                    guard let store else {
                        // Without a database yet, merging would add every run of every shard.
                        _ = try ResultsStore(path: shard.path)   // migrated first, as for any reader
                        for row in try ResultsReader(path: shard.path).query("SELECT name, status, step FROM runs").rows {
                            lines.append("  \(file): run \(row[0].string!) \(row[1].string!) at step \(row[2].int!)")
                        }
                        continue
                    }
                    for run in try store.merge(shard: shard.path, timing: Metric.timing, dryRun: true,
                                               reviewSpec: MergeCommand.checkHypotheses)
                    where run.action != .unchanged {
                        lines.append("  \(file): run \(run.name) \(run.shardStatus.rawValue) at step \(run.shardStep), "
                                     + (run.databaseStatus.map { "\($0.rawValue) in the database" } ?? "not in the database"))
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
                  + "\(ShardLayout.relative(layout.slurmDirectory, to: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)))/)")
        }
        for state in Set(tasks.map(\.state)).sorted() {
            let ids = tasks.filter { $0.state == state }.map(\.task).sorted()
            print("Slurm job \(job): \(ids.count) \(state): \(ids.joined(separator: " "))")
        }
    }

    /// The database's runs of the experiment (or all): counts by state, runs in progress, time left.
    private func printDatabase(experiment name: String?) throws {
        let reader = try database.openReader()
        let counts = try reader.statusCounts(experiment: name)
        print((name.map { "experiment \($0): " } ?? "all runs: ")
              + RunStatus.allCases.map { "\(counts[$0]!) \($0.rawValue)" }.joined(separator: ", "))

        let filter = name.map { "AND r.experiment_id = (SELECT id FROM experiments WHERE name = '\($0.replacingOccurrences(of: "'", with: "''"))')" } ?? ""
        let shape = "r.config_json ->> '$.model.model', r.config_json ->> '$.model.width', r.config_json ->> '$.batchSize'"
        // Mean seconds per step by model, width and batch size, over every run that logged one.
        var measured: [String: Double] = [:]
        for row in try reader.query("""
            SELECT \(shape), avg(m.value) FROM metrics AS m JOIN runs AS r ON r.id = m.run_id
            WHERE m.name = 'step_time' GROUP BY 1, 2, 3
            """).rows {
            measured[Self.key(row)] = row[3].double
        }
        let statuses = RunStatus.unfinished.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let unfinished = try reader.query("""
            SELECT r.id, r.name, r.status, r.step, r.total_steps, r.heartbeat_at, r.owner, \(shape),
                   (SELECT value FROM metrics WHERE run_id = r.id AND name = 'step_time' ORDER BY step DESC LIMIT 1)
            FROM runs AS r WHERE r.status IN (\(statuses)) \(filter) ORDER BY r.id
            """).rows
        var secondsLeft = 0.0, unknown = 0
        let now = Date().timeIntervalSince1970
        for row in unfinished {
            let step = row[3].int!, total = row[4].int
            let perStep = row[10].double ?? measured[Self.key(Array(row[7...9]))]
            let left = total.flatMap { t in perStep.map { Double(max(0, t - step)) * $0 } }
            if let left { secondsLeft += left } else { unknown += 1 }
            guard row[2].string == RunStatus.running.rawValue else { continue }
            let progress = total.map { "step \(step)/\($0) (\(Int(100 * Double(step) / Double(max($0, 1))))%)" } ?? "step \(step)"
            let beat = row[5].double.map { "heartbeat \(Int(now - $0)) s ago" } ?? "no heartbeat yet"
            let rate = perStep.map { String(format: "%.3f s/step", $0) } ?? "no step time yet"
            print("running: run \(row[0].int!) \(row[1].string!) on \(row[6].string ?? "?"): \(progress), \(beat), "
                  + "\(rate), ETA \(left.map(ProgressDisplay.duration) ?? "?")")
        }
        if !unfinished.isEmpty {
            print("time left for \(unfinished.count - unknown) unfinished runs: about "
                  + "\(ProgressDisplay.duration(secondsLeft)) in one process"
                  + (unknown > 0 ? "; \(unknown) more without a measured step time (see `inception-lab plan SPEC`)" : ""))
        }
    }

    /// `model@width@batch` from three result columns.
    private static func key(_ columns: [SQLValue]) -> String {
        "\(columns[0].string ?? "")@\(columns[1].double ?? 0)@\(columns[2].int ?? 0)"
    }
}
