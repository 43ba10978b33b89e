import CSQLite
import Foundation

/// A connection to one SQLite database file: a thin wrapper over the system SQLite library.
///
/// Why not GRDB: GRDB.swift works here but adds about 70 s to every cold build of the package, on a 2-core
/// machine where CI builds from scratch; the results store needs only prepared statements, transactions and
/// migrations, which this wrapper gives in a few hundred lines that build in about a second.
///
/// Opening sets WAL journaling (readers never block the writer), `synchronous = NORMAL` (a process killed at any
/// point leaves a consistent file; a power cut may lose the last commits, never corrupt), foreign keys on and a
/// busy timeout, so that several processes can share one file without "database is locked" errors. A read-only
/// connection (`Mode.readOnly`) is opened with `SQLITE_OPEN_READONLY` and `PRAGMA query_only`, cannot attach
/// other files, and refuses any statement but a query when it is prepared (`ReadOnlyGuard`).
///
/// Threading: a connection is deliberately not `Sendable` and is opened with `SQLITE_OPEN_NOMUTEX`. Swift 6
/// checks at compile time that it is used from one isolation domain at a time (it may be handed over, never
/// shared). Each thread or process that needs the database opens its own connection; SQLite's file locks
/// coordinate them.
public final class Database {
    /// How a connection may use the file.
    public enum Mode: Sendable {
        /// Reads and writes; creates the file and its parent directories when missing.
        case readWrite
        /// Reads only; the file must exist. Used for user-supplied SQL.
        case readOnly
    }

    /// The database file.
    public let path: String
    /// How this connection was opened.
    public let mode: Mode
    let handle: OpaquePointer
    /// The read-only connection's authorizer state; nil in `.readWrite` mode.
    private let readOnlyGuard: ReadOnlyGuard?

    /// Opens (in `.readWrite` mode, creating if needed) the database at `path`.
    ///
    /// - Parameter busyTimeout: how long, in seconds, a statement waits for another connection's lock before
    ///   failing with `SQLITE_BUSY`.
    public init(path: String, mode: Mode = .readWrite, busyTimeout: Double = 10) throws {
        self.path = path
        self.mode = mode
        var flags = SQLITE_OPEN_NOMUTEX
        switch mode {
        case .readWrite:
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw StoreError("cannot create directory \(directory.path): \(error)", path: path)
            }
            flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readOnly:
            flags |= SQLITE_OPEN_READONLY
        }
        var opened: OpaquePointer?
        let code = sqlite3_open_v2(path, &opened, flags, nil)
        guard code == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_close_v2(opened)
            throw StoreError("cannot open database: \(message)", code: code, path: path)
        }
        handle = opened
        readOnlyGuard = mode == .readOnly ? ReadOnlyGuard() : nil
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, Int32(busyTimeout * 1000))
        try execute("PRAGMA foreign_keys = ON")
        switch mode {
        case .readWrite:
            try execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
        case .readOnly:
            sqlite3_limit(handle, SQLITE_LIMIT_ATTACHED, 0)
            try execute("PRAGMA query_only = ON")
            readOnlyGuard!.install(on: handle)
        }
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs one or more `;`-separated statements that take no parameters (schema scripts, pragmas), discarding
    /// any rows.
    public func execute(_ sql: String) throws {
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw error(code: code, sql: sql) }
    }

    /// Compiles exactly one statement; a second statement after it is refused (white space and comments are not
    /// statements). On a read-only connection, anything but a query is refused (see `ReadOnlyGuard`).
    public func prepare(_ sql: String) throws -> Statement {
        readOnlyGuard?.refused = nil
        // The C string lives only inside this closure, and the tail points into it: both are used here only.
        let (code, compiled, hasSecond) = sql.withCString { text -> (Int32, OpaquePointer?, Bool) in
            var statement: OpaquePointer?
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v2(handle, text, -1, &statement, &tail)
            guard code == SQLITE_OK, statement != nil, let tail, tail.pointee != 0 else {
                return (code, statement, false)
            }
            var second: OpaquePointer?
            let rest = sqlite3_prepare_v2(handle, tail, -1, &second, nil)
            sqlite3_finalize(second)
            return (code, statement, rest != SQLITE_OK || second != nil)
        }
        guard code == SQLITE_OK, let compiled else {
            sqlite3_finalize(compiled)
            if let refused = readOnlyGuard?.refused { throw readOnlyRefusal(refused, sql: sql) }
            throw code == SQLITE_OK ? error("no SQL statement to run", sql: sql) : error(code: code, sql: sql)
        }
        if hasSecond {
            sqlite3_finalize(compiled)
            throw error("only one SQL statement may be given at a time", sql: sql)
        }
        if readOnlyGuard != nil, sqlite3_stmt_readonly(compiled) == 0 {
            sqlite3_finalize(compiled)
            throw readOnlyRefusal("a statement that may write to the database (VACUUM, some pragmas)", sql: sql)
        }
        return Statement(database: self, sql: sql, handle: compiled)
    }

    private func readOnlyRefusal(_ what: String, sql: String) -> StoreError {
        error("read-only: \(what) is not allowed; \(ReadOnlyGuard.allowed)", sql: sql)
    }

    /// Runs one statement with `values` bound to its parameters and returns the number of rows it changed.
    @discardableResult
    public func run(_ sql: String, _ values: [any SQLBindable] = []) throws -> Int {
        let statement = try prepare(sql)
        try statement.bind(values)
        try statement.run()
        return Int(sqlite3_changes(handle))
    }

    /// Runs one statement (a `SELECT`, or a write with `RETURNING`) with `values` bound and returns its rows.
    public func query(_ sql: String, _ values: [any SQLBindable] = []) throws -> ResultTable {
        let statement = try prepare(sql)
        try statement.bind(values)
        return try statement.table()
    }

    /// Runs `body` inside a `BEGIN IMMEDIATE` transaction: commits when it returns, rolls back when it throws.
    ///
    /// `IMMEDIATE` takes the write lock up front (waiting up to the busy timeout), so a transaction never fails
    /// half-way because another connection started writing. Transactions do not nest.
    @discardableResult
    public func write<Result>(_ body: () throws -> Result) throws -> Result {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if sqlite3_get_autocommit(handle) == 0 { sqlite3_exec(handle, "ROLLBACK", nil, nil, nil) }
            throw error
        }
    }

    /// The schema version stored in the file (`PRAGMA user_version`; 0 for a new file).
    public func userVersion() throws -> Int {
        try query("PRAGMA user_version").rows[0][0].int ?? 0
    }

    /// An error carrying SQLite's current message for `code`.
    func error(code: Int32, sql: String?) -> StoreError {
        StoreError(String(cString: sqlite3_errmsg(handle)), code: code, sql: sql, path: path)
    }

    /// An error of the store's own, about this database.
    func error(_ message: String, sql: String? = nil) -> StoreError {
        StoreError(message, sql: sql, path: path)
    }
}
