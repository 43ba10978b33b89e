/// The shape of one image: height × width × channels (the batch dimension is carried by `TensorView.batch`).
public struct Shape: Hashable, Sendable, Codable, CustomStringConvertible {
    public var height: Int
    public var width: Int
    public var channels: Int

    public init(_ height: Int, _ width: Int, _ channels: Int) {
        self.height = height
        self.width = width
        self.channels = channels
    }

    /// Number of pixels, `height · width`.
    public var pixels: Int { height * width }
    /// Number of scalars in one image, `height · width · channels`.
    public var count: Int { height * width * channels }

    public var description: String { "\(height)×\(width)×\(channels)" }
}

/// Spatial padding of a convolution or pooling window (docs/models.md#windows-and-padding).
public enum Padding: String, Sendable, Codable {
    /// No padding: `out = floor((in − k) / s) + 1`.
    case valid
    /// Stride 1 only, odd kernels: symmetric zero padding of `k/2` on each side, `out = in`.
    case same
}

/// Whether a forward pass is part of training (batch statistics, dropout on) or evaluation.
public enum Mode: Sendable {
    case training
    case inference
}
