import Foundation

/// One run's TensorBoard directory, written across the run's attempts without ever repeating a step of a tag.
///
/// Each attempt (a first run, each resume, each export) that has something new writes a new file,
/// `events.out.tfevents.<UNIX seconds of its first event>.<run key>.<n>` (n counting the run's files), so files
/// sort in the order written and a killed attempt's file stays as valid as its last flush left it. Opening reads
/// the run's files and remembers the last step of each tag; `add` then drops any value at or below it. A resumed
/// run restarts from its last checkpoint and measures again the steps between it and the kill, and TensorBoard
/// would draw such a step twice (its loader keeps every event; only the legacy accumulator purges
/// "out-of-order" steps, and then everything after them), so the values already on disk are kept and the
/// re-measured ones dropped: training is deterministic, they are the same numbers (timings aside).
///
/// Files of another run key in the directory are refused (`EventFileError.foreignRun`): two runs sharing a
/// directory would overlay their curves as one.
///
/// Threading: not `Sendable`; use it on one thread.
public final class RunEventLog {
    /// The run's directory.
    public let directory: URL
    /// The run's identity, part of every file name.
    public let runKey: String
    /// The last step written of each tag, over every file of the run.
    public private(set) var lastSteps: [String: Int] = [:]
    /// How many values this log has queued (values dropped as already written not counted).
    public private(set) var addedCount = 0
    private var fileCount: Int
    private var writer: EventFileWriter?

    /// Opens (creating it if needed) `directory` for run `runKey` and reads the run's existing files.
    public init(directory: URL, runKey: String) throws {
        self.directory = directory
        self.runKey = runKey
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw EventFileError.io("cannot create \(directory.path): \(error.localizedDescription)")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasPrefix(Self.filePrefix) }.sorted()
        if let foreign = files.first(where: { Self.runKey(ofFile: $0) != runKey }) {
            throw EventFileError.foreignRun(directory: directory.path,
                                            runKey: Self.runKey(ofFile: foreign) ?? "unknown")
        }
        fileCount = files.count
        for file in files {
            for event in try EventFile.read(directory.appendingPathComponent(file)).events {
                guard case .summary(let values) = event.content else { continue }
                for value in values { lastSteps[value.tag] = max(lastSteps[value.tag] ?? .min, event.step) }
            }
        }
    }

    /// The prefix TensorBoard looks for (it reads every file whose name contains `tfevents`).
    static let filePrefix = "events.out.tfevents."

    /// The run key in an event file name written by this type.
    private static func runKey(ofFile name: String) -> String? {
        let parts = name.dropFirst(filePrefix.count).split(separator: ".")
        return parts.count == 3 ? String(parts[1]) : nil
    }

    /// Queues the values of `values` not yet written for their tag at `step`, as one event stamped `wallTime`
    /// (UNIX seconds); returns how many were queued.
    @discardableResult
    public func add(step: Int, wallTime: Double, _ values: [SummaryValue]) throws -> Int {
        let new = values.filter { step > lastSteps[$0.tag] ?? .min }
        guard !new.isEmpty else { return 0 }
        if writer == nil {
            let name = "\(Self.filePrefix)\(Int(wallTime.rounded(.down))).\(runKey).\(fileCount)"
            writer = try EventFileWriter(url: directory.appendingPathComponent(name), wallTime: wallTime)
            fileCount += 1
        }
        writer!.append(Event(wallTime: wallTime, step: step, content: .summary(new)))
        for value in new { lastSteps[value.tag] = step }
        addedCount += new.count
        return new.count
    }

    /// Writes what is queued to this attempt's file.
    public func flush() throws {
        try writer?.flush()
    }
}
