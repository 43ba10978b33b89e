import Engine
import Foundation
import ResultsStore
import Runner
import Testing

@Suite("A run's recorded environment")
struct RunEnvironmentTests {
    @Test(arguments: Backend.allCases)
    func namesTheBackendItsLibraryAndTheInstructionSets(_ backend: Backend) throws {
        let environment = Backend.withBackend(backend) {
            RunEnvironment.current(datasetChecksum: "abc", extra: ["k": "v"])
        }
        var extra = try JSONSerialization.jsonObject(with: Data(environment.extraJSON.utf8)) as? [String: String]
        // Not compared with a second read: the elementwise tests cap the C kernels for a moment, process-wide.
        let kernels = extra?.removeValue(forKey: "kernels_isa")
        #expect(["avx512", "avx2", "baseline"].contains(kernels))
        #expect(extra == ["backend": backend.rawValue, "onednn_isa": OneDNN.isa, "k": "v"])
        #expect(environment.blasConfig == backend.library)
        #expect(environment.blasConfig.hasPrefix(backend == .openblas ? "OpenBLAS" : "oneDNN"))
        #expect(!OneDNN.isa.isEmpty)
    }

    /// A resumed run keeps the settings its earlier steps computed with where they differ from this process's:
    /// none after a resume on the same setting, the earlier one after a resume elsewhere, and every earlier one
    /// after a second resume, even back on the first.
    @Test func aResumeCarriesTheEarlierSettings() {
        let here = RunEnvironment.current(datasetChecksum: "abc")
        #expect(RunEnvironment.current(datasetChecksum: "abc", resuming: here).earlierSettings.isEmpty)
        var there = here
        there.threads = here.threads + 1
        let resumed = RunEnvironment.current(datasetChecksum: "abc", resuming: there)
        #expect(resumed.earlierSettings == [there.setting.description] && resumed.setting == here.setting)
        #expect(RunEnvironment.current(datasetChecksum: "abc", resuming: resumed).earlierSettings
                == [there.setting.description])
    }

    /// The revision is the one the binary was built from (stamped at build time), not the directory the run starts
    /// in: here the package's HEAD, with `-dirty` when its tracked files had changes at the build.
    @Test func recordsTheRevisionItWasBuiltFrom() throws {
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "-C", package.path, "rev-parse", "--short=12", "HEAD"]
        let pipe = Pipe()
        git.standardOutput = pipe
        git.standardError = FileHandle.nullDevice
        try git.run()
        let head = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        git.waitUntilExit()
        let revision = RunEnvironment.current(datasetChecksum: "abc").codeRevision
        if git.terminationStatus == 0 {
            #expect(revision == head || revision == head + "-dirty", "built from \(revision), HEAD is \(head)")
        } else {
            #expect(revision == "unknown")
        }
    }
}
