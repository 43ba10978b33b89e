import ArgumentParser
import Foundation
import ResultsStore

/// `--db PATH`: the results database, shared by every command that reads or writes one (`train`, `run`, `submit`,
/// `plan`, `status`, `report`, the queries).
struct DatabaseOption: ParsableArguments {
    /// The committed database of the reproduction, relative to the repository root.
    static let defaultPath = "results/lab.sqlite"

    @Option(name: .customLong("db"), help: ArgumentHelp("The results database.", valueName: "path"))
    var path = DatabaseOption.defaultPath

    /// Opens the database read-only (migrating an older schema first). A missing file is reported as such (with
    /// how to create one) rather than as SQLite's "unable to open database file".
    func openReader() throws -> ResultsReader {
        guard FileManager.default.fileExists(atPath: path) else {
            throw QueryError("""
                no results database at \(path); create one by training or running an experiment \
                (`inception-lab train …` or `inception-lab run SPEC`), or pass --db PATH
                """)
        }
        return try ResultsReader.migratingIfNeeded(path: path)
    }
}
