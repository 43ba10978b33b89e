import CSQLite

/// The SQL a read-only connection accepts, enforced while statements compile (an SQLite authorizer) and checked
/// once more on the compiled statement (`sqlite3_stmt_readonly`), so that a write, a setting change or another
/// file is refused with one clear message before anything runs — rather than with whatever SQLite reports when
/// it gets there (`disk I/O error`, `too many attached databases`, or nothing at all for a connection setting).
///
/// Allowed: `SELECT` (with `WITH`, `EXPLAIN`, any function) and `PRAGMA` queries — a pragma without a value
/// (`PRAGMA user_version`), or one of `schemaQueries` with its argument (`PRAGMA table_info(runs)`).
///
/// Threading: belongs to one connection, like its `Database`.
final class ReadOnlyGuard {
    /// What the statements may be, for the refusal message.
    static let allowed = "only SELECT statements and PRAGMA queries such as PRAGMA table_info(runs) may be run"

    /// Pragmas that only read, even with an argument.
    static let schemaQueries: Set<String> = [
        "table_info", "table_xinfo", "table_list", "index_info", "index_xinfo", "index_list", "foreign_key_list",
        "foreign_key_check", "integrity_check", "quick_check",
    ]

    /// What the last compilation tried that is not allowed (`PRAGMA journal_mode = DELETE`, `writing to table
    /// runs`), set by the authorizer; reset before each compilation.
    var refused: String?

    /// Installs the guard on `connection`; it must outlive the connection's statements (the `Database` holds it).
    func install(on connection: OpaquePointer) {
        sqlite3_set_authorizer(connection, { context, action, first, second, _, _ in
            let guardian = Unmanaged<ReadOnlyGuard>.fromOpaque(context!).takeUnretainedValue()
            let a = first.map { String(cString: $0) }, b = second.map { String(cString: $0) }
            guard let refusal = ReadOnlyGuard.refusal(action: action, first: a, second: b) else { return SQLITE_OK }
            if guardian.refused == nil { guardian.refused = refusal }
            return SQLITE_DENY
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Nil when authorizer `action` (with its first two arguments) is allowed, else what it is, in words.
    static func refusal(action: Int32, first: String?, second: String?) -> String? {
        switch action {
        case SQLITE_SELECT, SQLITE_READ, SQLITE_FUNCTION, SQLITE_RECURSIVE:
            return nil
        case SQLITE_PRAGMA:
            let name = (first ?? "").lowercased()
            if second == nil || schemaQueries.contains(name) { return nil }
            return "PRAGMA \(name) = \(second!)"
        case SQLITE_UPDATE where first == "sqlite_master":
            return nil   // asked while a table-valued pragma (pragma_table_info) is set up; DDL inserts or deletes
        case SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE:
            return first == "sqlite_master" ? "changing the schema" : "writing to table \(first ?? "?")"
        case SQLITE_ATTACH, SQLITE_DETACH:
            return "ATTACH or DETACH of another database"
        case SQLITE_TRANSACTION, SQLITE_SAVEPOINT:
            return "transaction control"
        default:
            return "changing the schema"
        }
    }
}
