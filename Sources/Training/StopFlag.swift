import Dispatch
import Foundation
import Synchronization

/// A request to stop training at the next step boundary, set from another thread or by SIGINT/SIGTERM.
///
/// Threading: `isSet` and `set()` are atomic; any thread may call them. `installSignalHandlers()` is called once,
/// before training starts, from the thread that owns the flag (the only access to `signalSources`).
public final class StopFlag: @unchecked Sendable {
    private let flag = Atomic<Bool>(false)
    private var signalSources: [any DispatchSourceSignal] = []

    public init() {}

    public var isSet: Bool { flag.load(ordering: .relaxed) }
    public func set() { flag.store(true, ordering: .relaxed) }

    /// Routes SIGINT and SIGTERM to this flag instead of terminating the process, so the trainer can checkpoint
    /// and mark the run `killed`. A second signal of the same kind terminates at once.
    public func installSignalHandlers() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self] in
                if isSet { exit(130) }
                set()
            }
            source.resume()
            signalSources.append(source)
        }
    }
}
