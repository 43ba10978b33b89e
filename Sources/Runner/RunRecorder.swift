import Foundation
import ResultsStore
import Training

/// The `TrainingObserver` that keeps a run's numbers in the results database: metrics go through a batched
/// `MetricWriter` (one transaction per flush, upserts so a resumed run overwrites), events are written at once,
/// a checkpoint flushes everything recorded before it, and the heartbeat is refreshed at least every
/// `heartbeatInterval` seconds so a crashed run is recognisable by its stale heartbeat.
///
/// Threading: used on the training thread only (it owns the writer's connection).
public final class RunRecorder: TrainingObserver {
    public let runID: Int
    private let store: ResultsStore
    private let writer: MetricWriter
    private let heartbeatInterval: Double
    private var lastHeartbeat = Date()
    /// Also told about every progress snapshot (a terminal display, for instance).
    public var onProgress: ((TrainingProgress) -> Void)?

    public init(store: ResultsStore, runID: Int, settings: MetricWriter.Settings = .init(),
                heartbeatInterval: Double = 10) throws {
        self.store = store
        self.runID = runID
        self.heartbeatInterval = heartbeatInterval
        writer = try MetricWriter(store: store, run: runID, settings: settings)
    }

    /// Errors from the database end the run: a store that cannot record is worse than a stopped run.
    public private(set) var failure: (any Error)?

    public func record(step: Int, wallTime: Double, metrics: [String: Double]) {
        attempt {
            for (name, value) in metrics.sorted(by: { $0.key < $1.key }) {
                try writer.append(name, step: step, value: value, wallTime: wallTime)
            }
        }
    }

    public func event(step: Int, kind: String, message: String) {
        attempt { try store.addEvent(run: runID, kind: kind, message: message, step: step) }
    }

    public func checkpointed(step: Int) {
        attempt { try writer.flush() }
    }

    public func progress(_ progress: TrainingProgress) {
        onProgress?(progress)
        if Date().timeIntervalSince(lastHeartbeat) >= heartbeatInterval {
            lastHeartbeat = Date()
            attempt { try store.heartbeat(run: runID, step: progress.step) }
        }
    }

    /// Writes whatever is still buffered.
    public func flush() throws {
        try writer.flush()
        if let failure { throw failure }
    }

    private func attempt(_ body: () throws -> Void) {
        guard failure == nil else { return }
        do { try body() } catch { failure = error }
    }
}
