import ArgumentParser
import Foundation
import ResultsStore

/// `--text` (the default), `--csv` or `--json`: how a command that prints one table prints it.
struct OutputFormatOptions: ParsableArguments {
    @Flag(help: "Output format: an aligned text table, CSV (RFC 4180) or a JSON array of objects.")
    var format: ResultTable.Format = .text

    /// Prints `table` in the chosen format.
    func print(_ table: ResultTable) {
        Swift.print(table.formatted(as: format), terminator: "")
    }
}

extension ResultTable.Format: EnumerableFlag {}

/// A query command's refusal (missing database, unknown metric, …); ArgumentParser prints its description and
/// exits with a non-zero status.
struct QueryError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}

/// `seconds` (UNIX time) as UTC `YYYY-MM-DD HH:MM:SS`, like the `run_summary` view's `created` column.
func utcTimestamp(_ seconds: Double) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
    return formatter.string(from: Date(timeIntervalSince1970: seconds))
}
