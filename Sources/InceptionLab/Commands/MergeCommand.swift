import ArgumentParser
import Foundation
import ResultsStore
import RunContract

/// `inception-lab merge SHARD… [--into PATH]`: folds shard databases into the main one.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Fold shard databases (one per cluster task) into the main results database.",
        discussion: """
            One transaction per shard. Runs are matched by run key: a run the database lacks is copied; a run the \
            shard has further along (finished or diverged over killed over running over failed or queued, then \
            the higher step) takes the shard's state, its metrics upserted by (run, name, step), its events and \
            environment kept; otherwise the database's record stands. Merging again changes nothing. A run \
            finished in both with different metrics (timings aside) refuses the whole shard, naming both; the \
            other shards are still merged and the command exits with an error.
            """)

    @Argument(help: ArgumentHelp("Shard databases, such as results/shards/EXPERIMENT/*.sqlite.", valueName: "shard"))
    var shards: [String]
    @Option(help: ArgumentHelp("The main results database.", valueName: "path")) var into = DatabaseOption.defaultPath

    func validate() throws {
        guard !shards.isEmpty else { throw ValidationError("give the shard databases to merge") }
    }

    func run() throws {
        let store = try ResultsStore(path: into)
        var refused: [String] = []
        var counts: [ShardRunMerge.Action: Int] = [:]
        for shard in shards {
            do {
                for run in try store.merge(shard: shard, timing: Metric.timing) {
                    counts[run.action, default: 0] += 1
                    let before = run.databaseStatus.map { " (the database had it \($0.rawValue))" } ?? ""
                    print("\(shard): run \(run.name) (\(run.runKey)) \(run.shardStatus.rawValue) at step "
                          + "\(run.shardStep): \(run.action.rawValue)\(before)")
                }
            } catch {
                refused.append(shard)
                print("error: \(error)")
            }
        }
        print("merged \(shards.count - refused.count) of \(shards.count) shards into \(into): "
              + [ShardRunMerge.Action.added, .updated, .unchanged].map { "\(counts[$0] ?? 0) runs \($0.rawValue)" }
                .joined(separator: ", "))
        if !refused.isEmpty {
            fflush(nil)   // the lines above come before the error
            throw QueryError("not merged (see above): \(refused.joined(separator: ", "))")
        }
    }
}
