import Imaging
import Testing

@Suite struct EvalTransformTests {
    @Test(arguments: [0, -0.5, 1.0001, 2, .nan, .infinity])
    func cropFractionOutsideZeroToOneIsRefused(cropFraction: Double) {
        #expect(throws: ImageError.self) { try EvalTransform(inputSize: 299, cropFraction: cropFraction) }
    }

    @Test func inputSizeBelowOneIsRefused() {
        #expect(throws: ImageError.invalidParameter("The input size must be at least 1 pixel, not 0.")) {
            try EvalTransform(inputSize: 0, cropFraction: 0.875)
        }
    }

    @Test func resizeSizesFollowTimmAndTorchvision() throws {
        let inception = try EvalTransform(inputSize: 299, cropFraction: 0.875)
        #expect(inception.resizeSize == 341)
        #expect(try EvalTransform(inputSize: 224, cropFraction: 0.875).resizeSize == 256)
        #expect(try EvalTransform(inputSize: 299, cropFraction: 1).resizeSize == 299)
        // The longer side is int(341 · long / short), truncated: 341 · 500 / 375 = 454.67.
        #expect(inception.resizedSize(width: 500, height: 375) == (454, 341))
        #expect(inception.resizedSize(width: 375, height: 500) == (341, 454))
        #expect(inception.resizedSize(width: 100, height: 100) == (341, 341))
    }

    @Test func outputIsInputSizeSquaredTimesThreeFloatsInMinusOneToOne() throws {
        let transform = try EvalTransform(inputSize: 16, cropFraction: 0.875)
        let image = RGBImage(width: 50, height: 37, pixels: noiseBytes(50 * 37 * 3, seed: 21))
        let output = transform(image)
        #expect(output.count == 16 * 16 * 3)
        #expect(output.allSatisfy { $0 >= -1 && $0 <= 1 })
        #expect(zip(output, transform.cropped(image).pixels).allSatisfy { abs($0 - (Float($1) / 127.5 - 1)) <= 1e-6 })
    }

    /// With crop fraction 1, an image already at the input size is neither resampled nor cropped.
    @Test func imageAtInputSizeWithCropFractionOneIsUsedAsItIs() throws {
        let transform = try EvalTransform(inputSize: 12, cropFraction: 1)
        var pixels = noiseBytes(12 * 12 * 3, seed: 22)
        pixels[0] = 0
        pixels[1] = 255
        let image = RGBImage(width: 12, height: 12, pixels: pixels)
        #expect(transform.cropped(image) == image)
        let output = transform(image)
        #expect(output[0] == -1 && output[1] == 1)
        #expect(zip(output, pixels).allSatisfy { abs($0 - (Float($1) / 127.5 - 1)) <= 1e-6 })
    }

    /// A non-square image whose shorter side is already the resize size is only cropped: rows round(1.5) = 2 on.
    @Test func shorterSideAtTheResizeSizeIsOnlyCropped() throws {
        let transform = try EvalTransform(inputSize: 12, cropFraction: 1)
        let image = RGBImage(width: 12, height: 15, pixels: noiseBytes(12 * 15 * 3, seed: 23))
        #expect(transform.cropped(image) == image.cropped(x: 0, y: 2, width: 12, height: 12))
    }

    /// timm 1.0's `create_transform(input_size=(3, 8, 8), interpolation='bicubic', mean=std=(0.5,)*3,
    /// crop_pct=0.875, crop_mode='center')` on a 13×10 image whose byte (y, x, c) is (x · 37 + y · 91 + c · 53) mod
    /// 256: resize to 11×9, crop from column 2 (round(1.5)), row 0 (round(0.5)). Its Floats, HWC, are the bytes
    /// below mapped through (v / 255 − 0.5) / 0.5 exactly.
    @Test func agreesWithTimm() throws {
        var pixels = [UInt8]()
        for y in 0..<10 {
            for x in 0..<13 { for c in 0..<3 { pixels.append(UInt8((x * 37 + y * 91 + c * 53) % 256)) } }
        }
        let transform = try EvalTransform(inputSize: 8, cropFraction: 0.875)
        let image = RGBImage(width: 13, height: 10, pixels: pixels)
        #expect(transform.cropped(image).pixels == timmBytes)
        #expect(transform(image) == timmBytes.map { (Float($0) / 255 - 0.5) / 0.5 })
    }
}

private let timmBytes: [UInt8] = [
    103, 157, 180, 148, 182, 236, 170, 217, 82, 188, 42, 72, 13, 67, 128, 61, 119, 160, 109, 147, 199, 154, 178,
    64, 150, 220, 27, 207, 112, 90, 67, 64, 143, 61, 133, 182, 126, 166, 188, 148, 179, 141, 156, 93, 32, 210,
    26, 102, 16, 87, 167, 80, 147, 152, 141, 196, 164, 179, 168, 195, 156, 158, 50, 117, 33, 106, 22, 102, 173,
    89, 162, 152, 168, 160, 155, 131, 135, 85, 129, 188, 56, 163, 67, 123, 42, 103, 189, 100, 182, 185, 173,
    156, 160, 128, 147, 77, 117, 103, 67, 69, 59, 143, 52, 126, 202, 120, 193, 108, 187, 203, 147, 170, 134,
    131, 122, 97, 72, 63, 66, 153, 66, 142, 224, 139, 213, 146, 197, 108, 118, 76, 114, 63, 110, 136, 100, 108,
    82, 165, 71, 151, 229, 148, 217, 138, 218, 166, 116, 122, 93, 103, 83, 80, 112, 60, 105, 189, 98, 165, 188,
    159, 232, 63, 223, 155, 121, 112, 99, 103, 71, 109, 136, 91, 121, 189, 113, 182, 239, 178, 211, 79, 172, 49,
    92, 32, 98, 93, 89, 111, 142, 94, 129, 197,
]
