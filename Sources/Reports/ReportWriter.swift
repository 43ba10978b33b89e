import Foundation

/// Writing a report's files, and finding the experiment a command-line argument names.
public enum ReportWriter {
    /// Writes every file of `report` (`ExperimentReport.files()`) into `directory`, created if missing, replacing
    /// files of the same names, and removes the charts of `ChartSpec.all` (SVG and CSV) that an earlier report
    /// wrote there and this one no longer draws, so that no stale curve stays beside the report; returns the
    /// paths written, in order.
    public static func write(_ report: ExperimentReport, to directory: String) throws -> [String] {
        let url = URL(fileURLWithPath: directory, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            let files = report.files()
            let written = Set(files.map(\.name))
            let charts = ChartSpec.all.flatMap { [$0.fileStem + ".svg", $0.fileStem + ".csv"] }
            for name in charts where !written.contains(name) {
                let stale = url.appendingPathComponent(name)
                if FileManager.default.fileExists(atPath: stale.path) { try FileManager.default.removeItem(at: stale) }
            }
            return try files.map { file in
                let path = url.appendingPathComponent(file.name).path
                try Data(file.contents.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                return path
            }
        } catch {
            throw ReportError("cannot write the report into \(directory): \(error.localizedDescription)")
        }
    }

    /// The experiment named by `argument`: for a path ending in `.yaml` or `.yml`, the value of the spec's
    /// top-level `name:` line (quotes and a trailing `# comment` removed); otherwise the argument itself.
    public static func experimentName(_ argument: String) throws -> String {
        guard argument.hasSuffix(".yaml") || argument.hasSuffix(".yml") else { return argument }
        let text: String
        do {
            text = try String(contentsOfFile: argument, encoding: .utf8)
        } catch {
            throw ReportError("cannot read the spec \(argument): \(error.localizedDescription)")
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where line.hasPrefix("name:") {
            var value = line.dropFirst("name:".count)
            if let comment = value.range(of: " #") { value = value[..<comment.lowerBound] }
            let name = value.trimmingCharacters(in: .whitespacesAndNewlines)
                .trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            if !name.isEmpty { return name }
        }
        throw ReportError("the spec \(argument) has no top-level `name:` line")
    }
}
