import Foundation
import ResultsStore
import TensorBoard

/// A recorded run in TensorBoard: its directory under a log root, its configuration as text, and its metrics
/// from the results database or from the trainer as it measures them. Event wall times are the run's start
/// (`started_at`) plus its training seconds, so an export and a live log of the same run agree, and TensorBoard's
/// "relative" axis is training time.
extension RunEventLog {
    /// The tag of the configuration text, written at step 0.
    public static let configurationTag = "configuration"

    /// The directory name of a run: `name` with `/` (which TensorBoard would read as nesting) replaced by `_`.
    public static func directoryName(_ name: String) -> String {
        name.replacing("/", with: "_")
    }

    /// Opens `run`'s directory `directory` and writes what `reader` holds of the run that its files lack: the
    /// configuration text and every metric value (a value recorded as NaN stays NaN). The log is flushed and
    /// ready for `add(step:trainingSeconds:metrics:startedAt:)`.
    public static func open(run: Run, directory: URL, reader: ResultsReader) throws -> RunEventLog {
        let log = try RunEventLog(directory: directory, runKey: run.runKey)
        let start = run.startedAt ?? run.createdAt
        try log.add(step: 0, wallTime: start,
                    [SummaryValue(tag: configurationTag, value: .text(configurationText(run)))])
        var batch: [(name: String, point: MetricPoint)] = []
        func write() throws {
            guard let first = batch.first?.point else { return }
            try log.add(step: first.step, wallTime: start + first.wallTime,
                        batch.map { SummaryValue(tag: $0.name, value: .scalar(Float($0.point.value ?? .nan))) })
            batch.removeAll()
        }
        // One event per (step, wall time): the values the trainer recorded together.
        for metric in try reader.metrics(run: run.id) {
            if let first = batch.first?.point,
               (first.step, first.wallTime) != (metric.point.step, metric.point.wallTime) {
                try write()
            }
            batch.append(metric)
        }
        try write()
        try log.flush()
        return log
    }

    /// Queues the metrics the trainer measured after `step` steps and `trainingSeconds` of training, for a run
    /// started at `startedAt` (UNIX seconds); values already in the directory are dropped.
    public func add(step: Int, trainingSeconds: Double, metrics: [String: Double], startedAt: Double) throws {
        try add(step: step, wallTime: startedAt + trainingSeconds,
                metrics.sorted { $0.key < $1.key }.map { SummaryValue(tag: $0.key, value: .scalar(Float($0.value))) })
    }

    /// The run's identity and its configuration, pretty-printed, as markdown (an indented code block).
    static func configurationText(_ run: Run) -> String {
        let json = (try? JSONSerialization.jsonObject(with: Data(run.configJSON.utf8)))
            .flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.prettyPrinted, .sortedKeys]) }
            .map { String(decoding: $0, as: UTF8.self) } ?? run.configJSON
        return "run \(run.name) (id \(run.id), key \(run.runKey), seed \(run.seed))\n\n"
            + json.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
    }
}
