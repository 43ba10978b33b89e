import Foundation

/// Reading and writing one `events.out.tfevents.*` file: TFRecord-framed `Event`s, the first being the file
/// version.
public enum EventFile {
    /// Every event of the file at `url`, checking each record's checksums; a record cut short at the end is left
    /// out and reported as `truncated`.
    public static func read(_ url: URL) throws -> (events: [Event], truncated: Bool) {
        let bytes: [UInt8]
        do { bytes = Array(try Data(contentsOf: url)) } catch {
            throw EventFileError.io("cannot read \(url.path): \(error.localizedDescription)")
        }
        do {
            let (records, truncated) = try TFRecord.records(in: bytes)
            return (try records.map(Event.init(decoding:)), truncated)
        } catch let error as EventFileError {
            throw EventFileError.malformed("\(url.path): \(error)")
        }
    }
}

/// Appends events to a new event file, buffering them until `flush()`: a file is always whole records up to its
/// last flush, so a killed writer leaves a valid file.
///
/// Threading: not `Sendable`; use it on one thread.
public final class EventFileWriter {
    /// The file written.
    public let url: URL
    private let handle: FileHandle
    private var pending: [UInt8] = []

    /// Creates the file at `url` (an existing file is an error, never overwritten) and queues the file-version
    /// event, stamped `wallTime` (UNIX seconds).
    public init(url: URL, wallTime: Double) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: url) else {
            throw EventFileError.io("cannot create the event file \(url.path): check that its directory is writable")
        }
        self.url = url
        self.handle = handle
        append(Event(wallTime: wallTime, step: 0, content: .fileVersion(Event.fileVersion)))
    }

    deinit {
        try? flush()
        try? handle.close()
    }

    /// Queues `event`.
    public func append(_ event: Event) {
        pending += TFRecord.frame(event.encoded())
    }

    /// Writes every queued event to the file.
    public func flush() throws {
        guard !pending.isEmpty else { return }
        do { try handle.write(contentsOf: pending) } catch {
            throw EventFileError.io("cannot write \(url.path): \(error.localizedDescription)")
        }
        pending.removeAll(keepingCapacity: true)
    }
}
