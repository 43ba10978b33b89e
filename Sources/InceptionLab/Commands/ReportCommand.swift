import ArgumentParser
import Foundation
import Reports

/// `inception-lab report SPEC|EXPERIMENT`: the experiment's report, from the results database alone;
/// `inception-lab report --overview`: the generated part of results/README.md (`ResultsOverview`);
/// `inception-lab report --all`: both, for every experiment.
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
            hand-written marker line. --all writes both: every experiment's report into <out>/<experiment>/ and \
            the overview into <out>/README.md (--out default: results), as after a `merge`.
            """)

    /// The three outputs.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case files, text, json
    }

    @Argument(help: ArgumentHelp("An experiment's spec (.yaml/.yml) or name.", valueName: "spec-or-experiment"))
    var experiment: String?

    @Flag(help: "Write the overview of every experiment (results/README.md) instead of one report.")
    var overview = false
    @Flag(help: "Write every experiment's report and the overview (into --out, default results).")
    var all = false

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
        guard [experiment != nil, overview, all].filter({ $0 }).count == 1 else {
            throw ValidationError("name an experiment (or its spec), or give --overview or --all: one of them")
        }
        guard !all || format == .files else {
            throw ValidationError("--all writes files; --format \(format) is for one report")
        }
        guard targets.allSatisfy({ $0 > 0 && $0 <= 100 }) else {
            throw ValidationError("targets are percentages in (0, 100]")
        }
    }

    func run() throws {
        if all { return try writeAll(root: out ?? "results") }
        guard let experiment else {
            let overview = try ResultsOverview(reader: database.openReader())
            guard format == .files else { return print(overview.markdown(), terminator: "") }
            return try write(overview, to: out ?? "results/README.md")
        }
        let name = try ReportWriter.experimentName(experiment)
        let data = try ExperimentData.load(from: database.openReader(), experiment: name)
        let report = try ExperimentReport(data, targets: targets.isEmpty ? nil : targets.sorted(by: >).map { $0 / 100 })
        switch format {
        case .text:
            print(report.text(), terminator: "")
        case .json:
            print(try report.json(), terminator: "")
        case .files:
            try write(report, to: out ?? "results/\(name)")
        }
    }

    /// Writes `report`'s files into `directory` and says so, with its verdicts.
    private func write(_ report: ExperimentReport, to directory: String) throws {
        let paths = try ReportWriter.write(report, to: directory)
        let verdicts = report.findings.map { "finding \($0.number) \($0.verdict.rawValue)" }
        print("wrote \(paths.count) files to \(directory): "
              + (verdicts.isEmpty ? "no finding this experiment's runs can test" : verdicts.joined(separator: ", ")))
    }

    /// `--all`: every experiment's report into `root/<experiment>/`, then the overview into `root/README.md`.
    private func writeAll(root: String) throws {
        let overview = try ResultsOverview(reader: database.openReader())
        for report in overview.reports { try write(report, to: "\(root)/\(report.experiment)") }
        try write(overview, to: "\(root)/README.md")
    }

    /// The generated part of results/README.md, merged with the hand-written part of the file at `path`.
    private func write(_ overview: ResultsOverview, to path: String) throws {
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
