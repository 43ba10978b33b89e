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
            (null for a run not running), and presumed_dead, true for a running run whose heartbeat is older than \
            --stale-after (in JSON a boolean, e.g. "presumed_dead": true, "heartbeat_age_s": 3605.2). The dead \
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
        let ages = try heartbeatAges(reader)
        let dead = ages.filter { $0.value > staleAfter }.keys.sorted()
        if !dead.isEmpty { warn(dead: dead) }
        var table = try reader.runs(RunFilter(status: status, experiment: experiment, name: name,
                                              expression: expression))
        table.columns += ["heartbeat_age_s", "presumed_dead"]
        table.booleanColumns.insert("presumed_dead")
        table.rows = table.rows.map { row in
            let age = ages[row[0].int!]
            return row + [age.map { .real(($0 * 10).rounded() / 10) } ?? .null,
                          .integer(age.map { $0 > staleAfter } == true ? 1 : 0)]
        }
        output.print(table)
    }

    /// Seconds since the last heartbeat (or the start, before the first) of every running run, by id.
    private func heartbeatAges(_ reader: ResultsReader) throws -> [Int: Double] {
        let now = Date().timeIntervalSince1970
        let rows = try reader.query("SELECT id, coalesce(heartbeat_at, started_at) FROM runs "
                                    + "WHERE status = 'running'").rows
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0].int!, now - ($0[1].double ?? now)) })
    }

    /// Prints one line to standard error naming the running runs whose heartbeat is stale.
    private func warn(dead: [Int]) {
        let runs = dead.count == 1 ? "run \(dead[0]) is" : "runs \(dead.map(String.init).joined(separator: ", ")) are"
        FileHandle.standardError.write(Data("""
            warning: \(runs) marked running but sent no heartbeat for over \(Int(staleAfter)) s: presumed \
            dead; `inception-lab run` or `inception-lab train --resume` will resume \(dead.count == 1 ? "it" : "them")

            """.utf8))
    }
}

extension RunStatus: ExpressibleByArgument {}
