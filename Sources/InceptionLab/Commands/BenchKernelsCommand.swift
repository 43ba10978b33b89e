import ArgumentParser
import Benchmarks
import Engine
import Foundation

/// `inception-lab bench kernels`: convolution GFLOP/s on Inception shapes next to plain sgemm.
struct BenchKernelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "Convolution forward/backward GFLOP/s on Inception shapes, next to plain sgemm.",
        discussion: """
            Each shape runs on both backends (or on --backend alone), one after the other, each next to a plain \
            sgemm of the forward GEMM's M×N×K on the same backend. The last column says what ran each pass: gemm \
            (im2col and sgemm, or the direct kernels for a first layer) or oneDNN's convolution primitives.
            """)

    @Option(help: "Images per batch.") var batch = 64
    @OptionGroup(title: "Compute") var compute: ComputeOptions
    @Flag(help: "Print JSON instead of a table.") var json = false

    func validate() throws {
        guard batch > 0 else { throw ValidationError("--batch must be positive, got \(batch)") }
    }

    func run() throws {
        try compute.apply()
        let backends = compute.backend.map { [$0] } ?? Backend.allCases
        let results = KernelBenchmark.inceptionCases.flatMap { c in
            backends.map { b in Backend.withBackend(b) { KernelBenchmark.run(c, batch: batch) } }
        }
        let libraries = Dictionary(uniqueKeysWithValues: backends.map { ($0.rawValue, $0.library) })
        if json {
            struct Report: Encodable {
                var processor: String, threads: Int, libraries: [String: String], batch: Int
                var results: [KernelBenchmark.Result]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = try encoder.encode(Report(processor: Processor.current, threads: BLASThreads.count,
                                                 libraries: libraries, batch: batch, results: results))
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("\(Processor.current), batch \(batch), \(ComputeOptions.threads)")
        for b in backends { print("\(b): \(b.library)") }
        print(pad("convolution", 38) + pad("backend", 10) + pad("M×N×K", 18) + pad("fwd GF/s", 10, right: true)
              + pad("bwd GF/s", 10, right: true) + pad("sgemm GF/s", 12, right: true)
              + pad("fwd %", 8, right: true) + pad("bwd %", 8, right: true) + "  fwd / bwd via")
        for r in results {
            print(pad(r.name, 38) + pad(r.backend, 10) + pad("\(r.m)×\(r.n)×\(r.k)", 18)
                  + pad(String(format: "%.1f", r.forwardGFLOPS), 10, right: true)
                  + pad(String(format: "%.1f", r.backwardGFLOPS), 10, right: true)
                  + pad(String(format: "%.1f", r.sgemmGFLOPS), 12, right: true)
                  + pad(String(format: "%.0f", 100 * r.forwardRatio), 8, right: true)
                  + pad(String(format: "%.0f", 100 * r.backwardRatio), 8, right: true)
                  + "  \(r.forwardAlgorithm) / \(r.backwardAlgorithm)")
        }
    }

    private func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return right ? fill + s : s + fill
    }
}
