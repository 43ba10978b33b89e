import Foundation
import ResultsStore
import TensorBoard
import Training

/// The `TrainingObserver` that keeps a run's numbers in the results database: metrics go through a batched
/// `MetricWriter` (one transaction per flush, upserts so a resumed run overwrites), events are written at once,
/// a checkpoint flushes everything recorded before it, and the heartbeat is refreshed at least every
/// `heartbeatInterval` seconds so a crashed run is recognisable by its stale heartbeat. With a TensorBoard log,
/// metrics also go there, flushed whenever the metric writer flushes, so the event file holds what the database
/// holds.
///
/// Threading: used on the training thread only (it owns the writer's connection).
public final class RunRecorder: TrainingObserver {
    public let runID: Int
    private let store: ResultsStore
    private let writer: MetricWriter
    private let heartbeatInterval: Double
    private var lastHeartbeat = Date()
    private let eventLog: RunEventLog?
    private let startedAt: Double
    /// Also told about every progress snapshot (a terminal display, for instance).
    public var onProgress: ((TrainingProgress) -> Void)?

    /// A recorder of run `runID` of `store`; `eventLog`, when given, also receives the metrics, stamped
    /// `startedAt` (the run's start, UNIX seconds) plus the training seconds.
    public init(store: ResultsStore, runID: Int, settings: MetricWriter.Settings = .init(),
                heartbeatInterval: Double = 10, eventLog: RunEventLog? = nil, startedAt: Double = 0) throws {
        self.store = store
        self.runID = runID
        self.heartbeatInterval = heartbeatInterval
        self.eventLog = eventLog
        self.startedAt = startedAt
        writer = try MetricWriter(store: store, run: runID, settings: settings)
    }

    /// Errors from the database end the run (`TrainingObserver.failure`: the trainer stops before its next step):
    /// a store that cannot record is worse than a stopped run.
    public private(set) var failure: (any Error)?

    public func record(step: Int, wallTime: Double, metrics: [String: Double]) {
        attempt {
            try eventLog?.add(step: step, trainingSeconds: wallTime, metrics: metrics, startedAt: startedAt)
            var flushed = false
            for (name, value) in metrics.sorted(by: { $0.key < $1.key }) {
                try writer.append(name, step: step, value: value, wallTime: wallTime)
                flushed = flushed || writer.pendingCount == 0
            }
            if flushed { try eventLog?.flush() }
        }
    }

    public func event(step: Int, kind: String, message: String) {
        attempt { try store.addEvent(run: runID, kind: kind, message: message, step: step) }
    }

    public func checkpointed(step: Int) {
        attempt {
            try writer.flush()
            try eventLog?.flush()
        }
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
        try eventLog?.flush()
        if let failure { throw failure }
    }

    private func attempt(_ body: () throws -> Void) {
        guard failure == nil else { return }
        do { try body() } catch { failure = error }
    }
}
