import ArgumentParser
import Benchmarks
import Engine
import Foundation
import Models

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the engine's speed (build with -c release).",
        subcommands: [Kernels.self, Train.self])

    struct Kernels: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convolution forward/backward GFLOP/s on Inception shapes, next to plain sgemm.",
            discussion: """
                Each shape runs on both backends (or on --backend alone), one after the other, each next to a plain \
                sgemm of the forward GEMM's M×N×K on the same backend.
                """)

        @Option(help: "Images per batch.") var batch = 64
        @OptionGroup(title: "Compute") var compute: ComputeOptions
        @Flag(help: "Print JSON instead of a table.") var json = false

        func validate() throws {
            guard batch > 0 else { throw ValidationError("--batch must be positive, got \(batch)") }
        }

        func run() throws {
            compute.apply()
            let backends = compute.backend.map { [$0] } ?? Backend.allCases
            let results = KernelBenchmark.inceptionCases.flatMap { c in
                backends.map { b in Backend.withBackend(b) { KernelBenchmark.run(c, batch: batch) } }
            }
            let libraries = Dictionary(uniqueKeysWithValues: backends.map { ($0.rawValue, $0.library) })
            if json {
                struct Report: Encodable {
                    var threads: Int, libraries: [String: String], batch: Int, results: [KernelBenchmark.Result]
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                let data = try encoder.encode(Report(threads: BLASThreads.count, libraries: libraries, batch: batch,
                                                     results: results))
                print(String(decoding: data, as: UTF8.self))
                return
            }
            print("batch \(batch), \(BLASThreads.count) threads")
            for b in backends { print("\(b): \(b.library)") }
            print(pad("convolution", 38) + pad("backend", 10) + pad("M×N×K", 18) + pad("fwd GF/s", 10, right: true)
                  + pad("bwd GF/s", 10, right: true) + pad("sgemm GF/s", 12, right: true)
                  + pad("fwd %", 8, right: true) + pad("bwd %", 8, right: true))
            for r in results {
                print(pad(r.name, 38) + pad(r.backend, 10) + pad("\(r.m)×\(r.n)×\(r.k)", 18)
                      + pad(String(format: "%.1f", r.forwardGFLOPS), 10, right: true)
                      + pad(String(format: "%.1f", r.backwardGFLOPS), 10, right: true)
                      + pad(String(format: "%.1f", r.sgemmGFLOPS), 12, right: true)
                      + pad(String(format: "%.0f", 100 * r.forwardRatio), 8, right: true)
                      + pad(String(format: "%.0f", 100 * r.backwardRatio), 8, right: true))
            }
        }

        private func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, width - s.count))
            return right ? fill + s : s + fill
        }
    }

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time whole training steps (forward, backward, RMSProp) on synthetic 32×32×1 images.",
            discussion: """
                Reports images/s, ms/step, achieved GFLOP/s (3 × 2 × forward MACs per image × images/s) and that \
                figure as a percentage of a plain sgemm (14400×96×576, same backend) measured in the same run, peak \
                resident memory, and the time per step by layer kind. --all runs the five models at width 0.125 \
                and 0.25 with the compact stem.
                """)

        @Option(help: "The network (or --all).") var model: String?
        @OptionGroup(title: "Model") var modelOptions: ModelOptions
        @Flag(help: "Every model at width 0.125 and 0.25, compact stem, 32×32×1, 10 classes.") var all = false
        @Option(help: "Images per batch.") var batch = 64
        @Option(help: "Timed steps (after 3 warm-up steps).") var steps = 10
        @OptionGroup(title: "Compute") var compute: ComputeOptions
        @Option(help: "Threads for the elementwise kernels (BatchNorm, residual merge); results are identical.")
        var elementwiseThreads = 1
        @Flag(help: "Print JSON instead of a table.") var json = false

        static let defaults = ModelOptions.Defaults(input: 32, channels: 1, classes: 10, stem: .compact)

        func validate() throws {
            guard all != (model != nil) else { throw ValidationError("give --model MODEL or --all") }
            guard batch > 0, steps > 0 else { throw ValidationError("--batch and --steps must be positive") }
            if elementwiseThreads < 1 { throw ValidationError("--elementwise-threads must be at least 1") }
        }

        func run() throws {
            compute.apply()
            ElementwiseThreads.set(elementwiseThreads)
            let configs = all
                ? [0.125, 0.25].flatMap { w in ModelName.allCases.map { ModelConfig(model: $0, width: w, stem: .compact, inputSize: 32, inputChannels: 1, classes: 10) } }
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
            return String(format: "%@ w%.3g  batch %d  %@ threads %d: %.1f img/s, %.1f ms/step, %.1f GFLOP/s = %.0f%% of sgemm (%.1f), peak %@ MB\n  ms/step by kind: %@",
                          r.model, r.width, r.batch, r.backend, r.threads, r.imagesPerSecond, r.millisecondsPerStep, r.gflops,
                          r.percentOfSgemm, r.sgemmGFLOPS, peakMB, kinds)
        }
    }
}
