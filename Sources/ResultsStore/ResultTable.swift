/// Rows under named columns, as a query returns them, and the formatter shared by every command that prints a
/// result set: an aligned text table, CSV (RFC 4180) or JSON (an array of objects). A value type.
public struct ResultTable: Sendable, Equatable {
    /// The column names, in order.
    public var columns: [String]
    /// The rows; each has one value per column.
    public var rows: [[SQLValue]]
    /// Columns whose integers are truth values (0 false, anything else true): printed `true`/`false` in every
    /// format, JSON booleans in JSON.
    public var booleanColumns: Set<String>

    /// A table of `rows` under `columns`, with `booleanColumns` holding truth values.
    public init(columns: [String], rows: [[SQLValue]], booleanColumns: Set<String> = []) {
        self.columns = columns
        self.rows = rows
        self.booleanColumns = booleanColumns
    }

    /// The ways a table can be printed.
    public enum Format: String, CaseIterable, Sendable {
        /// Columns aligned with spaces under a dashed rule; numbers right-aligned; NULL blank.
        case text
        /// RFC 4180: CRLF line ends; fields with a comma, quote, CR or LF quoted, quotes doubled; NULL empty.
        case csv
        /// An array of objects keyed by column name; numbers as numbers, truth values (`booleanColumns`) as
        /// booleans, NULL and non-finite numbers as `null`, blobs as hexadecimal strings.
        case json
    }

    /// The whole table in `format`, ending with a newline. CSV and JSON print numbers exactly (shortest
    /// round-trip); the text table, meant for reading, rounds reals to 6 significant digits.
    public func formatted(as format: Format) -> String {
        switch format {
        case .text: alignedText()
        case .csv: csv()
        case .json: json()
        }
    }

    /// `value` of `column` as a `true`/`false` literal if the column holds truth values.
    private func boolean(_ value: SQLValue, column: Int) -> String? {
        guard booleanColumns.contains(columns[column]), let integer = value.int else { return nil }
        return integer != 0 ? "true" : "false"
    }

    private func alignedText() -> String {
        let cells = rows.map { row in row.indices.map { boolean(row[$0], column: $0) ?? row[$0].displayText } }
        let widths = columns.indices.map { column in
            cells.reduce(columns[column].count) { max($0, $1[column].count) }
        }
        let numeric = columns.indices.map { column in
            !booleanColumns.contains(columns[column])
                && rows.allSatisfy { $0[column].double != nil || $0[column].isNull }
        }
        func line(_ texts: [String]) -> String {
            var line = texts.indices.map { column in
                let padding = String(repeating: " ", count: widths[column] - texts[column].count)
                return numeric[column] ? padding + texts[column] : texts[column] + padding
            }.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line + "\n"
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        return line(columns) + rule + cells.map(line).joined()
    }

    private func csv() -> String {
        ([columns] + rows.map { row in row.indices.map { boolean(row[$0], column: $0) ?? row[$0].plainText } })
            .map { fields in
            fields.map { field in
                let needsQuotes = field.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
                return needsQuotes ? "\"" + field.replacing("\"", with: "\"\"") + "\"" : field
            }.joined(separator: ",") + "\r\n"
        }.joined()
    }

    private func json() -> String {
        let objects = rows.map { row in
            "{" + row.indices.map { "\(jsonString(columns[$0])): \(boolean(row[$0], column: $0) ?? row[$0].json)" }
                .joined(separator: ", ") + "}"
        }
        return objects.isEmpty ? "[]\n" : "[\n  " + objects.joined(separator: ",\n  ") + "\n]\n"
    }
}

extension SQLValue {
    /// The value as text and CSV print it.
    fileprivate var plainText: String {
        switch self {
        case .integer(let value): String(value)
        case .real(let value): String(value)
        case .text(let value): value
        case .blob(let bytes): hex(bytes)
        case .null: ""
        }
    }

    /// The value as the text table shows it: reals to 6 significant digits.
    fileprivate var displayText: String {
        if case .real(let value) = self { return String(format: "%.6g", value) }
        return plainText
    }

    /// The value as a JSON literal.
    fileprivate var json: String {
        switch self {
        case .integer(let value): String(value)
        case .real(let value) where value.isFinite: String(value)
        case .real, .null: "null"
        case .text(let value): jsonString(value)
        case .blob(let bytes): jsonString(hex(bytes))
        }
    }
}

/// `text` as a JSON string literal: quotes, backslashes and control characters escaped.
private func jsonString(_ text: String) -> String {
    var literal = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": literal += "\\\""
        case "\\": literal += "\\\\"
        case "\n": literal += "\\n"
        case "\r": literal += "\\r"
        case "\t": literal += "\\t"
        case _ where scalar.value < 0x20:
            let digits = String(scalar.value, radix: 16)
            literal += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
        default: literal.unicodeScalars.append(scalar)
        }
    }
    return literal + "\""
}

/// Lowercase hexadecimal digits, two per byte.
private func hex(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}
