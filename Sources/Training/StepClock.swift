import Engine
import Foundation
import Synchronization

/// Times training steps, leaving out time the process spent stopped.
///
/// A process stopped by SIGSTOP (a shell's ^Z, Slurm suspending a job, a benchmark pausing the workers) goes on
/// counting wall time: a step that spans the stop would take minutes instead of milliseconds and carry that into
/// the run's training time, its curves against time and its time to a target error. No clock leaves out the time
/// a process is stopped, but the kernel sends SIGCONT when it continues: `StepClock` counts those signals, and a
/// step during which one arrived counts the time of the last step no stop interrupted instead of its own. The
/// trainer logs each such step as a `paused` event.
///
/// Threading: the count of continues is one atomic, incremented by the signal handler on whichever thread the
/// kernel picks; a `StepClock` value belongs to the training loop's thread.
struct StepClock {
    /// One step's timing.
    struct Lap {
        /// The step's time in seconds: `measured`, or with `stopped`, the last uninterrupted step's.
        var seconds: Double
        /// The wall time the step took, in seconds, including any time the process was stopped.
        var measured: Double
        /// Whether the process was stopped (a SIGCONT arrived) during the step.
        var stopped: Bool
        /// With `stopped`, whether an earlier uninterrupted step stood in (the first step of a process has none,
        /// and keeps its measured time).
        var replaced: Bool

        /// What a `paused` event says about a stopped step.
        var description: String {
            let took = "the process was stopped during this step, which took \(Self.text(measured))"
            return replaced ? "\(took); it counts as the last uninterrupted step's \(Self.text(seconds))"
                : "\(took); no uninterrupted step came before it in this process, so it counts as measured"
        }

        private static func text(_ seconds: Double) -> String { String(format: "%.3f s", seconds) }
    }

    /// The number of SIGCONT signals this process has received since `installContinueCounter` ran.
    static let continues = Atomic<Int>(0)

    /// Counts SIGCONT from now on (the handler is installed once per process) and unblocks it on the calling
    /// thread, the one that will train: a process spawned from a thread that blocks signals (a Dispatch worker,
    /// a test runner) inherits that mask, and a signal every thread blocks is never handled. The signal keeps its
    /// effect: the kernel continues a stopped process whatever its handler or mask.
    static func installContinueCounter() {
        _ = counterInstalled
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGCONT)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }

    private static let counterInstalled: Void = {
        _ = signal(SIGCONT) { _ in _ = StepClock.continues.add(1, ordering: .relaxed) }
    }()

    private let clock = ContinuousClock()
    /// The count of continues so far; `StepClock.continues` in a process, a counter a test controls in tests.
    private let continuesSoFar: () -> Int
    /// The time in seconds of the last step no stop interrupted, if any.
    private var lastUninterrupted: Double?

    /// A clock counting this process's continues (installs the counter).
    init() {
        Self.installContinueCounter()
        self.init(continues: { StepClock.continues.load(ordering: .relaxed) })
    }

    /// A clock reading the count of continues from `continues`.
    init(continues: @escaping () -> Int) {
        continuesSoFar = continues
    }

    /// Runs one step, `body`, and times it.
    mutating func time<T>(_ body: () throws -> T) rethrows -> (T, Lap) {
        let before = continuesSoFar()
        let started = clock.now
        let result = try body()
        let measured = (clock.now - started).seconds
        let stopped = continuesSoFar() != before
        let stand = stopped ? lastUninterrupted : nil
        if !stopped { lastUninterrupted = measured }
        return (result, Lap(seconds: stand ?? measured, measured: measured, stopped: stopped, replaced: stand != nil))
    }
}
