/// Reads the binary version of CIFAR-10 (https://www.cs.toronto.edu/~kriz/cifar.html, `cifar-10-batches-bin`).
///
/// A batch file is a sequence of 3,073-byte records: one label byte (0–9), then a 32×32 image stored
/// channel-planar — the 1,024 red bytes row-major, then the green, then the blue. The reader converts each image
/// to HWC (`[y][x][r, g, b]`), the layout of `ImageSet`.
public enum CIFAR10Reader {
    /// Image side in pixels.
    public static let side = 32
    /// Number of classes.
    public static let classCount = 10
    /// Bytes per record: one label byte plus 3 × 32 × 32 pixel bytes.
    public static let recordSize = 1 + 3 * side * side

    /// Reads the batch files at `paths`, in order, into one `ImageSet` of 32×32×3 images.
    ///
    /// Throws a `DatasetError` if a file is unreadable or a corrupt gzip stream, if its size is not a positive
    /// multiple of `recordSize`, or if a label is not below 10.
    public static func read(_ paths: [String]) throws -> ImageSet {
        let plane = side * side
        var pixels: [UInt8] = []
        var labels: [UInt8] = []
        for path in paths {
            let bytes = try DataFile.read(path)
            guard !bytes.isEmpty, bytes.count % recordSize == 0 else {
                throw DatasetError.badRecordSize(path: path, size: bytes.count, recordSize: recordSize)
            }
            let records = bytes.count / recordSize
            let first = pixels.count
            pixels += repeatElement(0, count: records * 3 * plane)
            for record in 0..<records {
                let base = record * recordSize
                let label = bytes[base]
                guard Int(label) < classCount else {
                    throw DatasetError.labelOutOfRange(path: path, index: record, label: Int(label),
                                                       classCount: classCount)
                }
                labels.append(label)
                let image = first + record * 3 * plane
                for channel in 0..<3 {
                    for i in 0..<plane { pixels[image + 3 * i + channel] = bytes[base + 1 + channel * plane + i] }
                }
            }
        }
        return ImageSet(height: side, width: side, channels: 3, classCount: classCount, pixels: pixels, labels: labels)
    }
}
