@testable import Imaging
import Testing

@Suite struct CroppingTests {
    @Test func centerCropRoundsHalvesToEven() {
        // (length − crop) / 2: 1.5 → 2, 2.5 → 2, 0.5 → 0, 3.5 → 4, 2 → 2.
        #expect(centeredOffset(length: 5, crop: 2) == 2)
        #expect(centeredOffset(length: 7, crop: 2) == 2)
        #expect(centeredOffset(length: 3, crop: 2) == 0)
        #expect(centeredOffset(length: 10, crop: 3) == 4)
        #expect(centeredOffset(length: 6, crop: 2) == 2)
    }

    @Test func centerCropTakesTheRightPixels() {
        // Byte (y, x, c) = 10·y + x, so a crop's first byte tells its origin.
        var pixels = [UInt8]()
        for y in 0..<7 { for x in 0..<5 { pixels += [UInt8(10 * y + x), 0, 0] } }
        let image = RGBImage(width: 5, height: 7, pixels: pixels)
        let crop = image.centerCropped(width: 2, height: 2)  // left round(1.5) = 2, top round(2.5) = 2
        #expect(crop.width == 2 && crop.height == 2)
        #expect(crop.pixels == [22, 0, 0, 23, 0, 0, 32, 0, 0, 33, 0, 0])
        #expect(image.cropped(x: 4, y: 6, width: 1, height: 1).pixels == [64, 0, 0])
    }
}
