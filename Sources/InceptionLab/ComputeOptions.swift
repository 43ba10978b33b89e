import ArgumentParser
import Engine
import Foundation
import ResultsStore
import Runner

extension Backend: ExpressibleByArgument {}
extension InstructionSet: ExpressibleByArgument {}

/// How one process computes: the GEMM backend, its threads and the widest instruction set. Shared by every command
/// that runs a network (`train`, `run`, `bench`, `forward`, `predict`, `evaluate`); `run` divides its threads among
/// its workers.
struct ComputeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Convolutions and matrix products through openblas or onednn (default: "
                               + "\(Backend.preferred), the faster on the processors measured)."))
    var backend: Backend?

    @Option(help: "Threads of the matrix products (default: the library's own choice, the number of cores).")
    var threads: Int?

    @Option(name: .customLong("max-isa"), help: ArgumentHelp(
        "Cap oneDNN's JIT and the engine's C kernels at this instruction set, to measure an AVX2-only processor's "
            + "code paths on a newer one (default: the widest the processor has; OpenBLAS follows "
            + "OPENBLAS_CORETYPE).",
        valueName: "isa"))
    var maxISA: InstructionSet?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    /// Selects the backend, its threads and the instruction set cap for this process.
    func apply() throws {
        try maxISA?.cap()
        select()
        if let threads { BLASThreads.set(threads) }
    }

    /// Selects the backend, the instruction set cap and the threads of one of `workers` processes sharing these
    /// options (`threads(sharedAmong:)`) for this process.
    func apply(sharedAmong workers: Int) throws {
        try maxISA?.cap()
        select()
        BLASThreads.set(threads(sharedAmong: workers))
    }

    /// Selects the backend chosen, with a note on standard error when it is OpenBLAS running kernels older than
    /// the processor (`OpenBLAS.narrowKernelsNote`).
    private func select() {
        Backend.select(chosenBackend)
        if chosenBackend == .openblas, let note = OpenBLAS.narrowKernelsNote() {
            FileHandle.standardError.write(Data("note: \(note)\n".utf8))
        }
    }

    /// The options of one of `workers` worker processes sharing these: the backend and cap chosen here, so that
    /// every worker computes alike, and its share of the threads.
    func arguments(sharedAmong workers: Int) -> [String] {
        ["--backend", chosenBackend.rawValue, "--threads", String(threads(sharedAmong: workers))]
            + (maxISA.map { ["--max-isa", $0.rawValue] } ?? [])
    }

    /// How each of `workers` processes sharing these options computes on this processor: what `plan` times runs
    /// by. Applies the instruction set cap, which the library's description names.
    func setting(sharedAmong workers: Int) throws -> ComputeSetting {
        try maxISA?.cap()
        return ComputeSetting(processor: Processor.current, library: chosenBackend.library,
                              threads: threads(sharedAmong: workers))
    }

    /// The backend given, or the preferred one.
    private var chosenBackend: Backend { backend ?? Backend.preferred }

    /// The threads of one of `workers` processes: the given total (default: the number of cores) divided among
    /// them, at least 1.
    private func threads(sharedAmong workers: Int) -> Int {
        max(1, (threads ?? ProcessInfo.processInfo.activeProcessorCount) / workers)
    }

    /// `AMD EPYC (family 25, model 17), backend onednn (oneDNN 2.6.3 isa=…), C kernels avx512, 2 threads`: the
    /// processor and what the process computes with, for the commands' output.
    static var summary: String {
        "\(Processor.current), backend \(Backend.current) (\(Backend.current.library)), C kernels "
            + "\(InstructionSet.kernels), " + threads
    }

    /// `1 thread` or `N threads`: the process's thread count, for the commands' output.
    static var threads: String { ComputeSetting.describe(threads: BLASThreads.count) }
}
