import ArgumentParser
import Foundation
import ResultsStore

/// `inception-lab runs …`: the runs of the results database as rows of the `run_summary` view, filtered, after a
/// warning about runs that are presumed dead.
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

            A run still marked running whose heartbeat is over \(Int(Self.staleAfter)) s old is reported as \
            presumed dead on standard error; `inception-lab run` or `inception-lab train --resume` marks it \
            killed and resumes it. This command never changes the database.
            """)

    /// Seconds without a heartbeat after which a running run is presumed dead.
    static let staleAfter: Double = 120

    @OptionGroup var database: DatabaseOption

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

    func run() throws {
        let reader = try database.openReader()
        try warnAboutDeadRuns(reader)
        output.print(try reader.runs(RunFilter(status: status, experiment: experiment, name: name,
                                               expression: expression)))
    }

    /// Prints one line to standard error naming the running runs whose heartbeat is stale; reads only.
    private func warnAboutDeadRuns(_ reader: ResultsReader) throws {
        let cutoff = Date().timeIntervalSince1970 - Self.staleAfter
        let dead = try reader.query("""
            SELECT id FROM runs WHERE status = 'running' AND coalesce(heartbeat_at, started_at) < \(cutoff) ORDER BY id
            """).rows.map { String($0[0].int!) }
        guard !dead.isEmpty else { return }
        let runs = dead.count == 1 ? "run \(dead[0]) is" : "runs \(dead.joined(separator: ", ")) are"
        FileHandle.standardError.write(Data("""
            warning: \(runs) marked running but sent no heartbeat for over \(Int(Self.staleAfter)) s: presumed \
            dead; `inception-lab run` or `inception-lab train --resume` will resume \(dead.count == 1 ? "it" : "them")

            """.utf8))
    }
}

extension RunStatus: ExpressibleByArgument {}
