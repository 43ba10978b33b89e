import CBLAS
import CDNNL

/// The library that runs the engine's matrix products, one per process.
///
/// Both compute the same row-major `sgemm`; they differ in speed and in the order of the sums inside a product, so
/// results agree to float rounding, not bit for bit (docs/performance.md says by how much). A process selects one
/// with `select(_:)` before its first network runs (the commands' `--backend`); tests scope one to a task with
/// `withBackend(_:_:)`, so tests on both backends may run in parallel.
public enum Backend: String, CaseIterable, Sendable, CustomStringConvertible {
    /// OpenBLAS's `cblas_sgemm` with its own pthread pool: the design's library and the reference of the tests.
    case openblas
    /// oneDNN's JIT `dnnl_sgemm` with its OpenMP threads. It picks its instruction set when the process starts
    /// (`OneDNN.isa`: AVX-512 on Zen 4/5 and recent Intel, AVX2 on Zen 3), so one binary is fast on each.
    case onednn

    public var description: String { rawValue }

    /// The backend of the calling task: the one scoped by `withBackend`, else the process's.
    public static var current: Backend { scoped ?? selected }

    /// The default: oneDNN, whose convolution primitives and `sgemm` made whole training steps of all ten `bench
    /// train --all` networks faster than OpenBLAS's on one and on two threads, with its JIT at AVX-512 and held to
    /// AVX2 (`ONEDNN_MAX_CPU_ISA=AVX2` against `OPENBLAS_CORETYPE=Haswell`), on a Zen 4 (docs/performance.md).
    /// OpenBLAS stays the reference of the tests and the other choice of `--backend`.
    public static let preferred: Backend = .onednn

    /// Makes `backend` the process's backend (its threads: `BLASThreads`).
    public static func select(_ backend: Backend) { selected = backend }

    /// Runs `body` with `backend` as the calling task's backend.
    public static func withBackend<T>(_ backend: Backend, _ body: () throws -> T) rethrows -> T {
        try $scoped.withValue(backend, operation: body)
    }

    /// What runs the products: the library, its version and build or the instruction set it chose.
    public var library: String {
        switch self {
        case .openblas: String(cString: openblas_get_config()) + " core=" + OpenBLAS.core
        case .onednn: OneDNN.version + " isa=" + OneDNN.isa + " threading=OpenMP"
        }
    }

    nonisolated(unsafe) private static var selected = preferred
    @TaskLocal private static var scoped: Backend?
}

/// What the installed oneDNN reports about itself.
public enum OneDNN {
    /// The instruction set oneDNN's JIT generates code for on this processor, by oneDNN's name for it
    /// (`dnnl_get_effective_cpu_isa`; `avx512_core_bf16` on Zen 4, `avx2` on Zen 3).
    public static var isa: String {
        let isa = dnnl_get_effective_cpu_isa()
        let names: [(dnnl_cpu_isa_t, String)] = [
            (dnnl_cpu_isa_avx512_core_amx, "avx512_core_amx"), (dnnl_cpu_isa_avx512_core_bf16, "avx512_core_bf16"),
            (dnnl_cpu_isa_avx512_core_vnni, "avx512_core_vnni"), (dnnl_cpu_isa_avx512_core, "avx512_core"),
            (dnnl_cpu_isa_avx512_mic_4ops, "avx512_mic_4ops"), (dnnl_cpu_isa_avx512_mic, "avx512_mic"),
            (dnnl_cpu_isa_avx2_vnni, "avx2_vnni"), (dnnl_cpu_isa_avx2, "avx2"), (dnnl_cpu_isa_avx, "avx"),
            (dnnl_cpu_isa_sse41, "sse41"),
        ]
        return names.first { $0.0 == isa }?.1 ?? "isa 0x" + String(isa.rawValue, radix: 16)
    }

    /// `oneDNN MAJOR.MINOR.PATCH`.
    public static var version: String {
        let v = dnnl_version().pointee
        return "oneDNN \(v.major).\(v.minor).\(v.patch)"
    }
}

/// What the installed OpenBLAS reports about itself.
public enum OpenBLAS {
    /// The kernel set OpenBLAS chose at load time (`Haswell`, `SkylakeX`, `Cooperlake`, `Zen`, …), which
    /// `OPENBLAS_CORETYPE` overrides.
    public static var core: String { String(cString: openblas_get_corename()) }

    /// OpenBLAS's kernel sets with AVX2 or wider vectors.
    static let wideCores: Set<String> = ["Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids", "Excavator"]

    /// Why OpenBLAS runs slowly on this processor, or nil: a kernel set `core` without AVX2 where the C kernels run
    /// `kernels` (`InstructionSet.kernels`) `avx2` or `avx512` means OpenBLAS did not recognise the processor and
    /// fell back to old kernels (Debian's 0.3.21 runs `Prescott`, SSE3, on an Intel Xeon of family 6 model 207:
    /// a quarter of its `SkylakeX` speed, docs/engine.md). The note names the variable that picks wider kernels.
    public static func narrowKernelsNote(core: String = core, kernels: String = InstructionSet.kernels) -> String? {
        guard kernels == "avx2" || kernels == "avx512", !wideCores.contains(core) else { return nil }
        let wider = kernels == "avx512" ? "SkylakeX" : "Haswell"
        return "OpenBLAS runs its \(core) kernels, older than this processor's \(kernels) (it did not recognise the "
            + "processor): set OPENBLAS_CORETYPE=\(wider) in the environment for its \(kernels) kernels, or use "
            + "--backend onednn"
    }
}
