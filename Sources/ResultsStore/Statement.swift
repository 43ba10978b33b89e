import CSQLite

/// A prepared SQLite statement: bind parameters, step through rows, read typed columns, reuse.
///
/// Prepare once and reuse it for many executions (`bind` resets it) — this is what keeps the metric writer's
/// flushes cheap. Threading: like its `Database`, a statement is not `Sendable` and is used by one thread at a
/// time; it keeps its connection alive and is finalized when released.
public final class Statement {
    /// The SQL text it was prepared from.
    public let sql: String
    private let database: Database
    private let handle: OpaquePointer

    init(database: Database, sql: String, handle: OpaquePointer) {
        self.database = database
        self.sql = sql
        self.handle = handle
    }

    deinit { sqlite3_finalize(handle) }

    /// Resets the statement and binds `values` to its parameters `?1…?n`, in order. The count must match.
    public func bind(_ values: [any SQLBindable]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard values.count == expected else {
            throw database.error("\(values.count) values bound to a statement with \(expected) parameters", sql: sql)
        }
        for (offset, value) in values.enumerated() {
            try check(bind(value.sqlValue, at: Int32(offset + 1)))
        }
    }

    private func bind(_ value: SQLValue, at index: Int32) -> Int32 {
        // SQLITE_TRANSIENT: SQLite copies the bytes before the call returns.
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        switch value {
        case .integer(let number): return sqlite3_bind_int64(handle, index, number)
        case .real(let number): return sqlite3_bind_double(handle, index, number)
        case .text(let text): return sqlite3_bind_text(handle, index, text, -1, transient)
        case .blob(let bytes) where bytes.isEmpty: return sqlite3_bind_zeroblob(handle, index, 0)
        case .blob(let bytes):
            return bytes.withUnsafeBytes {
                sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), transient)
            }
        case .null: return sqlite3_bind_null(handle, index)
        }
    }

    /// Advances to the next row: `true` when a row is available to read, `false` when the statement is done.
    public func step() throws -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            sqlite3_reset(handle)
            throw database.error(code: code, sql: sql)
        }
    }

    /// Steps until the statement is done, discarding any rows.
    public func run() throws {
        while try step() {}
    }

    /// The number of result columns (0 for statements that return no rows).
    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    /// The result columns' names, as SQLite reports them (the `AS` alias when there is one).
    public var columnNames: [String] {
        (0..<sqlite3_column_count(handle)).map { String(cString: sqlite3_column_name(handle, $0)) }
    }

    /// The value of column `index` (from 0) of the current row, in its storage class.
    public func value(at index: Int) -> SQLValue {
        let column = Int32(index)
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT:
            let bytes = UnsafeBufferPointer(start: sqlite3_column_text(handle, column),
                                            count: Int(sqlite3_column_bytes(handle, column)))
            return .text(String(decoding: bytes, as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard count > 0, let start = sqlite3_column_blob(handle, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: start, count: count)))
        default:
            return .null
        }
    }

    /// Steps to the end and returns every row with the column names.
    public func table() throws -> ResultTable {
        var rows: [[SQLValue]] = []
        while try step() {
            rows.append((0..<columnCount).map(value(at:)))
        }
        return ResultTable(columns: columnNames, rows: rows)
    }

    private func check(_ code: Int32) throws {
        guard code == SQLITE_OK else { throw database.error(code: code, sql: sql) }
    }
}
