import Engine
import Foundation
import ResultsStore

extension ComputeSetting {
    /// How this process computes: `Processor.current`, the selected backend's library and the GEMM threads.
    public static var current: ComputeSetting {
        ComputeSetting(processor: Processor.current, library: Backend.current.library, threads: BLASThreads.count)
    }
}

extension RunEnvironment {
    /// The environment of this process: the git revision this binary was built from (`buildRevision`: `-dirty`
    /// when the sources had uncommitted changes, `unknown` when built outside a checkout), host, the processor
    /// (`Processor.current`: model name, family and model), the GEMM threads and library (`blasConfig`: the backend's
    /// `library`), the compiler's Swift version, the dataset checksum and the command line. `extraJSON` holds `extra`
    /// plus `backend`, oneDNN's `onednn_isa` (the instruction set its JIT chose, recorded whichever backend ran) and
    /// the C kernels' `kernels_isa` (`InstructionSet.kernels`). A run resumed from a checkpoint passes the
    /// environment it recorded before (`resuming`): the settings its earlier steps computed with, where they differ
    /// from this one's, carry over as `earlierSettings`.
    public static func current(datasetChecksum: String, extra: [String: String] = [:],
                               resuming previous: RunEnvironment? = nil) -> RunEnvironment {
        let recorded = ["backend": Backend.current.rawValue, "onednn_isa": OneDNN.isa,
                        "kernels_isa": InstructionSet.kernels]
        var fields: [String: Any] = extra.merging(recorded) { $1 }
        let setting = ComputeSetting.current
        if let previous {
            var earlier = previous.earlierSettings
            if previous.setting != setting, earlier.last != previous.setting.description {
                earlier.append(previous.setting.description)
            }
            if !earlier.isEmpty { fields[earlierSettingsKey] = earlier }
        }
        let extraJSON = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]))
            .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return RunEnvironment(
            codeRevision: buildRevision, host: ProcessInfo.processInfo.hostName, cpuModel: setting.processor,
            threads: setting.threads, blasConfig: setting.library, swiftVersion: compilerVersion,
            datasetChecksum: datasetChecksum, commandLine: CommandLine.arguments.joined(separator: " "),
            extraJSON: extraJSON)
    }

    static var compilerVersion: String {
        #if compiler(>=6.4)
        "Swift 6.4 or later"
        #elseif compiler(>=6.3)
        "Swift 6.3"
        #elseif compiler(>=6.2)
        "Swift 6.2"
        #else
        "Swift 6.1 or earlier"
        #endif
    }
}
