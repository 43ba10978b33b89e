/// How a pixel byte (0–255) becomes the Float32 a network sees.
public enum Normalization: Codable, Hashable, Sendable, CustomStringConvertible {
    /// `pixel / 255`, in [0, 1].
    case unitRange
    /// `pixel / 127.5 − 1`, in [−1, 1].
    case symmetricRange
    /// `(pixel / 255 − mean[c]) / std[c]` for channel `c`: zero mean and unit variance per channel. `mean` and
    /// `std` have one entry per channel, in units of the [0, 1] scale (e.g. Fashion-MNIST ≈ 0.286 and 0.353).
    case standardized(mean: [Float], std: [Float])

    /// Per-channel standardisation with the mean and (population) standard deviation of every pixel of `set`.
    /// Compute it on the training split only. A constant channel gets a standard deviation of 1.
    public static func standardized(over set: ImageSet) -> Normalization {
        var sums = [Double](repeating: 0, count: set.channels)
        var squares = [Double](repeating: 0, count: set.channels)
        for (i, pixel) in set.pixels.enumerated() {
            let value = Double(pixel) / 255
            sums[i % set.channels] += value
            squares[i % set.channels] += value * value
        }
        let n = Double(set.count * set.height * set.width)
        let mean = sums.map { $0 / n }
        let std = zip(squares, mean).map { square, mean in
            let deviation = (max(square / n - mean * mean, 0)).squareRoot()
            return deviation > 0 ? deviation : 1
        }
        return .standardized(mean: mean.map(Float.init), std: std.map(Float.init))
    }

    /// The normalised value of byte `pixel` in channel `channel`.
    public func value(of pixel: UInt8, channel: Int) -> Float {
        switch self {
        case .unitRange: Float(pixel) / 255
        case .symmetricRange: Float(pixel) / 127.5 - 1
        case let .standardized(mean, std): (Float(pixel) / 255 - mean[channel]) / std[channel]
        }
    }

    /// `unit`, `symmetric`, or `standardized(mean=[…],std=[…])` with each Float in its shortest exact form.
    public var description: String {
        switch self {
        case .unitRange: "unit"
        case .symmetricRange: "symmetric"
        case let .standardized(mean, std): "standardized(mean=\(mean),std=\(std))"
        }
    }
}
