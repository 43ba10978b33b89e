/// Why an image could not be read or a transform could not be made.
///
/// Every file case names the file; `description` is one sentence saying what is wrong.
public enum ImageError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be opened or read (`reason` is the system's message, e.g. "No such file or directory").
    case unreadableFile(path: String, reason: String)
    /// The file starts with neither JPEG's nor PNG's signature; `firstBytes` are its first (up to 8) bytes.
    case unknownFormat(path: String, firstBytes: [UInt8])
    /// The file has JPEG's signature but libjpeg could not decode it (`reason` is libjpeg's message).
    case corruptJPEG(path: String, reason: String)
    /// The file has PNG's signature but libpng could not decode it (`reason` is libpng's message).
    case corruptPNG(path: String, reason: String)
    /// A transform parameter is outside its valid range.
    case invalidParameter(String)

    /// One sentence naming the file and the problem.
    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "\(path): cannot read the file (\(reason))."
        case let .unknownFormat(path, firstBytes):
            if firstBytes.isEmpty { return "\(path): not a JPEG or PNG file (the file is empty)." }
            let hex = firstBytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16, uppercase: true) }
            return "\(path): not a JPEG or PNG file (starts with bytes \(hex.joined(separator: " ")))."
        case let .corruptJPEG(path, reason):
            return "\(path): truncated or corrupt JPEG: \(reason)."
        case let .corruptPNG(path, reason):
            return "\(path): truncated or corrupt PNG: \(reason)."
        case let .invalidParameter(message):
            return message
        }
    }
}
