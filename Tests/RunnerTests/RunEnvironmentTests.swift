import Engine
import Foundation
import ResultsStore
import Runner
import Testing

@Suite("A run's recorded environment")
struct RunEnvironmentTests {
    @Test(arguments: Backend.allCases)
    func namesTheBackendItsLibraryAndTheInstructionSets(_ backend: Backend) throws {
        let environment = Backend.withBackend(backend) { RunEnvironment.current(datasetChecksum: "abc", extra: ["k": "v"]) }
        var extra = try JSONSerialization.jsonObject(with: Data(environment.extraJSON.utf8)) as? [String: String]
        // Not compared with a second read: the elementwise tests cap the C kernels for a moment, process-wide.
        let kernels = extra?.removeValue(forKey: "kernels_isa")
        #expect(["avx512", "avx2", "baseline"].contains(kernels))
        #expect(extra == ["backend": backend.rawValue, "onednn_isa": OneDNN.isa, "k": "v"])
        #expect(environment.blasConfig == backend.library)
        #expect(environment.blasConfig.hasPrefix(backend == .openblas ? "OpenBLAS" : "oneDNN"))
        #expect(!OneDNN.isa.isEmpty)
    }
}
