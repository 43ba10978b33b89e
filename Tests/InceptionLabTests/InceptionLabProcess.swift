import Foundation

/// The `inception-lab` executable SwiftPM built into the same directory as this test bundle.
func inceptionLabExecutable() -> URL {
    let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    return testBinary.deletingLastPathComponent().appendingPathComponent("inception-lab")
}

/// Starts `inception-lab ARGUMENTS` in a child process, its output discarded.
func startInceptionLab(_ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = inceptionLabExecutable()
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
}

/// What a child process printed and how it exited.
struct Finished {
    var status: Int32
    var reason: Process.TerminationReason
    /// Standard output and standard error, interleaved.
    var output: String
    /// The last line that is not empty.
    var lastLine: String { output.split(separator: "\n").last.map(String.init) ?? "" }
}

/// Runs `program` (a path, or a name looked up on PATH) with `arguments` in `directory` and waits for it.
@discardableResult
func command(_ program: String, _ arguments: [String], in directory: URL? = nil) throws -> Finished {
    let process = Process()
    process.executableURL = program.hasPrefix("/")
        ? URL(fileURLWithPath: program) : URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = program.hasPrefix("/") ? arguments : [program] + arguments
    process.currentDirectoryURL = directory
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Finished(status: process.terminationStatus, reason: process.terminationReason,
                    output: String(decoding: data, as: UTF8.self))
}

/// Runs `inception-lab` with `arguments` in `directory` and waits for it.
func inceptionLab(_ arguments: [String], in directory: URL) throws -> Finished {
    try command(inceptionLabExecutable().path, arguments, in: directory)
}
