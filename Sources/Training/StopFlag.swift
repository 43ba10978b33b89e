import Dispatch
import Foundation
import Synchronization

/// A request to stop training at the next step boundary, set from another thread or by SIGINT/SIGTERM.
///
/// Threading: `isSet` and `set()` are atomic; any thread may call them. `installSignalHandlers()` is called once,
/// before training starts, from the thread that owns the flag (the only access to `signalSources`).
public final class StopFlag: @unchecked Sendable {
    private let flag = Atomic<Bool>(false)
    /// The stop signals received so far, bit `1 << n` for signal number `n`.
    private let received = Atomic<UInt64>(0)
    private var signalSources: [any DispatchSourceSignal] = []

    public init() {}

    public var isSet: Bool { flag.load(ordering: .relaxed) }
    public func set() { flag.store(true, ordering: .relaxed) }

    /// Routes SIGINT and SIGTERM to this flag instead of terminating the process, so the trainer can checkpoint
    /// and mark the run `killed`. A second signal of the same kind terminates at once (`_exit(130)`: Ctrl-C twice);
    /// one of each does not, so a worker signalled beside its runner (SIGTERM to every process, as `pkill -f`,
    /// `systemctl stop` or a container's stop send it, and the runner's forwarded SIGINT) still checkpoints.
    ///
    /// Call it first thing on the main thread, before any compute thread starts: it blocks both signals in the
    /// calling thread, and threads started afterwards (OpenMP's among them) inherit the mask, so no thread ever runs
    /// a handler for them. libdispatch's signal source reads them from a signalfd instead, but installs a handler
    /// so that they are not discarded, and a handler run on a thread inside oneDNN 2.6's JIT f32 GEMM corrupts the
    /// heap: that kernel points `rsp` into a heap buffer, where the kernel then writes the signal frame (oneDNN
    /// issue 4845, fixed in 3.11.2; docs/engine.md, "Signals").
    public func installSignalHandlers() {
        var blocked = sigset_t()
        sigemptyset(&blocked)
        for sig in [SIGINT, SIGTERM] { sigaddset(&blocked, sig) }
        pthread_sigmask(SIG_BLOCK, &blocked, nil)
        for sig in [SIGINT, SIGTERM] {
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self, source] in
                let bit: UInt64 = 1 << UInt64(sig)
                let seen = received.bitwiseOr(bit, ordering: .relaxed).oldValue & bit != 0
                // At once: no exit handlers running beside the training thread. `data` counts the deliveries
                // since the last call, so two signals close together count as two.
                if seen || source.data > 1 { _exit(130) }
                set()
            }
            source.resume()
            signalSources.append(source)
        }
    }
}
