import ArgumentParser
import Benchmarks
import Engine
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the engine's speed (build with -c release).",
        subcommands: [Kernels.self])

    struct Kernels: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convolution forward/backward GFLOP/s on Inception shapes, next to plain cblas_sgemm.")

        @Option(help: "Images per batch.") var batch = 64
        @Option(help: "OpenBLAS threads (default: OpenBLAS's own choice).") var threads: Int?
        @Flag(help: "Print JSON instead of a table.") var json = false

        func validate() throws {
            guard batch > 0 else { throw ValidationError("--batch must be positive, got \(batch)") }
            if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        }

        func run() throws {
            if let threads { BLASThreads.set(threads) }
            let results = KernelBenchmark.inceptionCases.map { KernelBenchmark.run($0, batch: batch) }
            if json {
                struct Report: Encodable {
                    var threads: Int, blas: String, batch: Int, results: [KernelBenchmark.Result]
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                let data = try encoder.encode(Report(threads: BLASThreads.count, blas: BLASThreads.configuration,
                                                     batch: batch, results: results))
                print(String(decoding: data, as: UTF8.self))
                return
            }
            print("batch \(batch), OpenBLAS threads \(BLASThreads.count) (\(BLASThreads.configuration))")
            print(pad("convolution", 38) + pad("M×N×K", 18) + pad("fwd GF/s", 10, right: true)
                  + pad("bwd GF/s", 10, right: true) + pad("sgemm GF/s", 12, right: true)
                  + pad("fwd %", 8, right: true) + pad("bwd %", 8, right: true))
            for r in results {
                print(pad(r.name, 38) + pad("\(r.m)×\(r.n)×\(r.k)", 18)
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
}
