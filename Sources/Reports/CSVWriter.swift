/// Comma-separated values as RFC 4180 quotes them (a field with a comma, quote, CR or LF is quoted, quotes
/// doubled), with LF line ends so that committed files diff cleanly.
enum CSVWriter {
    /// The document: `header`, then `rows`, each line ending with LF.
    static func document(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { fields in
            fields.map { field in
                let quoted = field.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
                return quoted ? "\"" + field.replacing("\"", with: "\"\"") + "\"" : field
            }.joined(separator: ",") + "\n"
        }.joined()
    }
}
