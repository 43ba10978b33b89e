import Engine

/// Fills fixed-size batches of preprocessed images and labels into caller-provided buffers, without allocating.
///
/// A batch is `batchSize` images of `height × width × channels` Float32 in NHWC order (image after image, each
/// row-major with channels interleaved) and as many `Int32` labels.
///
/// - `.training`: each epoch visits the images in a seeded random order, `epochOrder(count:seed:epoch:)`, and
///   augments each image as `preprocessing` says, with randomness drawn from stream
///   (epoch, position within the epoch) of `seed`. The last partial batch of an epoch is dropped, so every batch is
///   full and `batchesPerEpoch = count / batchSize` (rounded down); the dropped images differ from epoch to epoch.
/// - `.evaluation`: every epoch visits the images in stored order without augmentation; the last batch holds the
///   remaining `count % batchSize` images if that is not zero, so `batchesPerEpoch = ⌈count / batchSize⌉` and
///   every image is seen exactly once.
///
/// Batches are a pure function of (images, preprocessing, batch size, mode, seed, `position`): a loader rebuilt
/// with a saved `position` continues with exactly the batches the original would have produced.
public struct BatchLoader: Sendable {
    /// Whether batches are shuffled, augmented and full (`training`) or ordered, plain and complete (`evaluation`).
    public enum Mode: String, Codable, Sendable {
        case training, evaluation
    }

    /// The source images.
    public let imageSet: ImageSet
    /// Padding, normalisation and (training only) augmentation.
    public let preprocessing: Preprocessing
    /// Images per batch.
    public let batchSize: Int
    /// Training or evaluation behaviour (see the type's documentation).
    public let mode: Mode
    /// Seed of the shuffling and augmentation (unused in evaluation).
    public let seed: UInt64
    /// The next batch to fill. Setting it jumps there.
    public var position: BatchPosition
    /// Output image height in pixels (source height + 2 · pad).
    public let height: Int
    /// Output image width in pixels (source width + 2 · pad).
    public let width: Int
    /// Channels per pixel.
    public let channels: Int

    private let table: [Float]
    private var order: [Int]
    private var orderEpoch: Int

    /// Traps if `batchSize` is not positive, a training set holds fewer than `batchSize` images (an evaluation set,
    /// none), a padding is negative, or a standardisation does not have one mean and std per channel.
    public init(imageSet: ImageSet, preprocessing: Preprocessing, batchSize: Int, mode: Mode, seed: UInt64 = 0,
                position: BatchPosition = BatchPosition()) {
        precondition(batchSize > 0, "batch size must be positive")
        precondition(imageSet.count >= (mode == .training ? batchSize : 1), "too few images for one batch")
        precondition(preprocessing.pad >= 0 && preprocessing.cropPadding >= 0, "padding must not be negative")
        if case let .standardized(mean, std) = preprocessing.normalization {
            precondition(mean.count == imageSet.channels && std.count == imageSet.channels,
                         "standardisation needs one mean and std per channel")
        }
        self.imageSet = imageSet
        self.preprocessing = preprocessing
        self.batchSize = batchSize
        self.mode = mode
        self.seed = seed
        self.position = position
        (height, width, channels) = preprocessing.outputShape(for: imageSet)
        table = preprocessing.lookupTable(channels: imageSet.channels)
        order = mode == .training ? Self.epochOrder(count: imageSet.count, seed: seed, epoch: position.epoch)
                                  : Array(0..<imageSet.count)
        orderEpoch = position.epoch
    }

    /// Floats per output image: `height × width × channels`.
    public var floatsPerImage: Int { height * width * channels }

    /// Batches per epoch: `count / batchSize` rounded down in training, up in evaluation.
    public var batchesPerEpoch: Int {
        mode == .training ? imageSet.count / batchSize : (imageSet.count + batchSize - 1) / batchSize
    }

    /// The order in which training epoch `epoch` visits the `count` images: a Fisher–Yates permutation of
    /// `0..<count` drawn from `RandomGenerator(seed: seed, stream: epoch)`. A pure function of its arguments.
    public static func epochOrder(count: Int, seed: UInt64, epoch: Int) -> [Int] {
        precondition((0..<1 << 31).contains(epoch), "epoch out of range")
        var generator = RandomGenerator(seed: seed, stream: UInt64(epoch))
        return generator.permutation(count: count)
    }

    /// Fills the batch at `position` and advances `position` (to the next epoch after its last batch).
    ///
    /// Writes `n × floatsPerImage` Floats to `images` and `n` labels to `labels`, where `n`, the return value, is
    /// `batchSize` except for the last evaluation batch of an epoch; the rest of the buffers is left untouched.
    /// Traps if `images` holds fewer than `batchSize × floatsPerImage` Floats or `labels` fewer than `batchSize`.
    public mutating func nextBatch(images: UnsafeMutableBufferPointer<Float>,
                                   labels: UnsafeMutableBufferPointer<Int32>) -> Int {
        precondition(images.count >= batchSize * floatsPerImage && labels.count >= batchSize, "buffers too small")
        precondition((0..<batchesPerEpoch).contains(position.batch), "batch position out of range")
        if mode == .training && orderEpoch != position.epoch {
            order = Self.epochOrder(count: imageSet.count, seed: seed, epoch: position.epoch)
            orderEpoch = position.epoch
        }
        let start = position.batch * batchSize
        let count = min(batchSize, imageSet.count - start)
        let augment = mode == .training && preprocessing.augments
        let (sourceHeight, sourceWidth, imageSize) = (imageSet.height, imageSet.width, imageSet.imageSize)
        imageSet.pixels.withUnsafeBufferPointer { pixels in
            table.withUnsafeBufferPointer { table in
                for k in 0..<count {
                    let index = order[start + k]
                    var placement = Placement()
                    if augment {
                        var generator = RandomGenerator(
                            seed: seed, stream: RandomGenerator.augmentationStream(epoch: position.epoch,
                                                                                   position: start + k))
                        placement = preprocessing.randomPlacement(using: &generator)
                    }
                    preprocessing.render(pixels.baseAddress! + index * imageSize, height: sourceHeight,
                                         width: sourceWidth, channels: channels, placement: placement,
                                         table: table.baseAddress!,
                                         into: images.baseAddress! + k * floatsPerImage)
                    labels[k] = Int32(imageSet.labels[index])
                }
            }
        }
        position.batch += 1
        if position.batch == batchesPerEpoch { position = BatchPosition(epoch: position.epoch + 1) }
        return count
    }
}
