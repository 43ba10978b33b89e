import ArgumentParser
import Foundation
import Reports

/// `inception-lab report SPEC|EXPERIMENT`: the experiment's report, from the results database alone;
/// `inception-lab report --overview`: the generated part of results/README.md (`ResultsOverview`).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an experiment's report: verdicts on the paper's findings, curves, tables.",
        discussion: """
            The experiment is named directly or by its spec (a .yaml/.yml path; its `name:` line is read). \
            --format files (the default) writes report.md with SVG charts and their CSV, and report.html (the same \
            report as one page: charts inline, hover for values, configurations switched on and off) into --out \
            (default results/<experiment>/); text prints the same numbers; json prints everything for scripts. \
            Regenerating from the same database gives identical bytes. --overview instead writes the summary of \
            every experiment in the database into --out (default results/README.md), keeping what follows its \
            hand-written marker line.
            """)

    /// The three outputs.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case files, text, json
    }

    @Argument(help: ArgumentHelp("An experiment's spec (.yaml/.yml) or name.", valueName: "spec-or-experiment"))
    var experiment: String?

    @Flag(help: "Write the overview of every experiment (results/README.md) instead of one report.")
    var overview = false

    @OptionGroup var database: DatabaseOption

    @Option(help: ArgumentHelp("Directory for --format files (default: results/<experiment>/).", valueName: "dir"))
    var out: String?

    @Option(help: "files, text or json.")
    var format: Format = .files

    @Option(parsing: .upToNextOption,
            help: ArgumentHelp("Target validation top-1 errors in percent for the training-speed table "
                               + "(default: 1.5×, 1.2× and 1× the worst configuration's mean final error).",
                               valueName: "percent"))
    var targets: [Double] = []

    func validate() throws {
        guard (experiment == nil) == overview else {
            throw ValidationError("name an experiment (or its spec), or give --overview, but not both")
        }
        guard targets.allSatisfy({ $0 > 0 && $0 <= 100 }) else {
            throw ValidationError("targets are percentages in (0, 100]")
        }
    }

    func run() throws {
        guard let experiment else { return try writeOverview() }
        let name = try ReportWriter.experimentName(experiment)
        let data = try ExperimentData.load(from: database.openReader(), experiment: name)
        let report = try ExperimentReport(data, targets: targets.isEmpty ? nil : targets.sorted(by: >).map { $0 / 100 })
        switch format {
        case .text:
            print(report.text(), terminator: "")
        case .json:
            print(try report.json(), terminator: "")
        case .files:
            let directory = out ?? "results/\(name)"
            let paths = try ReportWriter.write(report, to: directory)
            let verdicts = report.findings.map { "finding \($0.number) \($0.verdict.rawValue)" }
            print("wrote \(paths.count) files to \(directory): "
                  + (verdicts.isEmpty ? "no finding this experiment's runs can test" : verdicts.joined(separator: ", ")))
        }
    }

    /// `--overview`: the generated part of results/README.md, merged with the hand-written part of the file at
    /// `--out` (printed instead with `--format text`).
    private func writeOverview() throws {
        let overview = try ResultsOverview(reader: database.openReader())
        guard format == .files else { return print(overview.markdown(), terminator: "") }
        let path = out ?? "results/README.md"
        let existing = try? String(contentsOfFile: path, encoding: .utf8)
        do {
            try Data(overview.merged(into: existing).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ReportError("cannot write the overview to \(path): \(error.localizedDescription)")
        }
        print("wrote \(path): \(overview.reports.count) experiments"
              + (existing?.contains(ResultsOverview.handWrittenMarker) == true ? ", hand-written notes kept" : ""))
    }
}
