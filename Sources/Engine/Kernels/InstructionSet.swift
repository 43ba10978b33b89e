import CDNNL
import CKernels

/// The widest vector instruction set the engine's run-time dispatch may choose, for oneDNN's JIT and for the
/// elementwise kernels in C (`CKernels`, `ck_vectors`).
///
/// Both pick the widest the processor has. Capping them at AVX2 runs an AVX2-only processor's code paths (Zen 3,
/// Haswell) on a newer one, so they can be measured side by side with the processor's own (`--max-isa`). It does
/// not change the microarchitecture (caches, cores), and OpenBLAS chooses its kernels when it loads
/// (`OPENBLAS_CORETYPE=Haswell` holds it to AVX2). Every variant of the C kernels gives the same bits; oneDNN's
/// may differ in rounding.
public enum InstructionSet: String, CaseIterable, Sendable, CustomStringConvertible {
    /// AVX2 with FMA: oneDNN's `avx2`, the C kernels' AVX2 variant.
    case avx2
    /// The widest the processor has, AVX-512 and its extensions where present (the default).
    case avx512

    public var description: String { rawValue }

    /// Caps oneDNN's JIT and the C kernels at this instruction set, for the rest of the process. Call it before
    /// the first network runs: oneDNN fixes its choice when it first generates code or reports its instruction
    /// set (`OneDNN.isa`), after which this throws and caps nothing.
    public func cap() throws {
        let status = dnnl_set_max_cpu_isa(self == .avx2 ? dnnl_cpu_isa_avx2 : dnnl_cpu_isa_all)
        guard status == dnnl_success else { throw CapError(requested: self, status: status.rawValue) }
        ck_cap_vectors(Int32(self == .avx2 ? CK_VECTORS_AVX2 : CK_VECTORS_AVX512))
    }

    /// The C kernels' variant on this processor under the cap: `avx512`, `avx2` or `baseline` (SSE2).
    public static var kernels: String {
        switch Int(ck_vectors()) {
        case Int(CK_VECTORS_AVX512): "avx512"
        case Int(CK_VECTORS_AVX2): "avx2"
        default: "baseline"
        }
    }

    /// oneDNN refused the cap (it had generated code already, or was built without the control).
    public struct CapError: Error, CustomStringConvertible {
        public let requested: InstructionSet
        public let status: UInt32

        public var description: String {
            "oneDNN refused to cap its instruction set at \(requested) (dnnl_status_t \(status)): the cap must come "
                + "before any oneDNN code runs, and the installed oneDNN must allow it (ONEDNN_MAX_CPU_ISA=AVX2 in "
                + "the environment does the same)"
        }
    }
}
