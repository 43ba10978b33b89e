import Foundation
import Training

/// `count` child processes of this executable with the same `arguments`, each claiming runs from the shared
/// queue. Children run in their own process groups, so a Ctrl-C reaches only this process, which passes one
/// SIGINT on to each child: each checkpoints its run and marks it killed, and this process waits for them.
struct WorkerPool {
    let arguments: [String]
    let count: Int

    /// Starts the children and waits for all of them; `stop` set (by a signal) is forwarded once.
    func run(stop: StopFlag) throws {
        fflush(nil)  // what this process printed comes before the children's lines
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let children = try (0..<count).map { _ in
            let child = Process()
            child.executableURL = executable
            child.arguments = arguments
            try child.run()
            return child
        }
        var forwarded = false
        while children.contains(where: \.isRunning) {
            if stop.isSet && !forwarded {
                for child in children where child.isRunning { kill(child.processIdentifier, SIGINT) }
                forwarded = true
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        let failed = children.filter { $0.terminationStatus != 0 }
        if !failed.isEmpty {
            throw Failure(description: "\(failed.count) of \(count) workers exited with an error (status "
                             + "\(failed.map { String($0.terminationStatus) }.joined(separator: ", ")))")
        }
    }

    /// Some workers exited with a non-zero status (each has printed why).
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }
}
