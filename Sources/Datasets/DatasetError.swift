/// Why a dataset could not be loaded or configured.
///
/// Every case carries the file or directory involved, and `description` says what is wrong and how to fix it.
/// A file that fails any check is refused as a whole: nothing is ever read as garbage.
public enum DatasetError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The dataset directory does not exist. `hint` says how to obtain the dataset.
    case missingDirectory(dataset: String, directory: String, hint: String)
    /// The directory exists but lacks these files (listed without the optional `.gz` suffix).
    case missingFiles(dataset: String, directory: String, files: [String], hint: String)
    /// A dataset that is read from disk was named without a directory (`--data-dir`).
    case directoryRequired(dataset: String)
    /// A dataset name that `DatasetSpec(name:directory:)` does not know.
    case unknownDataset(name: String)
    /// The file exists but could not be opened or read (`reason` is the system's message).
    case unreadableFile(path: String, reason: String)
    /// The gzip stream is corrupt or ends early (`reason` is zlib's message).
    case corruptGzip(path: String, reason: String)
    /// The IDX magic number (first four bytes, big-endian) is not the expected one.
    case wrongMagic(path: String, expected: UInt32, found: UInt32)
    /// The file's header is impossible (for example an image size of zero).
    case badHeader(path: String, reason: String)
    /// The decoded file length disagrees with what its header declares (truncated or padded file).
    case sizeMismatch(path: String, expectedBytes: Int, actualBytes: Int)
    /// The image file and the label file hold different numbers of items.
    case countMismatch(imagesPath: String, imageCount: Int, labelsPath: String, labelCount: Int)
    /// A label is not in `0..<classCount`; `index` is the item's position in the file.
    case labelOutOfRange(path: String, index: Int, label: Int, classCount: Int)
    /// A CIFAR-10 batch file whose size is not a positive multiple of the 3,073-byte record.
    case badRecordSize(path: String, size: Int, recordSize: Int)
    /// A parameter is outside its valid range (for example a validation split larger than the training set).
    case invalidConfiguration(String)

    /// One sentence naming the problem and the file or directory, then how to fix it.
    public var description: String {
        switch self {
        case let .missingDirectory(dataset, directory, hint):
            return "\(dataset): directory \(directory) does not exist. \(hint)"
        case let .missingFiles(dataset, directory, files, hint):
            return "\(dataset): \(directory) lacks \(files.joined(separator: ", ")) (raw or .gz). \(hint)"
        case let .directoryRequired(dataset):
            return "\(dataset): a data directory is required; pass --data-dir DIR."
        case let .unknownDataset(name):
            return "Unknown dataset '\(name)'; expected one of: \(DatasetSpec.names.joined(separator: ", "))."
        case let .unreadableFile(path, reason):
            return "\(path): cannot read the file (\(reason)). Check that it exists and is readable."
        case let .corruptGzip(path, reason):
            return "\(path): corrupt gzip stream (\(reason)). Re-install or re-download the file."
        case let .wrongMagic(path, expected, found):
            return "\(path): wrong IDX magic number \(hex(found)), expected \(hex(expected)) "
                + "(0x00000803 for images, 0x00000801 for labels). Is this the right file?"
        case let .badHeader(path, reason):
            return "\(path): invalid header: \(reason). The file is corrupt; re-install or re-download it."
        case let .sizeMismatch(path, expectedBytes, actualBytes):
            return "\(path): the header declares \(expectedBytes) bytes but the decoded file has \(actualBytes); "
                + "the file is truncated or corrupt. Re-install or re-download it."
        case let .countMismatch(imagesPath, imageCount, labelsPath, labelCount):
            return "\(imagesPath) holds \(imageCount) images but \(labelsPath) holds \(labelCount) labels; "
                + "the files do not belong together."
        case let .labelOutOfRange(path, index, label, classCount):
            return "\(path): label \(label) of item \(index) is outside 0..<\(classCount); the file is corrupt."
        case let .badRecordSize(path, size, recordSize):
            return "\(path): size \(size) bytes is not a positive multiple of the \(recordSize)-byte CIFAR-10 record; "
                + "the file is truncated or not a CIFAR-10 binary batch."
        case let .invalidConfiguration(message):
            return message
        }
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}
