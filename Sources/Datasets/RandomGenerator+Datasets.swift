import Engine

/// The dataset module's use of `RandomGenerator` streams and its two sampling primitives.
///
/// For one seed, the stream number separates independent uses, so no generator state ever needs saving:
/// - stream `epoch` (below 2^62): the shuffled order of that epoch;
/// - stream `validationSplitStream` (2^62): the validation split;
/// - stream `augmentationStream(epoch:position:)` (2^63 + epoch · 2^32 + position): one training sample's
///   crop and flip.
extension RandomGenerator {
    static let validationSplitStream: UInt64 = 1 << 62

    static func augmentationStream(epoch: Int, position: Int) -> UInt64 {
        precondition(epoch < 1 << 31 && position < 1 << 32, "epoch or position beyond the stream layout")
        return 1 << 63 | UInt64(epoch) << 32 | UInt64(position)
    }

    /// A uniform integer in `0..<bound`: the high word of `next() × bound` (bias at most bound / 2^64).
    /// Written out rather than `Int.random(in:using:)`, whose algorithm Swift does not promise to keep.
    mutating func nextInt(below bound: Int) -> Int {
        Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A uniformly random permutation of `0..<count` (Fisher–Yates, swapping from the last element down).
    mutating func permutation(count: Int) -> [Int] {
        var order = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) {
            order.swapAt(i, nextInt(below: i + 1))
        }
        return order
    }
}
