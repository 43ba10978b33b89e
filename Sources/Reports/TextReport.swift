import Foundation

/// The terminal and script outputs: the report's numbers as plain text (`--format text`) and as JSON
/// (`--format json`).
extension ExperimentReport {
    /// The same tables and verdicts as report.md, as aligned plain text without charts.
    public func text() -> String {
        func section(_ title: String, _ body: String) -> String {
            "\(title)\n\(String(repeating: "=", count: title.count))\n\n\(body)\n"
        }
        var findingsText = ""
        for finding in findings {
            findingsText += "Finding \(finding.number): \(finding.title): \(finding.verdict.rawValue.uppercased())\n"
            findingsText += finding.judgements.map { "  \($0.subject): \($0.verdict.rawValue): \($0.statement)\n" }
                .joined()
        }
        return section("Experiment \(experiment)",
                       overviewText(bullet: "  ", code: "") + "\n" + configurationTable.text())
            + section("Verdicts", findings.isEmpty ? "The runs present test none of the paper's findings.\n"
                      : lookLine + "\n\n" + findingsText)
            + section("Time to target validation top-1 error", timeToTargetTable.text() + "\n" + errorAreaTable.text())
            + section("Final quality", finalQualityTable.text()
                      + (pairedDifferences.isEmpty ? "" : "\n" + pairedDifferenceTable.text()))
            + section("Instability", instabilityTable.text()
                      + (scalingDeadShare.isEmpty ? ""
                         : "\n" + scalingDeadShareText + "\n" + scalingDeadShareTable.text()
                           + "\n" + scalingSummaryText + "\n" + scalingSummaryTable.text()))
            + section("Cost", costTable.text() + (costRatios.isEmpty ? "" : "\n" + costRatioTable.text()))
            + section("Caveats", overview.caveats.map { "- \($0)\n" }.joined())
    }

    /// The whole report as pretty-printed JSON with sorted keys (errors as fractions, times in seconds), ending
    /// with a newline.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
