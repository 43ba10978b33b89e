import ArgumentParser
import ResultsStore

/// `inception-lab metrics RUN [--name NAME]`: one metric's series for a run, or the names of the metrics the run
/// recorded.
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Print a run's metric series (step, value, wall_time), or list its metrics.",
        discussion: """
            Without --name, lists the metrics recorded for the run: name, count, first_step, last_step. \
            wall_time is seconds since the run started; a NaN value prints as blank (JSON null).
            """)

    @OptionGroup var database: DatabaseOption

    @Argument(help: ArgumentHelp("The run's id (see `inception-lab runs`).", valueName: "run"))
    var runID: Int

    @Option(help: "The metric, e.g. train_loss or val_top1_error.")
    var name: String?

    @OptionGroup var output: OutputFormatOptions

    func run() throws {
        let reader = try database.openReader()
        _ = try reader.run(runID)  // refuses an unknown run
        // The id is an Int, so interpolating it into the SQL is safe.
        let recorded = try reader.query("""
            SELECT name, count(*) AS count, min(step) AS first_step, max(step) AS last_step
            FROM metrics WHERE run_id = \(runID) GROUP BY name ORDER BY name
            """)
        guard let name else { return output.print(recorded) }
        let series = try reader.metricSeries(run: runID, name: name)
        guard !series.isEmpty else {
            let names = recorded.rows.map { $0[0].string! }
            throw QueryError("run \(runID) has no metric '\(name)'; "
                             + (names.isEmpty ? "it has recorded none" : "it has: \(names.joined(separator: ", "))"))
        }
        output.print(ResultTable(columns: ["step", "value", "wall_time"], rows: series.map {
            [.integer(Int64($0.step)), $0.value.map(SQLValue.real) ?? .null, .real($0.wallTime)]
        }))
    }
}
