import ArgumentParser
import Foundation
import Reports
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

            An experiment whose spec text differs takes the shard's when the shard holds every run the database \
            holds of it and more (the later plan: more seeds, say), unless the two declare different hypotheses, \
            which refuses the shard: hypotheses are fixed before the runs.

            With --results-only, only the runs that ended with a result (finished or diverged) are merged; the \
            others are left in the shard, where they go on (a background sweep still under way, whose running and \
            killed runs should not enter the main database), and recorded in the database as queued if it lacks \
            them, with none of their progress, so that its reports count them among the runs still to come \
            (interim looks, docs/reports.md).
            """)

    @Argument(help: ArgumentHelp("Shard databases, such as results/shards/EXPERIMENT/*.sqlite.", valueName: "shard"))
    var shards: [String]
    @Option(help: ArgumentHelp("The main results database.", valueName: "path")) var into = DatabaseOption.defaultPath
    @Flag(help: "Merge only the runs that ended with a result (finished or diverged).") var resultsOnly = false

    func validate() throws {
        guard !shards.isEmpty else { throw ValidationError("give the shard databases to merge") }
    }

    func run() throws {
        let store = try ResultsStore(path: into)
        var refused: [String] = []
        var counts: [ShardRunMerge.Action: Int] = [:]
        for shard in shards {
            do {
                let runs = try Self.merge(shard, into: store, resultsOnly: resultsOnly)
                for run in runs {
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
              + Self.summary(counts, resultsOnly: resultsOnly))
        if !refused.isEmpty {
            fflush(nil)   // the lines above come before the error
            throw QueryError("not merged (see above): \(refused.joined(separator: ", "))")
        }
    }

    /// Folds the database `shard` into `store` (`ResultsStore.merge`), refusing it when one of its specs declares
    /// other hypotheses than the database's (`checkHypotheses`) and saying when a spec of the shard replaces the
    /// database's; returns what became of each of the shard's runs.
    static func merge(_ shard: String, into store: ResultsStore, resultsOnly: Bool) throws -> [ShardRunMerge] {
        try store.merge(shard: shard, timing: Metric.timing, resultsOnly: resultsOnly) { experiment, stored, newer in
            try checkHypotheses(of: experiment, stored: stored, shard: newer)
            print("\(shard): experiment \(experiment): the shard's spec replaces the database's "
                  + "(it plans every run the database holds and more; the same hypotheses)")
        }
    }

    /// `N runs added, N runs updated, N runs unchanged` (and `N runs recorded as queued, N runs left in the shard`
    /// when `resultsOnly`).
    static func summary(_ counts: [ShardRunMerge.Action: Int], resultsOnly: Bool) -> String {
        ([.added, .updated, .unchanged] + (resultsOnly ? [.recordedQueued, .leftInShard] : [])
            as [ShardRunMerge.Action])
            .map { "\(counts[$0] ?? 0) runs \($0.rawValue)" }.joined(separator: ", ")
    }

    /// Refuses a shard whose spec for `experiment` declares other hypotheses than the database's `stored` one
    /// (`Hypotheses.changed`): the runs already merged were judged by the stored ones.
    static func checkHypotheses(of experiment: String, stored: String, shard: String) throws {
        let changed = try Hypotheses(spec: shard).changed(from: try Hypotheses(spec: stored))
        guard !changed.isEmpty else { return }
        throw QueryError("the shard's spec of experiment '\(experiment)' declares other hypotheses than the "
                         + "database's for \(changed.map { "finding\($0)" }.joined(separator: ", ")); hypotheses are "
                         + "fixed once runs start, so merge it into another --into or restore the stored ones")
    }
}
