import ArgumentParser
import Benchmarks
import Engine
import Foundation
import Models

/// `inception-lab bench train`: whole training steps timed, by layer kind.
struct BenchTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Time whole training steps (forward, backward, RMSProp) on synthetic 32×32×1 images.",
        discussion: """
            Reports images/s, ms/step, achieved GFLOP/s (3 × 2 × forward MACs per image × images/s) and that \
            figure as a percentage of a plain sgemm (14400×96×576, same backend) measured in the same run, peak \
            resident memory, and the time per step by layer kind. --all runs every model at the widths and input \
            its help gives.
            """)

    @Option(help: "The network (or --all).") var model: ModelName?
    @OptionGroup(title: "Model") var modelOptions: ModelOptions
    @Flag(help: """
        Every model at width \(allWidths.map { "\($0)" }.joined(separator: " and ")), \(defaults.stem) stem, \
        \(defaults.input)×\(defaults.input)×\(defaults.channels), \(defaults.classes) classes.
        """) var all = false
    @Option(help: "Images per batch.") var batch = 64
    @Option(help: "Timed steps (after 3 warm-up steps).") var steps = 10
    @OptionGroup(title: "Compute") var compute: ComputeOptions
    @Flag(help: "Print JSON instead of a table.") var json = false

    static let defaults = ModelOptions.Defaults(input: 32, channels: 1, classes: 10, stem: .compact)
    /// The widths `--all` runs each model at.
    static let allWidths = [0.125, 0.25]

    func validate() throws {
        guard all != (model != nil) else { throw ValidationError("give --model MODEL or --all") }
        guard batch > 0, steps > 0 else { throw ValidationError("--batch and --steps must be positive") }
    }

    func run() throws {
        try compute.apply()
        if !json { print(ComputeOptions.summary) }
        let configs = all
            ? Self.allWidths.flatMap { w in ModelName.allCases.map { Self.defaults.config(model: $0, width: w) } }
            : [try modelOptions.config(model: model!, defaults: Self.defaults)]
        var results: [(TrainingBenchmark.Result, peakMB: String)] = []
        for config in configs {
            ProcessMemory.resetPeak()
            let result = try TrainingBenchmark.run(config, batch: batch, steps: steps)
            results.append((result, ProcessMemory.read().peakMB))
            if !json { print(row(result, peakMB: results.last!.peakMB)) }
        }
        if json {
            struct Entry: Encodable { var result: TrainingBenchmark.Result; var peakResidentMB: String }
            print(try jsonString(results.map { Entry(result: $0.0, peakResidentMB: $0.peakMB) }))
        }
    }

    private func row(_ r: TrainingBenchmark.Result, peakMB: String) -> String {
        let kinds = Profiler.Kind.allCases.map { k in
            String(format: "%@ %.1f", k.rawValue, r.breakdown[k.rawValue] ?? 0)
        }.joined(separator: ", ")
        return String(format: "%@ w%.3g  batch %d  %@ threads %d: %.1f img/s, %.1f ms/step, %.1f GFLOP/s = %.0f%% "
                          + "of sgemm (%.1f), peak %@ MB\n  ms/step by kind: %@",
                      r.model, r.width, r.batch, r.backend, r.threads, r.imagesPerSecond, r.millisecondsPerStep,
                      r.gflops, r.percentOfSgemm, r.sgemmGFLOPS, peakMB, kinds)
    }
}
