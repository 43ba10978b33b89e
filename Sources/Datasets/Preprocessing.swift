import Engine

/// What turns the stored bytes of an image into the Float32 tensor a network sees; a run records it.
///
/// In order: the `height × width` image is zero-padded by `pad` pixels on every side, giving
/// `(height + 2·pad) × (width + 2·pad)`; training batches are then augmented, if enabled, by a random crop of that
/// size from the padded image padded by a further `cropPadding` zero pixels (an offset of −cropPadding…cropPadding
/// in each direction, uniformly) and then by a horizontal flip with probability ½; finally every pixel, padding
/// included, is normalised. Zero padding means byte value 0 (black, the MNIST background) normalised like any
/// other pixel. Evaluation batches are padded and normalised only.
public struct Preprocessing: Codable, Hashable, Sendable, CustomStringConvertible {
    /// Zero pixels added on each side (2 turns 28×28 into 32×32).
    public var pad: Int
    /// Pixel-to-Float mapping.
    public var normalization: Normalization
    /// Maximum random-crop offset in pixels (training only; 0 disables cropping).
    public var cropPadding: Int
    /// Whether training images are mirrored left–right with probability ½.
    public var horizontalFlip: Bool

    /// The defaults leave images as they are, scaled to [0, 1], without augmentation.
    public init(pad: Int = 0, normalization: Normalization = .unitRange, cropPadding: Int = 0,
                horizontalFlip: Bool = false) {
        self.pad = pad
        self.normalization = normalization
        self.cropPadding = cropPadding
        self.horizontalFlip = horizontalFlip
    }

    /// For example `pad=2 norm=unit crop=4 flip=on`; stable, so runs can be compared by it.
    public var description: String {
        "pad=\(pad) norm=\(normalization) crop=\(cropPadding) flip=\(horizontalFlip ? "on" : "off")"
    }

    /// Whether training batches get random crops or flips.
    public var augments: Bool { cropPadding > 0 || horizontalFlip }

    /// The (height, width, channels) of an output image for source images of `set`.
    public func outputShape(for set: ImageSet) -> (height: Int, width: Int, channels: Int) {
        (set.height + 2 * pad, set.width + 2 * pad, set.channels)
    }

    /// `normalization.value` tabulated: entry `channel * 256 + byte`.
    func lookupTable(channels: Int) -> [Float] {
        (0..<channels).flatMap { channel in (0...255).map { normalization.value(of: UInt8($0), channel: channel) } }
    }

    /// A random crop offset and flip, drawn from `generator` (offset y, then offset x, then the flip).
    func randomPlacement(using generator: inout RandomGenerator) -> Placement {
        Placement(offsetY: generator.nextInt(below: 2 * cropPadding + 1) - cropPadding,
                  offsetX: generator.nextInt(below: 2 * cropPadding + 1) - cropPadding,
                  flipped: horizontalFlip && generator.nextInt(below: 2) == 1)
    }

    /// Writes one `height × width × channels` HWC byte image as the padded, placed and normalised Float32 HWC
    /// image: output pixel (y, x) is the padded image's pixel (y + offsetY, x′ + offsetX) with x′ = x, or
    /// `outputWidth − 1 − x` if flipped; outside the source image it is byte 0. `table` is `lookupTable`.
    func render(_ source: UnsafePointer<UInt8>, height: Int, width: Int, channels: Int, placement: Placement,
                table: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>) {
        let outputHeight = height + 2 * pad
        let outputWidth = width + 2 * pad
        // Source column of output column x: firstColumn + step · x.
        let step = placement.flipped ? -1 : 1
        let firstColumn = (placement.flipped ? outputWidth - 1 : 0) + placement.offsetX - pad
        var output = destination
        for y in 0..<outputHeight {
            let sourceY = y + placement.offsetY - pad
            let rowInside = (0..<height).contains(sourceY)
            let row = rowInside ? source + sourceY * width * channels : source
            for x in 0..<outputWidth {
                let sourceX = firstColumn + step * x
                if rowInside && (0..<width).contains(sourceX) {
                    let pixel = row + sourceX * channels
                    for c in 0..<channels { output[c] = table[c << 8 | Int(pixel[c])] }
                } else {
                    for c in 0..<channels { output[c] = table[c << 8] }
                }
                output += channels
            }
        }
    }
}

/// Where one output image comes from: a crop offset in pixels and whether it is mirrored.
struct Placement: Equatable {
    var offsetY = 0
    var offsetX = 0
    var flipped = false
}
