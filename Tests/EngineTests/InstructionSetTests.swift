import Engine
import Testing

@Suite("Instruction set cap")
struct InstructionSetTests {
    /// oneDNN fixes its instruction set once it has reported it, so a late cap is refused with an error that
    /// says when to cap instead (the commands cap before any network runs; `InstructionSetCapTests` covers that).
    @Test func aCapAfterOneDNNChoseIsRefusedAndSaysWhen() {
        _ = OneDNN.isa
        #expect {
            try InstructionSet.avx2.cap()
        } throws: { error in
            "\(error)".contains("before any oneDNN code runs") && "\(error)".contains("ONEDNN_MAX_CPU_ISA")
        }
    }
}
