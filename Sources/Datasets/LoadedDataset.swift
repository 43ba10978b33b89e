import CZlib

/// The training and test splits of a dataset, as loaded, with a checksum for the run's environment record.
public struct LoadedDataset: Sendable {
    /// The full training split (take the validation set from it with `ImageSet.split(validationCount:seed:)`).
    public let train: ImageSet
    /// The test split, for final numbers only.
    public let test: ImageSet
    /// Eight lowercase hex digits: the CRC-32 (zlib's `crc32`) of the decoded contents, in this order: for
    /// `train` then `test`, the count, height, width and channels as little-endian UInt32, then the pixel
    /// bytes (HWC), then the label bytes. It covers exactly what training sees, so a raw and a gzip copy of the
    /// same files give the same checksum, and any changed pixel, label or shape changes it.
    public let checksum: String

    /// Wraps the splits and computes `checksum`.
    public init(train: ImageSet, test: ImageSet) {
        self.train = train
        self.test = test
        var crc = crc32(0, nil, 0)
        for set in [train, test] {
            let shape = [set.count, set.height, set.width, set.channels].flatMap { value in
                (0..<4).map { UInt8(truncatingIfNeeded: UInt32(value) >> (8 * $0)) }
            }
            for bytes in [shape, set.pixels, set.labels] {
                crc = bytes.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, UInt32($0.count)) }
            }
        }
        let digits = String(crc, radix: 16)
        checksum = String(repeating: "0", count: 8 - digits.count) + digits
    }
}
