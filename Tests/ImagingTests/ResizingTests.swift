import Imaging
import Testing

/// Pillow's bicubic resampling written plainly in Double: for each output sample, weigh the input samples within
/// the (stretched, when shrinking) kernel's support, normalise the weights, round and clip to a byte; rows first,
/// then columns. The fixed-point arithmetic of the real one may move a value by one level.
func referenceResize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
    func cubic(_ x: Double) -> Double {
        let x = abs(x), a = -0.5
        if x < 1 { return (a + 2) * x * x * x - (a + 3) * x * x + 1 }
        if x < 2 { return a * x * x * x - 5 * a * x * x + 8 * a * x - 4 * a }
        return 0
    }
    /// Resamples `count` samples read by `sample(i)` to `outCount` samples.
    func resample(_ count: Int, _ outCount: Int, _ sample: (Int) -> Double) -> [UInt8] {
        let scale = Double(count) / Double(outCount)
        let stretch = max(scale, 1)
        return (0..<outCount).map { o in
            let center = (Double(o) + 0.5) * scale
            var sum = 0.0, weights = 0.0
            for i in 0..<count {
                let w = cubic((Double(i) + 0.5 - center) / stretch)
                sum += w * sample(i)
                weights += w
            }
            return UInt8(max(0, min(255, (sum / weights).rounded())))
        }
    }
    var rows = [UInt8](repeating: 0, count: image.height * width * 3)
    for y in 0..<image.height {
        for c in 0..<3 {
            let out = resample(image.width, width) { Double(image.pixels[(y * image.width + $0) * 3 + c]) }
            for x in 0..<width { rows[(y * width + x) * 3 + c] = out[x] }
        }
    }
    var pixels = [UInt8](repeating: 0, count: height * width * 3)
    for x in 0..<width {
        for c in 0..<3 {
            let out = resample(image.height, height) { Double(rows[($0 * width + x) * 3 + c]) }
            for y in 0..<height { pixels[(y * width + x) * 3 + c] = out[y] }
        }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
}

@Suite struct ResizingTests {
    /// Noise exercises the clipping (the cubic overshoots) and the antialiasing (shrinking averages it away).
    let noise = RGBImage(width: 37, height: 23, pixels: noiseBytes(37 * 23 * 3, seed: 11))

    @Test(arguments: [(11, 7), (60, 41), (19, 40), (37, 9), (80, 23), (1, 1), (5, 64)])
    func matchesThePlainReferenceWithinOneLevel(width: Int, height: Int) {
        let resized = noise.resized(width: width, height: height)
        #expect(resized.width == width && resized.height == height)
        #expect(maxDifference(resized.pixels, referenceResize(noise, width: width, height: height).pixels) <= 1)
    }

    @Test func smoothImagesMatchTheReferenceUpAndDown() {
        let image = smoothImage(width: 50, height: 30)
        for (width, height) in [(17, 12), (123, 77), (50, 13), (20, 30)] {
            let resized = image.resized(width: width, height: height)
            #expect(maxDifference(resized.pixels, referenceResize(image, width: width, height: height).pixels) <= 1)
        }
    }

    /// Bytes of Pillow 13's `Image.resize(size, Image.BICUBIC)` on a 9×7 image whose byte (y, x, c) is
    /// `(x · 37 + y · 91 + c · 53) mod 256`.
    @Test func agreesWithPillowBytes() {
        var pixels = [UInt8]()
        for y in 0..<7 { for x in 0..<9 { for c in 0..<3 { pixels.append(UInt8((x * 37 + y * 91 + c * 53) % 256)) } } }
        let image = RGBImage(width: 9, height: 7, pixels: pixels)
        #expect(image.resized(width: 4, height: 3).pixels == pillowDown)
        #expect(image.resized(width: 5, height: 11).pixels == pillowUp)
    }

    @Test func sameSizeIsUnchanged() {
        #expect(noise.resized(width: 37, height: 23) == noise)
    }
}

private let pillowDown: [UInt8] = [
    91, 124, 136, 132, 160, 132, 131, 128, 136, 101, 117, 147, 114, 131, 139, 108, 126, 126, 127, 152, 131, 129,
    130, 149, 128, 135, 139, 112, 133, 153, 116, 129, 119, 128, 140, 128,
]
private let pillowUp: [UInt8] = [
    10, 63, 116, 73, 126, 202, 151, 220, 205, 188, 95, 52, 19, 60, 124, 49, 108, 168, 128, 183, 134, 171, 161,
    145, 118, 90, 97, 58, 111, 176, 116, 162, 206, 174, 224, 56, 176, 90, 86, 44, 104, 164, 124, 169, 215, 191,
    143, 81, 72, 86, 89, 88, 109, 167, 112, 187, 211, 200, 139, 90, 145, 110, 62, 47, 69, 154, 99, 171, 154,
    173, 182, 166, 154, 102, 71, 33, 86, 139, 97, 150, 210, 170, 229, 72, 196, 112, 76, 42, 84, 147, 80, 154,
    215, 175, 167, 120, 97, 101, 79, 101, 107, 142, 89, 153, 224, 155, 187, 196, 170, 136, 75, 53, 51, 131, 76,
    150, 162, 164, 183, 202, 215, 152, 71, 66, 67, 122, 80, 136, 206, 156, 223, 96, 225, 144, 70, 123, 120, 110,
    84, 124, 189, 150, 169, 144, 116, 121, 88, 125, 121, 113, 38, 100, 162, 118, 182, 234, 201, 180, 81, 70, 27,
    93, 36, 109, 171,
]
