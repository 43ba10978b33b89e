import Datasets
import Models

/// The model input a dataset implies, as `inception-lab train` and experiment specs default it: 28-pixel images
/// are padded by 2 pixels on each side to 32, other sizes are not padded, and the compact stem is used below
/// 75 pixels (the smallest input the paper stems accept). A `Sendable` value.
public struct DatasetShape: Sendable, Equatable {
    /// Zero pixels added on each side of every image.
    public var pad: Int
    /// Side of the padded square input, in pixels.
    public var inputSize: Int
    /// Channels of the images.
    public var channels: Int
    /// Number of classes.
    public var classes: Int
    /// The stem that fits `inputSize`.
    public var stem: Stem

    /// The shape of `dataset`'s training images after `pad` pixels of padding (nil: the default above).
    public init(dataset: LoadedDataset, pad: Int? = nil) {
        let train = dataset.train
        self.pad = pad ?? (train.height == 28 ? 2 : 0)
        inputSize = train.height + 2 * self.pad
        channels = train.channels
        classes = train.classCount
        stem = inputSize < 75 ? .compact : .paper
    }
}
