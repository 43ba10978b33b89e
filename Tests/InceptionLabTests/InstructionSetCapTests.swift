import Foundation
import Testing

/// `--max-isa`: a process capped at AVX2 runs neither oneDNN's nor the C kernels' AVX-512 code, and says so. Each
/// case runs in its own process, since the cap is process-wide and oneDNN accepts it only before its first code.
@Suite("--max-isa")
struct InstructionSetCapTests {
    /// One training step of the smallest network: the compute summary `bench train` prints names no AVX-512 code
    /// (on an AVX-512 processor it would without the cap; on an older one the cap changes nothing).
    @Test(.timeLimit(.minutes(2)))
    func avx2CapsOneDNNAndTheCKernels() throws {
        let directory = FileManager.default.temporaryDirectory
        let capped = try inceptionLab(["bench", "train", "--model", "inception-v3", "--width", "0.125", "--batch", "8",
                                       "--steps", "1", "--threads", "1", "--max-isa", "avx2"], in: directory)
        #expect(capped.status == 0, "\(capped.output)")
        let summary = capped.output.split(separator: "\n").first.map(String.init) ?? ""
        #expect(summary.contains("C kernels "), "the summary names the C kernels' instruction set: \(summary)")
        #expect(!summary.contains("avx512"), "capped at AVX2, yet: \(summary)")
    }

    @Test func anUnknownInstructionSetIsRefusedWithTheChoices() throws {
        let refused = try inceptionLab(["bench", "train", "--model", "inception-v3", "--max-isa", "avx9"],
                                       in: FileManager.default.temporaryDirectory)
        #expect(refused.status != 0)
        #expect(refused.output.contains("avx9") && refused.output.contains("avx2") && refused.output.contains("avx512"),
                "\(refused.output)")
    }
}
