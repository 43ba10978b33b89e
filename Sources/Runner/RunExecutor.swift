import Datasets
import Foundation
import ResultsStore
import RunContract
import TensorBoard
import Training

/// Executes one claimed run of the results database end to end: records its environment, trains with a
/// `RunRecorder` (resuming from the run's checkpoint when the database shows progress to resume; see `start(of:)`), and
/// sets the final status — `finished`
/// (with `died_at_step` when the pre-pool layer died), `diverged`, `killed` (stop requested; checkpointed) or
/// `failed` (with the error's text).
///
/// Checkpoints live in `checkpointDirectory/<run_key>.safetensors`. With `tensorBoard`, each run also writes
/// TensorBoard events live into `tensorBoard/<run name>/` (see `RunEventLog`): first what the database already
/// holds of the run and the directory lacks (a resumed run's earlier steps), then each metric as it is recorded.
public struct RunExecutor {
    public let store: ResultsStore
    public let checkpointDirectory: URL
    /// The TensorBoard log root, if events are written.
    public let tensorBoard: URL?

    public init(store: ResultsStore, checkpointDirectory: URL, tensorBoard: URL? = nil) {
        self.store = store
        self.checkpointDirectory = checkpointDirectory
        self.tensorBoard = tensorBoard
    }

    /// Where the checkpoints of the runs recorded in the database at `databasePath` go: `checkpoints/` next to it.
    public static func checkpointDirectory(forDatabase databasePath: String) -> URL {
        URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent("checkpoints")
    }

    /// The checkpoint file of a run.
    public func checkpoint(for run: Run) -> URL {
        checkpointDirectory.appendingPathComponent("\(run.runKey).safetensors")
    }

    /// How a claimed run begins.
    public enum Start: Sendable, Equatable {
        /// From step 0: the run has made no progress.
        case fresh
        /// From its checkpoint.
        case resume
        /// From step 0 although the database shows progress: its checkpoint is gone (`reason` says where it
        /// was looked for and the step lost). Recorded as a `restarted` event.
        case restart(reason: String)
    }

    /// How `run` would begin now. Only a run this database saw progress in resumes: a checkpoint left by another
    /// database in the same directory (same configuration, same key) would otherwise make a fresh run start at
    /// its end.
    public func start(of run: Run) -> Start {
        guard run.step > 0 else { return .fresh }
        let url = checkpoint(for: run)
        return FileManager.default.fileExists(atPath: url.path) ? .resume
            : .restart(reason: "no checkpoint at \(url.path) for the run's step \(run.step): starting over from step 0")
    }

    /// Trains `run` (which this process has claimed, status `running`) with `config` on `dataset`.
    public func execute(_ run: Run, config: TrainingConfig, dataset: LoadedDataset, stop: StopFlag,
                        onProgress: ((TrainingProgress) -> Void)? = nil) throws -> TrainingOutcome {
        let recorder: RunRecorder
        do {
            let eventLog = try tensorBoard.map { root in
                try RunEventLog.open(run: run,
                                     directory: root.appendingPathComponent(RunEventLog.directoryName(run.name)),
                                     reader: ResultsReader(path: store.path))
            }
            recorder = try RunRecorder(store: store, runID: run.id, eventLog: eventLog,
                                       startedAt: run.startedAt ?? run.createdAt)
        } catch {
            try? store.finish(run: run.id, as: .failed, error: "\(error)")
            throw error
        }
        recorder.onProgress = onProgress
        do {
            let url = checkpoint(for: run), start = start(of: run)
            let previous = start == .resume ? try store.environment(run: run.id) : nil
            let environment = RunEnvironment.current(datasetChecksum: dataset.checksum, resuming: previous)
            try store.recordEnvironment(environment, run: run.id)
            if let previous, previous.setting != environment.setting {
                try store.addEvent(run: run.id, kind: "setting", message: "resumed on \(environment.setting); the "
                                   + "steps before ran on \(previous.setting): its times span both", step: run.step)
            }
            if case .restart(let reason) = start {
                try store.addEvent(run: run.id, kind: "restarted", message: reason, step: run.step)
            }
            if start != .resume { try? FileManager.default.removeItem(at: url) }
            let trainer = try Trainer(config: config, dataset: dataset, checkpoint: url, observer: recorder, stop: stop)
            let outcome = try trainer.run(resume: start == .resume)
            try recorder.flush()
            try store.heartbeat(run: run.id, step: outcome.step)   // the step reached, not the last logged one
            let status: RunStatus = switch outcome.status {
            case .finished: .finished
            case .diverged: .diverged
            case .killed: .killed
            }
            try store.finish(run: run.id, as: status, diedAtStep: outcome.diedAtStep)
            return outcome
        } catch {
            try? recorder.flush()
            try? store.finish(run: run.id, as: .failed, error: "\(error)")
            throw error
        }
    }
}
