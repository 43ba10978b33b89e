import Engine
import Testing

@Suite("Processor name")
struct ProcessorTests {
    /// The first processor's block of /proc/cpuinfo, as a Zen 4 virtual machine shows it (abridged).
    private let zen4 = """
        processor\t: 0
        vendor_id\t: AuthenticAMD
        cpu family\t: 25
        model\t\t: 17
        model name\t: AMD EPYC
        stepping\t: 1

        processor\t: 1
        vendor_id\t: AuthenticAMD
        cpu family\t: 26
        model\t\t: 2
        model name\t: Other
        """

    /// Two generations that show one model name are told apart by family and model; the first block is read.
    @Test func nameCarriesFamilyAndModel() {
        #expect(Processor.name(cpuinfo: zen4) == "AMD EPYC (family 25, model 17)")
        #expect(Processor.name(cpuinfo: zen4.replacing("cpu family\t: 25", with: "cpu family\t: 26")
            .replacing("model\t\t: 17", with: "model\t\t: 2")) == "AMD EPYC (family 26, model 2)")
    }

    /// Without family and model (other architectures) the model name alone; without a model name, `unknown`.
    @Test func missingFieldsAreNotInvented() {
        #expect(Processor.name(cpuinfo: "processor\t: 0\nmodel name\t: Some CPU\n") == "Some CPU")
        #expect(Processor.name(cpuinfo: "") == "unknown")
        #expect(Processor.name(cpuinfo: "processor\t: 0\nBogoMIPS\t: 50.00\n") == "unknown")
        #expect(!Processor.current.isEmpty)
    }
}
