/// Every failure of the results store: a failed SQLite call, a refused lifecycle transition, a schema the code
/// cannot use, an unknown run.
///
/// For SQLite failures `message` is SQLite's own text (`sqlite3_errmsg`) and `code` its extended result code;
/// `sql` is the statement that failed, when there was one; `path` is always the database file. A value type, safe
/// to pass between threads.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, in words.
    public let message: String
    /// SQLite's extended result code, or `nil` for the store's own refusals.
    public let code: Int32?
    /// The SQL statement involved, if any.
    public let sql: String?
    /// The database file.
    public let path: String

    /// Makes an error; `code` is `nil` for refusals that did not come from SQLite.
    public init(_ message: String, code: Int32? = nil, sql: String? = nil, path: String) {
        self.message = message
        self.code = code
        self.sql = sql
        self.path = path
    }

    /// `path: message (SQLite code N)` and, on a second line, the SQL.
    public var description: String {
        var text = "\(path): \(message)"
        if let code { text += " (SQLite code \(code))" }
        if let sql { text += "\n  in SQL: \(sql)" }
        return text
    }
}
