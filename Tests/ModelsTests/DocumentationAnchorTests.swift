import Foundation
import Testing

/// The doc comments, specs and documents cite sections of docs/ by path and anchor from the repository root
/// (docs/models.md#residual-scaling), and markdown files link to them relative to themselves. Every such anchor
/// must name a heading of that file, as GitHub spells its anchors, so that a renamed heading fails here rather than
/// leaving comments that point nowhere.
@Suite("Documentation anchors")
struct DocumentationAnchorTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// GitHub's anchor of a heading: lowercased, everything but letters, digits, `-`, `_` and spaces dropped,
    /// spaces turned into `-`; the n-th repeat of an anchor gets `-n`.
    static func anchors(ofMarkdown text: String) -> Set<String> {
        var seen: [String: Int] = [:]
        var anchors: Set<String> = []
        var inCode = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inCode.toggle() }
            guard !inCode, line.hasPrefix("#") else { continue }
            let title = line.drop { $0 == "#" }
            guard title.first == " " else { continue }
            let slug = String(title.trimmingCharacters(in: .whitespaces).lowercased()
                .filter { $0.isLetter || $0.isNumber || "-_ ".contains($0) }
                .map { $0 == " " ? "-" : $0 })
            let count = seen[slug, default: 0]
            anchors.insert(count == 0 ? slug : "\(slug)-\(count)")
            seen[slug] = count + 1
        }
        return anchors
    }

    /// Every `(path, anchor)` cited in `text` of the file at `relativePath`: a markdown file's path, `#` and the
    /// anchor, where the path follows `(` as a link relative to the file (unless it starts with `docs/`) and is
    /// otherwise from the repository root; in a markdown file also `](#anchor)`, a section of the file itself.
    /// (A plain scan: Swift's `Regex` takes seconds over the tree.)
    static func citations(in text: String, of relativePath: String) -> [(path: String, anchor: String)] {
        let chars = Array(text.unicodeScalars)
        func isAnchorCharacter(_ c: Unicode.Scalar) -> Bool {
            c.properties.isAlphabetic || "0123456789_-".unicodeScalars.contains(c)
        }
        func isPathCharacter(_ c: Unicode.Scalar) -> Bool { isAnchorCharacter(c) || c == "." || c == "/" }
        func follows(_ suffix: String, at i: Int) -> Bool {
            let s = Array(suffix.unicodeScalars)
            return i >= s.count && chars[(i - s.count)..<i].elementsEqual(s)
        }
        let directory = relativePath.split(separator: "/").dropLast().joined(separator: "/")
        var found: [(String, String)] = []
        for i in chars.indices where chars[i] == "#" {
            var end = i + 1
            while end < chars.count && isAnchorCharacter(chars[end]) { end += 1 }
            let anchor = String(String.UnicodeScalarView(chars[(i + 1)..<end]))
            guard !anchor.isEmpty else { continue }
            if follows(".md", at: i) {
                var start = i - 3
                while start > 0 && isPathCharacter(chars[start - 1]) { start -= 1 }
                guard start < i - 3 else { continue }
                let path = String(String.UnicodeScalarView(chars[start..<i]))
                let isLink = start > 0 && chars[start - 1] == "("
                found.append((isLink && !path.hasPrefix("docs/") ? resolve(path, from: directory) : path, anchor))
            } else if follows("](", at: i) && relativePath.hasSuffix(".md") {
                found.append((relativePath, anchor))
            }
        }
        return found
    }

    /// `path` relative to `directory`, both relative to the repository root, with `..` resolved.
    static func resolve(_ path: String, from directory: String) -> String {
        var parts: [Substring] = directory.split(separator: "/")
        for part in path.split(separator: "/") {
            if part == ".." { _ = parts.popLast() } else if part != "." { parts.append(part) }
        }
        return parts.joined(separator: "/")
    }

    @Test("every cited docs anchor names a heading")
    func citedAnchorsExist() throws {
        let files = FileManager.default
        var cited = 0
        var broken: [String] = []
        for folder in ["Sources", "Tests", "Experiments", "docs", "README.md"] {
            let paths = folder.hasSuffix(".md") ? [folder]
                : (files.enumerator(atPath: Self.root.appendingPathComponent(folder).path)?.allObjects as? [String]
                    ?? []).map { "\(folder)/\($0)" }
            for path in paths where [".swift", ".yaml", ".md"].contains(where: path.hasSuffix) {
                let text = try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
                for citation in Self.citations(in: text, of: path) {
                    cited += 1
                    let target = Self.root.appendingPathComponent(citation.path)
                    let headings = (try? String(contentsOf: target, encoding: .utf8)).map(Self.anchors(ofMarkdown:))
                    if headings?.contains(citation.anchor) != true {
                        broken.append("\(path): \(citation.path)#\(citation.anchor)")
                    }
                }
            }
        }
        #expect(cited > 30, "found only \(cited) citations: is the pattern still right?")
        #expect(broken.isEmpty, "anchors that name no heading:\n\(broken.joined(separator: "\n"))")
    }

    @Test("anchors are spelled as GitHub spells them")
    func slugs() {
        let anchors = Self.anchors(ofMarkdown: """
            # Models: the Inception family
            ## Inception-ResNet-v2, paper layout
            ```
            # not a heading
            ```
            ### Full size
            ### Full size
            #hashtag
            """)
        #expect(anchors == ["models-the-inception-family", "inception-resnet-v2-paper-layout", "full-size",
                            "full-size-1"])
    }
}
