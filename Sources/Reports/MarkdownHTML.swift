import Foundation

/// Renders to HTML exactly the markdown subset report.md is written in, so that report.html is the same document
/// rather than a second copy of it:
///
/// - blocks: `#`–`######` headings (with an `id` from their text), paragraphs (consecutive lines), `- ` lists,
///   `1. ` numbered lists, GitHub tables (a header row, a `| --- |` rule, rows; `\|` is a literal bar), and an
///   image alone on its line, `![alt](file)`, replaced by `figures[file]` when given (an `<img>` otherwise);
/// - inline: `` `code` ``, `**bold**`, `[text](url)`; everything else is text, HTML-escaped.
///
/// Output is a pure function of the input: the same markdown gives the same bytes. A `Sendable` value.
struct MarkdownHTML: Sendable {
    /// Markup that replaces an image, by the image's file name (inline SVG, for instance).
    var figures: [String: String]

    /// The HTML of `markdown`, one block per line group, ending with a newline.
    func render(_ markdown: String) -> String {
        var html = ""
        var lines = markdown.split(separator: "\n", omittingEmptySubsequences: false)[...].map(String.init)[...]
        while let line = lines.first {
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                lines.removeFirst()
            } else if let level = Self.headingLevel(line) {
                lines.removeFirst()
                let text = String(line.dropFirst(level + 1))
                html += "<h\(level) id=\"\(Self.slug(text))\">\(Self.inline(text))</h\(level)>\n"
            } else if line.hasPrefix("|") {
                html += table(Self.take(&lines) { $0.hasPrefix("|") })
            } else if line.hasPrefix("- ") {
                html += list("ul", Self.take(&lines) { $0.hasPrefix("- ") }.map { String($0.dropFirst(2)) })
            } else if Self.numberedItem(line) != nil {
                html += list("ol", Self.take(&lines) { Self.numberedItem($0) != nil }.map { Self.numberedItem($0)! })
            } else if let (alt, file) = Self.image(line) {
                lines.removeFirst()
                html += figures[file] ?? "<p><img src=\"\(escape(file))\" alt=\"\(escape(alt))\"></p>\n"
            } else {
                let paragraph = Self.take(&lines) { line in
                    !line.trimmingCharacters(in: .whitespaces).isEmpty && Self.headingLevel(line) == nil
                        && !line.hasPrefix("|") && !line.hasPrefix("- ") && Self.numberedItem(line) == nil
                        && Self.image(line) == nil
                }
                html += "<p>\(Self.inline(paragraph.joined(separator: " ")))</p>\n"
            }
        }
        return html
    }

    /// A table from its markdown lines; a table without its rule line is rendered with every line as a row.
    private func table(_ lines: [String]) -> String {
        let rows = lines.map(Self.cells)
        let hasHeader = rows.count > 1 && rows[1].allSatisfy { !$0.isEmpty && $0.allSatisfy { "-: ".contains($0) } }
        var html = "<div class=\"table\"><table>\n"
        if hasHeader {
            html += "<thead><tr>" + rows[0].map { "<th>\(Self.inline($0))</th>" }.joined() + "</tr></thead>\n"
        }
        html += "<tbody>\n"
        for row in rows.dropFirst(hasHeader ? 2 : 0) {
            html += "<tr>" + row.map { "<td>\(Self.inline($0))</td>" }.joined() + "</tr>\n"
        }
        return html + "</tbody>\n</table></div>\n"
    }

    private func list(_ tag: String, _ items: [String]) -> String {
        "<\(tag)>\n" + items.map { "<li>\(Self.inline($0))</li>\n" }.joined() + "</\(tag)>\n"
    }

    /// Removes and returns the leading lines that satisfy `belongs`.
    private static func take(_ lines: inout ArraySlice<String>, while belongs: (String) -> Bool) -> [String] {
        var taken: [String] = []
        while let line = lines.first, belongs(line) {
            taken.append(line)
            lines.removeFirst()
        }
        return taken
    }

    /// 1–6 for a heading line (`#`s then a space), nil otherwise.
    private static func headingLevel(_ line: String) -> Int? {
        let hashes = line.prefix { $0 == "#" }.count
        return (1...6).contains(hashes) && line.dropFirst(hashes).first == " " ? hashes : nil
    }

    /// The text of a numbered list item (`12. text`), nil for other lines.
    private static func numberedItem(_ line: String) -> String? {
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, line.dropFirst(digits.count).hasPrefix(". ") else { return nil }
        return String(line.dropFirst(digits.count + 2))
    }

    /// The alt text and file of a line that is only an image.
    private static func image(_ line: String) -> (String, String)? {
        guard line.hasPrefix("!["), line.hasSuffix(")"), let middle = line.range(of: "](") else { return nil }
        return (String(line[line.index(line.startIndex, offsetBy: 2)..<middle.lowerBound]),
                String(line[middle.upperBound..<line.index(before: line.endIndex)]))
    }

    /// The cells of a table line: split at bars not preceded by a backslash, `\|` unescaped, trimmed.
    private static func cells(_ line: String) -> [String] {
        var cells: [String] = [], cell = "", escaped = false
        for character in line.trimmingCharacters(in: .whitespaces) {
            if escaped {
                cell += character == "|" ? "|" : "\\\(character)"
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "|" {
                cells.append(cell.trimmingCharacters(in: .whitespaces))
                cell = ""
            } else {
                cell.append(character)
            }
        }
        // The text before the first bar and after the last one is not a cell.
        return Array(cells.dropFirst())
    }

    /// Inline markup: code spans first (their text is literal), then bold and links in the rest.
    static func inline(_ text: String) -> String {
        var html = ""
        for (index, part) in text.split(separator: "`", omittingEmptySubsequences: false).enumerated() {
            // Odd parts are inside backticks; an unpaired trailing backtick leaves its text as plain text.
            html += index % 2 == 1 ? "<code>\(escape(String(part)))</code>" : links(bold(escape(String(part))))
        }
        return html
    }

    /// `**a**` → `<strong>a</strong>` in escaped text.
    private static func bold(_ text: String) -> String {
        let parts = text.components(separatedBy: "**")
        guard parts.count >= 3 else { return text }
        return parts.enumerated().map { index, part in
            index % 2 == 0 ? part : index == parts.count - 1 ? "**" + part : "<strong>\(part)</strong>"
        }.joined()
    }

    /// `[text](url)` → a link, in escaped text.
    private static func links(_ text: String) -> String {
        var html = "", rest = text[...]
        while let open = rest.firstIndex(of: "["), let close = rest[open...].range(of: "]("),
              let end = rest[close.upperBound...].firstIndex(of: ")") {
            html += rest[..<open]
            html += "<a href=\"\(rest[close.upperBound..<end])\">"
                + "\(rest[rest.index(after: open)..<close.lowerBound])</a>"
            rest = rest[rest.index(after: end)...]
        }
        return html + rest
    }

    /// A heading's anchor: lowercase letters and digits, other runs of characters as one `-`.
    static func slug(_ text: String) -> String {
        var slug = ""
        for character in text.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber) {
                slug.append(character)
            } else if slug.last != "-" && !slug.isEmpty {
                slug.append("-")
            }
        }
        while slug.last == "-" { slug.removeLast() }
        return slug
    }
}
