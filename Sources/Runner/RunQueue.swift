import Foundation
import ResultsStore
import RunContract
import Training

/// Works through one experiment's queue in the results database until nothing is left or a stop is requested.
///
/// Several queues (threads or processes, each with its own store) may work on one database: every run is claimed
/// atomically, so each is executed by exactly one of them. Killed runs of the experiment (Ctrl-C, or found dead
/// by a stale heartbeat) are claimed before queued ones and resume from their checkpoints. A run that diverges,
/// dies or fails is recorded as such and the queue goes on; failed runs are not retried unless requeued.
///
/// Threading: not `Sendable` (it holds a store); use it on one thread.
public final class RunQueue {
    /// What became of one claimed run. A `Sendable` value.
    public struct Report: Sendable {
        /// The run as claimed.
        public var run: Run
        /// How training ended; nil when the run failed with `error`.
        public var outcome: TrainingOutcome?
        /// Why the run failed, if it did.
        public var error: String?
        /// Wall-clock seconds this queue spent on the run, loading and evaluation included.
        public var seconds: Double

        /// `finished`, `diverged`, `killed` or `failed`.
        public var status: String { outcome?.status.rawValue ?? RunStatus.failed.rawValue }
    }

    /// Seconds without a heartbeat after which a running run is presumed dead: well above the recorder's
    /// 10-second heartbeat interval plus the longest step, evaluation or checkpoint.
    public static let defaultStaleThreshold = 120.0

    public let store: ResultsStore
    public let experimentID: Int
    public let experimentName: String
    public let datasets: DatasetProvider
    public let executor: RunExecutor
    /// See `defaultStaleThreshold`; seconds.
    public var staleThreshold = RunQueue.defaultStaleThreshold
    /// When set, the queue claims only these runs (a `RunSelection`'s), in this order; else any of the
    /// experiment's.
    public var runIDs: [Int]?
    /// When set, the queue starts or resumes only runs expected to end by the limit's deadline, and stops when
    /// none is; see `TimeLimit`.
    public var timeLimit: TimeLimit?
    /// The runs the last claim passed over because they would not have ended by `timeLimit`'s deadline, with
    /// their estimated seconds: after `run` returns, what was left for lack of time.
    public private(set) var leftForTime: [(run: Run, seconds: Double)] = []
    /// Told when a run is claimed, before it trains.
    public var onClaim: ((Run) -> Void)?
    /// Told about each run's training progress.
    public var onProgress: ((TrainingProgress) -> Void)?
    /// Told when a claimed run ends.
    public var onReport: ((Report) -> Void)?

    /// A queue over experiment `experimentID` (called `experimentName`) of `store`'s database; checkpoints go to
    /// `checkpointDirectory`, TensorBoard events (if wanted) under `tensorBoard` (see `RunExecutor`).
    public init(store: ResultsStore, experimentID: Int, experimentName: String, checkpointDirectory: URL,
                datasets: DatasetProvider, tensorBoard: URL? = nil) {
        self.store = store
        self.experimentID = experimentID
        self.experimentName = experimentName
        self.datasets = datasets
        executor = RunExecutor(store: store, checkpointDirectory: checkpointDirectory, tensorBoard: tensorBoard)
    }

    /// Marks runs with stale heartbeats `killed` (returned), so that they are resumed.
    public func recoverStaleRuns() throws -> [Run] {
        try store.markStaleRuns(olderThan: staleThreshold)
    }

    /// Claims and executes runs until none is left or `stop` is set; returns what became of each.
    @discardableResult
    public func run(stop: StopFlag) throws -> [Report] {
        var reports: [Report] = []
        while !stop.isSet, let run = try claim() {
            onClaim?(run)
            let report = execute(run, stop: stop)
            onReport?(report)
            reports.append(report)
        }
        return reports
    }

    /// The next run to work on: a killed run of the experiment (oldest first, or in `runIDs` order), else the
    /// queued one of the lowest seed, oldest first (`ResultsStore.queuedRunIDs`; with `runIDs`, the first queued of
    /// them); one that another process claims first is passed over (`ResultsStore.claimFirst`); nil when there is
    /// none. With a `timeLimit`, the first of them expected to end in time (the others go to `leftForTime`).
    func claim() throws -> Run? {
        let reader = try ResultsReader(path: store.path)
        func ids(_ status: RunStatus) throws -> [Int] {
            let found = try reader.runs(RunFilter(status: status, experiment: experimentName)).rows
                .compactMap { $0[0].int }
            return runIDs.map { $0.filter(found.contains) } ?? found
        }
        var cost = try timeLimit.map { _ in try CostEstimate(reader: reader) }   // nil exactly without a limit
        leftForTime = []
        // Whether run `id` is expected to end by the deadline (always, without a time limit).
        func fits(_ id: Int) throws -> Bool {
            guard let timeLimit else { return true }
            let run = try reader.run(id).run
            let config = try JSONDecoder().decode(TrainingConfig.self, from: Data(run.configJSON.utf8))
            let planned = PlannedRun(name: run.name, point: "", config: config,
                                     dataset: try datasets.dataset(for: config.data))
            let seconds = try cost!.estimate(planned, fromStep: run.step, setting: timeLimit.setting).seconds
            if Date().addingTimeInterval(seconds) <= timeLimit.deadline { return true }
            leftForTime.append((run, seconds))
            return false
        }
        if let run = try store.claimFirst(of: ids(.killed), where: fits) { return run }
        return try store.claimFirst(of: runIDs == nil ? store.queuedRunIDs(experimentID: experimentID) : ids(.queued),
                                    where: fits)
    }

    private func execute(_ run: Run, stop: StopFlag) -> Report {
        let started = Date()
        var report = Report(run: run, seconds: 0)
        do {
            let config = try JSONDecoder().decode(TrainingConfig.self, from: Data(run.configJSON.utf8))
            let dataset = try datasets.dataset(for: config.data)
            report.outcome = try executor.execute(run, config: config, dataset: dataset, stop: stop,
                                                  onProgress: onProgress)
        } catch {
            report.error = "\(error)"
            // The executor has recorded its own failures; this covers the configuration and the dataset.
            try? store.finish(run: run.id, as: .failed, error: "\(error)")
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }
}

extension RunQueue {
    /// A time by which the queue's runs must end: a session's or a cluster job's limit. A run is started (or
    /// resumed) only when `CostEstimate` (the estimate `plan` and `status` give), computing with `setting`,
    /// expects it to end by `deadline`; the runs that would not are left queued or killed for a later command, and
    /// a shorter one further down the queue may go first. A `Sendable` value.
    public struct TimeLimit: Sendable {
        /// When every run started must have ended.
        public var deadline: Date
        /// How this process computes (`ComputeSetting.current`), which picks the measured rate.
        public var setting: ComputeSetting

        /// A limit; see the properties.
        public init(deadline: Date, setting: ComputeSetting) {
            self.deadline = deadline
            self.setting = setting
        }
    }
}
