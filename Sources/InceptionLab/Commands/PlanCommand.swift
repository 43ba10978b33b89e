import ArgumentParser
import Foundation
import Reports
import ResultsStore
import Runner

/// `inception-lab plan SPEC [--db PATH]`: the runs a spec expands to, their state in the database, the
/// compute and wall time the remaining ones need, and the seeds per configuration its hypotheses need
/// (`PowerPlan`).
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the runs an experiment spec expands to, which exist already, and what the rest will cost.",
        discussion: """
            Compute is multiply-adds (MACs): ×3 per training image (forward and backward), ×1 per evaluated \
            image. Wall time uses the training throughput that runs of the same model and width logged in the \
            database (each run's median interval): those that ran with the backend and threads each of --workers \
            processes will have (as `run` divides --threads among them), else with those on another processor, \
            else with that backend and fewer threads on this processor (about an upper bound), else any, else runs \
            of other models at that width, else \
            \(Int(CostEstimate.defaultMACsPerSecond / 1e9)) GMAC/s (inception-resnet-v2-paper at width 0.125 with 2 \
            OpenBLAS threads on a 2-vCPU AMD EPYC). The total is for --workers processes running the runs side by \
            side, at that speed each. Power: for each hypothesis \
            of the spec (findings 1–5; docs/reports.md), the comparisons its configurations make under it, as its \
            report will, and for each the seeds per configuration its test needs at the declared power, from the \
            standard deviation of the comparison's finished runs in the database, else at a range of standard \
            deviations; for findings 3 and 4 also the count of runs that died and how many runs would decide it; \
            all as the experiment's final look would decide with those runs. A hypothesis under which no two \
            configurations compare is untested.
            """)

    @OptionGroup var experiment: ExperimentArguments
    @OptionGroup var database: DatabaseOption
    @OptionGroup var compute: ComputeOptions

    @Option(help: "Worker processes that will run the experiment (as for `run --workers`).")
    var workers = 1

    func validate() throws {
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
    }

    func run() throws {
        let plan = try experiment.plan()
        let reader = FileManager.default.fileExists(atPath: database.path) ? try database.openReader() : nil
        let existing = try reader.map(ExistingRuns.init) ?? ExistingRuns()
        var cost = try CostEstimate(reader: reader)
        var rows: [[SQLValue]] = []
        let setting = try compute.setting(sharedAmong: workers)
        // Runs queued now, once some of the experiment's runs have ended, are not part of its design (`Look`).
        let ended = plan.runs.filter { existing.byKey[$0.runKey]?.status.isTerminalResult == true }.count
        var totalMACs = 0.0, runSeconds: [Double] = [], sources: [CostEstimate.RateSource: Set<String>] = [:]
        for (index, run) in plan.runs.enumerated() {
            let found = existing.byKey[run.runKey]
            let remainingFrom: Int? = switch found?.status {
            case nil, .queued?: 0
            case .killed?, .running?: found!.step
            case .finished?, .diverged?, .failed?: nil
            }
            let estimate = try cost.estimate(run, fromStep: remainingFrom ?? run.totalSteps, setting: setting)
            if remainingFrom != nil {
                totalMACs += estimate.macs
                runSeconds.append(estimate.seconds)
                sources[estimate.source, default: []].insert("\(run.config.model.model) w\(run.config.model.width)")
            }
            let state = found.map { "\($0.status.rawValue) (run \($0.id), step \($0.step))" }
                ?? (ended > 0 ? "new, after results" : "new")
            rows.append([.integer(Int64(index + 1)), .text(run.name), .text(run.runKey), .text(state),
                         .integer(Int64(run.totalSteps)),
                         .real((Double(estimate.macsPerImage) / 1e6 * 10).rounded() / 10),
                         .real((estimate.macs / 1e12 * 100).rounded() / 100),
                         .text(ProgressDisplay.duration(estimate.seconds))])
        }
        print("experiment \(plan.spec.name) (\(plan.spec.file)): \(plan.runs.count) runs\n")
        print(ResultTable(columns: ["#", "name", "run_key", "state", "steps", "M MACs/image", "TMACs to do",
                                    "time to do"],
                          rows: rows).formatted(as: .text), terminator: "")
        print("""

            \(runSeconds.count) of \(plan.runs.count) runs to do: \(String(format: "%.2f", totalMACs / 1e12)) TMACs, \
            about \(ProgressDisplay.duration(CostEstimate.wallTime(runSeconds, workers: workers))) of wall time \
            with \(workers) worker\(workers == 1 ? "" : "s")
            """)
        for source in CostEstimate.RateSource.allCases {
            guard let models = sources[source]?.sorted().joined(separator: ", ") else { continue }
            switch source {
            case .sameSetting: print("throughput measured in \(database.path) with \(setting) for: \(models)")
            case .otherProcessor:
                print("throughput measured in \(database.path) with \(setting.library), "
                      + "\(ComputeSetting.describe(threads: setting.threads)), on processors recorded "
                      + "otherwise than this one (\(setting.processor)), for: \(models)")
            case .fewerThreads:
                print("throughput measured in \(database.path) with \(setting.library) on \(setting.processor) with "
                      + "fewer than \(ComputeSetting.describe(threads: setting.threads)) (about an upper bound on the "
                      + "time), for: \(models)")
            case .anySetting: print("throughput measured in \(database.path), not with \(setting), for: \(models)")
            case .otherModels: print("no run of \(models) in \(database.path): timed by other models' runs "
                                     + "at that width")
            case .assumed: print("no measurement for \(models): assumed "
                                 + "\(Int(CostEstimate.defaultMACsPerSecond / 1e9)) GMAC/s")
            }
        }
        let added = plan.runs.filter { existing.byKey[$0.runKey] == nil }.count
        if ended > 0 && added > 0 { print(Look.addedNote(added: added, ended: ended)) }
        let known = try reader.map {
            try $0.query("SELECT name FROM experiments").rows.compactMap { $0[0].string }
        } ?? []
        let data = try reader.flatMap { reader in
            known.contains(plan.spec.name) ? try ExperimentData.load(from: reader, experiment: plan.spec.name) : nil
        }
        var planned: [RunConfiguration] = []
        for configuration in try plan.runs.map({ try $0.runConfiguration() }) where !planned.contains(configuration) {
            planned.append(configuration)
        }
        print("\npower (seeds per configuration for the spec's hypotheses):")
        for line in try PowerPlan.lines(hypotheses: plan.spec.hypotheses, planned: planned, data: data) {
            print(line)
        }
    }
}

/// The runs already in the database, by run key.
struct ExistingRuns {
    struct Entry {
        var id: Int
        var status: RunStatus
        var step: Int
    }

    var byKey: [String: Entry] = [:]

    init() {}

    init(reader: ResultsReader) throws {
        for row in try reader.query("SELECT run_key, id, status, step FROM runs").rows {
            byKey[row[0].string!] = Entry(id: row[1].int!, status: RunStatus(rawValue: row[2].string!)!,
                                          step: row[3].int!)
        }
    }
}
