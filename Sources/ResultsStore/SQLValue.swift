/// One SQLite value, as stored: the five storage classes of SQLite.
///
/// A `Sendable` value, used both to bind statement parameters and to read result columns. Non-finite doubles:
/// SQLite stores NaN as NULL (so a NaN metric reads back as `.null`); infinities are kept.
public enum SQLValue: Sendable, Hashable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
    case null

    /// The integer, or `nil` for any other storage class.
    public var int: Int? {
        if case .integer(let value) = self { Int(value) } else { nil }
    }

    /// The number as a double (integers are converted), or `nil` for text, blobs and NULL.
    public var double: Double? {
        switch self {
        case .real(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }

    /// The text, or `nil` for any other storage class.
    public var string: String? {
        if case .text(let value) = self { value } else { nil }
    }

    /// The bytes, or `nil` for any other storage class.
    public var blob: [UInt8]? {
        if case .blob(let value) = self { value } else { nil }
    }

    /// True for SQL NULL.
    public var isNull: Bool { self == .null }
}

/// A Swift value that can be bound to a statement parameter: `Int`, `Int64`, `Double`, `String`, `[UInt8]` (a
/// blob), `SQLValue`, and an `Optional` of any of these (`nil` binds NULL).
public protocol SQLBindable {
    /// The value to bind.
    var sqlValue: SQLValue { get }
}

extension Int64: SQLBindable {
    public var sqlValue: SQLValue { .integer(self) }
}

extension Int: SQLBindable {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
}

extension Double: SQLBindable {
    public var sqlValue: SQLValue { .real(self) }
}

extension String: SQLBindable {
    public var sqlValue: SQLValue { .text(self) }
}

extension Array: SQLBindable where Element == UInt8 {
    public var sqlValue: SQLValue { .blob(self) }
}

extension SQLValue: SQLBindable {
    public var sqlValue: SQLValue { self }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}
