import Engine
import Testing

@Suite("OpenBLAS's kernel set against the processor")
struct OpenBLASCoreTests {
    /// A fallback to SSE3 kernels on an AVX-512 or AVX2 processor is noted, with the variable that picks wider ones.
    @Test func oldKernelsOnANewProcessorAreNoted() throws {
        let avx512 = try #require(OpenBLAS.narrowKernelsNote(core: "Prescott", kernels: "avx512"))
        #expect(avx512.contains("Prescott") && avx512.contains("OPENBLAS_CORETYPE=SkylakeX"))
        let avx2 = try #require(OpenBLAS.narrowKernelsNote(core: "Sandybridge", kernels: "avx2"))
        #expect(avx2.contains("OPENBLAS_CORETYPE=Haswell"))
    }

    /// Kernels as wide as the processor's, held to AVX2 on purpose, or a processor without AVX2: nothing to note.
    @Test func matchingKernelsAreNotNoted() {
        for core in ["SkylakeX", "Cooperlake", "Zen"] {
            #expect(OpenBLAS.narrowKernelsNote(core: core, kernels: "avx512") == nil)
        }
        #expect(OpenBLAS.narrowKernelsNote(core: "Haswell", kernels: "avx512") == nil)
        #expect(OpenBLAS.narrowKernelsNote(core: "Prescott", kernels: "baseline") == nil)
    }
}
