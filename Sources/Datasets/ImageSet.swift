import Engine

/// A set of labelled images held in memory as raw bytes.
///
/// `pixels` holds `count` images one after another, each `height × width × channels` bytes in HWC order
/// (row-major, channels interleaved: the byte of channel `c` at row `y`, column `x` of image `i` is
/// `pixels[((i * height + y) * width + x) * channels + c]`), values 0–255 as stored by the source format.
/// `labels[i]` is the class of image `i`, in `0..<classCount`.
public struct ImageSet: Hashable, Sendable {
    /// Image height in pixels.
    public let height: Int
    /// Image width in pixels.
    public let width: Int
    /// Channels per pixel (1 for grey, 3 for RGB).
    public let channels: Int
    /// Number of classes; every label is in `0..<classCount`.
    public let classCount: Int
    /// `count × height × width × channels` bytes, HWC per image.
    public let pixels: [UInt8]
    /// One class index per image.
    public let labels: [UInt8]

    /// Wraps pixels and labels. Traps if the sizes disagree or a label is out of range (the readers check files
    /// first and throw a `DatasetError`, so this only catches programming errors).
    public init(height: Int, width: Int, channels: Int, classCount: Int, pixels: [UInt8], labels: [UInt8]) {
        precondition(height > 0 && width > 0 && channels > 0, "image dimensions must be positive")
        precondition((1...256).contains(classCount), "classCount must be in 1...256")
        precondition(pixels.count == labels.count * height * width * channels, "pixel count does not match labels")
        precondition(labels.allSatisfy { Int($0) < classCount }, "label out of range")
        self.height = height
        self.width = width
        self.channels = channels
        self.classCount = classCount
        self.pixels = pixels
        self.labels = labels
    }

    /// Number of images.
    public var count: Int { labels.count }

    /// Bytes per image: `height × width × channels`.
    public var imageSize: Int { height * width * channels }

    /// The images at `indices`, in that order.
    public func subset(_ indices: [Int]) -> ImageSet {
        var subsetPixels: [UInt8] = []
        subsetPixels.reserveCapacity(indices.count * imageSize)
        for i in indices { subsetPixels.append(contentsOf: pixels[i * imageSize..<(i + 1) * imageSize]) }
        return ImageSet(height: height, width: width, channels: channels, classCount: classCount,
                        pixels: subsetPixels, labels: indices.map { labels[$0] })
    }

    /// Splits off a held-out validation set of `validationCount` images chosen uniformly at random by `seed`.
    ///
    /// The choice is a pure function of (`count`, `validationCount`, `seed`): the first `validationCount` entries
    /// of a seeded Fisher–Yates permutation go to validation. Both parts keep the original order of the images,
    /// and together they hold every image exactly once. Throws `invalidConfiguration` unless
    /// `0 <= validationCount < count`.
    public func split(validationCount: Int, seed: UInt64) throws -> (training: ImageSet, validation: ImageSet) {
        guard (0..<count).contains(validationCount) else {
            throw DatasetError.invalidConfiguration(
                "Validation count \(validationCount) must be at least 0 and below the \(count) training images.")
        }
        var generator = RandomGenerator(seed: seed, stream: RandomGenerator.validationSplitStream)
        let permutation = generator.permutation(count: count)
        let validation = permutation[..<validationCount].sorted()
        let training = permutation[validationCount...].sorted()
        return (subset(training), subset(validation))
    }
}
