/// Where a `BatchLoader` is in its stream of batches; everything a checkpoint needs to resume it.
public struct BatchPosition: Codable, Hashable, Sendable {
    /// The epoch of the next batch, from 0.
    public var epoch: Int
    /// The index of the next batch within its epoch, in `0..<batchesPerEpoch`.
    public var batch: Int

    /// The default is the start of the first epoch.
    public init(epoch: Int = 0, batch: Int = 0) {
        self.epoch = epoch
        self.batch = batch
    }
}
