/// An 8-bit RGB image in memory.
///
/// `pixels` holds `height × width × 3` bytes, row-major: the byte of channel `c` (0 red, 1 green, 2 blue) of the
/// pixel at column `x`, row `y` (row 0 at the top) is `pixels[(y * width + x) * 3 + c]`.
public struct RGBImage: Equatable, Sendable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `height × width × 3` bytes, row-major, R G B for each pixel; changes must keep that count.
    public var pixels: [UInt8]

    /// An image of the given size from its row-major RGB bytes; `pixels.count` must be `height × width × 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 3,
                     "RGBImage: \(pixels.count) bytes for \(width)×\(height) pixels, expected \(width * height * 3)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The `width × height` rectangle whose top-left pixel is at column `x`, row `y`; it must lie inside the image.
    public func cropped(x: Int, y: Int, width: Int, height: Int) -> RGBImage {
        precondition(x >= 0 && y >= 0 && width >= 0 && height >= 0 && x + width <= self.width
                     && y + height <= self.height,
                     "RGBImage.cropped: \(width)×\(height) at (\(x), \(y)) is outside \(self.width)×\(self.height)")
        var out = [UInt8]()
        out.reserveCapacity(width * height * 3)
        for row in y..<(y + height) {
            let start = (row * self.width + x) * 3
            out.append(contentsOf: pixels[start..<(start + width * 3)])
        }
        return RGBImage(width: width, height: height, pixels: out)
    }

    /// The central `width × height` rectangle, placed like torchvision's `CenterCrop`: the top row is
    /// `round((self.height − height) / 2)` and the left column `round((self.width − width) / 2)`, with Python's
    /// `round` (halves to even). The rectangle must fit in the image.
    public func centerCropped(width: Int, height: Int) -> RGBImage {
        cropped(x: centeredOffset(length: self.width, crop: width),
                y: centeredOffset(length: self.height, crop: height), width: width, height: height)
    }
}

/// torchvision's `int(round((length - crop) / 2.0))`: Python 3 rounds halves to even.
func centeredOffset(length: Int, crop: Int) -> Int {
    Int((Double(length - crop) / 2).rounded(.toNearestOrEven))
}
