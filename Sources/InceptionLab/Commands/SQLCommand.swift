import ArgumentParser
import ResultsStore

/// `inception-lab sql "SELECT …"`: one read-only SQL statement over the results database.
struct SQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Run one read-only SQL statement and print its rows.",
        discussion: """
            Tables: experiments, runs, metrics, events, environments; view: run_summary. Times are UNIX seconds \
            (datetime(created_at, 'unixepoch') shows them); configurations are JSON (config_json ->> '$.lr'). \
            The database is opened read-only: only SELECT statements and PRAGMA queries run; anything else is \
            refused before it runs. Example:
              inception-lab sql "SELECT name, max(value) FROM metrics WHERE run_id = 3 GROUP BY name"
            """)

    @OptionGroup var database: DatabaseOption

    @Argument(help: "The SQL statement (one only).")
    var statement: String

    @OptionGroup var output: OutputFormatOptions

    func run() throws {
        output.print(try database.openReader().query(statement))
    }
}
