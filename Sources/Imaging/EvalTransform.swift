/// timm's evaluation transform for the Inception models: `transforms_imagenet_eval` with `crop_mode='center'`,
/// bicubic interpolation and mean = std = (0.5, 0.5, 0.5), applied to an image read with `RGBImage(contentsOf:)`.
///
/// 1. Resize (torchvision `Resize(resizeSize)` on a Pillow image): the shorter side becomes
///    `resizeSize = floor(inputSize / cropFraction)` and the longer one `int(resizeSize × long / short)`
///    (truncated), with Pillow's bicubic filter; an image already at that size is left as it is.
/// 2. Crop (torchvision `CenterCrop(inputSize)`): the central `inputSize × inputSize` square.
/// 3. Scale (`ToTensor` then `Normalize`): each byte v becomes `(v / 255 − 0.5) / 0.5` in Float32, a value in
///    [−1, 1].
///
/// The output is one image as `inputSize × inputSize × 3` Floats, HWC row-major (element (y, x, c) at
/// `(y · inputSize + x) · 3 + c`), ready to be copied into a batch tensor of shape `[batch, H, W, 3]`.
public struct EvalTransform: Equatable, Sendable {
    /// The side of the square the network sees, in pixels (299 for Inception-v4 and Inception-ResNet-v2).
    public let inputSize: Int
    /// The fraction of the resized image's shorter side that the crop keeps, in (0, 1] (timm's `crop_pct`:
    /// 0.875 for `inception_v4` and `inception_v3`, 0.8975 for `inception_resnet_v2`); 1 keeps the whole side.
    public let cropFraction: Double

    /// Checks `inputSize ≥ 1` and `0 < cropFraction ≤ 1`, throwing `ImageError.invalidParameter` otherwise.
    public init(inputSize: Int, cropFraction: Double) throws(ImageError) {
        guard inputSize >= 1 else {
            throw .invalidParameter("The input size must be at least 1 pixel, not \(inputSize).")
        }
        guard cropFraction > 0 && cropFraction <= 1 else {
            throw .invalidParameter("The crop fraction must be in (0, 1], not \(cropFraction).")
        }
        self.inputSize = inputSize
        self.cropFraction = cropFraction
    }

    /// The length, in pixels, that the shorter side is resized to: `floor(inputSize / cropFraction)` (341 for 299
    /// and 0.875), at least `inputSize`.
    public var resizeSize: Int { Int((Double(inputSize) / cropFraction).rounded(.down)) }

    /// The size, in pixels, of a `width × height` image after step 1: the shorter side becomes `resizeSize`, the
    /// longer one `int(resizeSize × long / short)` as torchvision computes it (a square stays a square).
    public func resizedSize(width: Int, height: Int) -> (width: Int, height: Int) {
        let (short, long) = (min(width, height), max(width, height))
        let newLong = Int(Double(resizeSize * long) / Double(short))
        return width <= height ? (resizeSize, newLong) : (newLong, resizeSize)
    }

    /// Steps 1 and 2: the `inputSize × inputSize` RGB crop, before scaling to Floats.
    public func cropped(_ image: RGBImage) -> RGBImage {
        let size = resizedSize(width: image.width, height: image.height)
        return image.resized(width: size.width, height: size.height).centerCropped(width: inputSize, height: inputSize)
    }

    /// All three steps: `inputSize × inputSize × 3` Floats in [−1, 1], HWC row-major.
    public func callAsFunction(_ image: RGBImage) -> [Float] {
        cropped(image).pixels.map { floatOfByte[Int($0)] }
    }
}

/// `(v / 255 − 0.5) / 0.5` in Float32 for each byte v: the operations of torchvision's `ToTensor` (divide by 255)
/// and `Normalize` (subtract the mean, divide by the standard deviation), so the values are the same Floats.
private let floatOfByte: [Float] = (0...255).map { (Float($0) / 255 - 0.5) / 0.5 }
