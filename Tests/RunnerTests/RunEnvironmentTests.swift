import Engine
import Foundation
import ResultsStore
import Runner
import Testing

@Suite("A run's recorded environment")
struct RunEnvironmentTests {
    @Test(arguments: Backend.allCases)
    func namesTheBackendItsLibraryAndOneDNNsInstructionSet(_ backend: Backend) throws {
        let environment = Backend.withBackend(backend) { RunEnvironment.current(datasetChecksum: "abc", extra: ["k": "v"]) }
        let extra = try JSONSerialization.jsonObject(with: Data(environment.extraJSON.utf8)) as? [String: String]
        #expect(extra == ["backend": backend.rawValue, "onednn_isa": OneDNN.isa, "k": "v"])
        #expect(environment.blasConfig == backend.library)
        #expect(environment.blasConfig.hasPrefix(backend == .openblas ? "OpenBLAS" : "oneDNN"))
        #expect(!OneDNN.isa.isEmpty)
    }
}
