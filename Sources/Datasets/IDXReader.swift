/// Reads the IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/), raw or gzip-compressed.
///
/// An image file is a 16-byte header — magic 0x00000803, item count, rows, columns, each a big-endian UInt32 —
/// followed by `count × rows × columns` bytes, one grey pixel per byte, row-major. A label file is an 8-byte
/// header — magic 0x00000801 and the item count — followed by one label byte per item.
public enum IDXReader {
    /// Magic number of an IDX file of unsigned bytes with three dimensions (images).
    public static let imageMagic: UInt32 = 0x0000_0803
    /// Magic number of an IDX file of unsigned bytes with one dimension (labels).
    public static let labelMagic: UInt32 = 0x0000_0801

    /// Reads an image file and its label file into an `ImageSet` of `rows × columns × 1` images.
    ///
    /// Throws a `DatasetError` if either file is unreadable or a corrupt gzip stream, has the wrong magic number,
    /// a zero image size, or a length other than its header declares; if the two counts differ; or if a label
    /// is not below `classCount`.
    public static func read(images imagesPath: String, labels labelsPath: String,
                            classCount: Int) throws -> ImageSet {
        let (images, imageDimensions) = try readFile(imagesPath, magic: imageMagic)
        let (labels, labelDimensions) = try readFile(labelsPath, magic: labelMagic)
        let (imageCount, rows, columns) = (imageDimensions[0], imageDimensions[1], imageDimensions[2])
        guard imageCount == labelDimensions[0] else {
            throw DatasetError.countMismatch(imagesPath: imagesPath, imageCount: imageCount,
                                             labelsPath: labelsPath, labelCount: labelDimensions[0])
        }
        if let bad = labels.firstIndex(where: { Int($0) >= classCount }) {
            throw DatasetError.labelOutOfRange(path: labelsPath, index: bad, label: Int(labels[bad]),
                                               classCount: classCount)
        }
        return ImageSet(height: rows, width: columns, channels: 1, classCount: classCount,
                        pixels: images, labels: labels)
    }

    /// The payload after the header, and the header's dimensions (item count first), once the magic number,
    /// the dimensions and the file length are checked. The low byte of the magic is the number of dimensions.
    private static func readFile(_ path: String, magic: UInt32) throws -> (payload: [UInt8], dimensions: [Int]) {
        let bytes = try DataFile.read(path)
        let dimensionCount = Int(magic & 0xFF)
        let headerSize = 4 * (1 + dimensionCount)
        guard bytes.count >= 4 else {
            throw DatasetError.sizeMismatch(path: path, expectedBytes: headerSize, actualBytes: bytes.count)
        }
        let found = bigEndianUInt32(bytes, at: 0)
        guard found == magic else { throw DatasetError.wrongMagic(path: path, expected: magic, found: found) }
        guard bytes.count >= headerSize else {
            throw DatasetError.sizeMismatch(path: path, expectedBytes: headerSize, actualBytes: bytes.count)
        }
        let dimensions = (1...dimensionCount).map { Int(bigEndianUInt32(bytes, at: 4 * $0)) }
        guard !dimensions.dropFirst().contains(0) else {
            throw DatasetError.badHeader(path: path, reason: "it declares an image size of 0")
        }
        let payload = dimensions.reduce((partialValue: 1, overflow: false)) {
            let product = $0.partialValue.multipliedReportingOverflow(by: $1)
            return (product.partialValue, $0.overflow || product.overflow)
        }
        guard !payload.overflow else {
            throw DatasetError.badHeader(path: path, reason: "its sizes \(dimensions) are impossibly large")
        }
        let expectedBytes = headerSize + payload.partialValue
        guard bytes.count == expectedBytes else {
            throw DatasetError.sizeMismatch(path: path, expectedBytes: expectedBytes, actualBytes: bytes.count)
        }
        return (Array(bytes[headerSize...]), dimensions)
    }

    private static func bigEndianUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
