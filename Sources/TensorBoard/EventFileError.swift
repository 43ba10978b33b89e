/// Why an event file or directory could not be read or written; the description names the file and the fix.
public enum EventFileError: Error, CustomStringConvertible, Equatable {
    /// Bytes that are not a TFRecord of an `Event` (a checksum mismatch, a truncated field, …).
    case malformed(String)
    /// The file system refused (the path and the reason).
    case io(String)
    /// A run directory that holds another run's events.
    case foreignRun(directory: String, runKey: String)

    public var description: String {
        switch self {
        case .malformed(let what): "malformed event file: \(what)"
        case .io(let what): what
        case .foreignRun(let directory, let key):
            "\(directory) holds the events of another run (key \(key)); give each run its own directory"
        }
    }
}
