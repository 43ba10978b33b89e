import ArgumentParser

/// `inception-lab bench kernels|train`: the engine's speed, measured in a release build.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the engine's speed (build with -c release).",
        subcommands: [BenchKernelsCommand.self, BenchTrainCommand.self])
}
