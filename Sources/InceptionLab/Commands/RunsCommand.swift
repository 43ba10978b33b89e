import ArgumentParser
import Foundation
import ResultsStore
import Runner

/// `inception-lab runs …`: the runs of the results database as rows of the `run_summary` view, filtered, with
/// each running run's heartbeat age and whether it is presumed dead, after a warning about the dead ones.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List runs with their status, progress and final metrics.",
        discussion: """
            Columns: id, name, experiment, status, model, seed, step, total_steps, created, finished (UTC), and \
            the last val_top1_error, val_top5_error, val_loss and train_loss.

            --where takes an SQL expression over any column of the run_summary view (the columns above and \
            died_at_step, error, run_key, config); configuration fields are read with ->> and a JSON path:
              inception-lab runs --where "val_top1_error < 0.2"
              inception-lab runs --where "config ->> '$.model.width' = 0.5"
              inception-lab runs --where "model LIKE 'inception-resnet%' AND step < total_steps"
            The database is opened read-only: an expression can read anything and change nothing.

            Two more columns close each row: heartbeat_age_s, the seconds since a running run's last heartbeat \
            (null for a run not running), and presumed_dead, true for a running run whose owner is gone: a process \
            of this host that no longer exists, or an owner whose heartbeat is older than --stale-after and that \
            is not a live inception-lab process of this host, which may be stopped but is not dead (in JSON a \
            boolean, e.g. "presumed_dead": true, "heartbeat_age_s": 3605.2). The dead \
            runs are also named on standard error; `inception-lab run` or `inception-lab train --resume` marks \
            them killed and resumes them. This command never changes the database.
            """)

    @OptionGroup var database: DatabaseOption

    @Option(help: "Seconds without a heartbeat after which a running run is presumed dead.")
    var staleAfter = RunQueue.defaultStaleThreshold

    @Option(help: "Only runs in this status.")
    var status: RunStatus?

    @Option(help: "Only runs of the experiment with this name.")
    var experiment: String?

    @Option(help: ArgumentHelp("Only runs whose name matches this SQL LIKE pattern (% any text, _ one character).",
                               valueName: "pattern"))
    var name: String?

    @Option(name: .customLong("where"),
            help: ArgumentHelp("Only runs for which this SQL expression over run_summary's columns holds.",
                               valueName: "expr"))
    var expression: String?

    @OptionGroup var output: OutputFormatOptions

    func validate() throws {
        if staleAfter <= 0 { throw ValidationError("--stale-after must be a positive number of seconds") }
    }

    func run() throws {
        let reader = try database.openReader()
        let running = try reader.runningRuns(staleAfter: staleAfter)
        let dead = running.compactMap { run in run.deathReason.map { (run.id, $0) } }
        if !dead.isEmpty { warn(dead: dead) }
        let runningByID = Dictionary(uniqueKeysWithValues: running.map { ($0.id, $0) })
        var table = try reader.runs(RunFilter(status: status, experiment: experiment, name: name,
                                              expression: expression))
        table.columns += ["heartbeat_age_s", "presumed_dead"]
        table.booleanColumns.insert("presumed_dead")
        table.rows = table.rows.map { row in
            let run = runningByID[row[0].int!]
            let age = run.map(\.heartbeatAge).flatMap { $0.isFinite ? $0 : nil }   // infinite: never heard of
            return row + [age.map { .real(($0 * 10).rounded() / 10) } ?? .null,
                          .integer(run?.deathReason != nil ? 1 : 0)]
        }
        output.print(table)
    }

    /// Prints a line to standard error for each running run presumed dead, with the reason.
    private func warn(dead: [(id: Int, reason: String)]) {
        for (id, reason) in dead {
            FileHandle.standardError.write(Data("warning: run \(id) is marked running but \(reason)\n".utf8))
        }
        FileHandle.standardError.write(Data("""
            `inception-lab run` or `inception-lab train --resume` will mark \(dead.count == 1 ? "it" : "them") killed \
            and resume \(dead.count == 1 ? "it" : "them")

            """.utf8))
    }
}

extension RunStatus: ExpressibleByArgument {}
