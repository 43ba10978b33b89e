import CTestImageWriters
import Foundation
import Imaging

/// A fresh temporary directory for one test, with helpers that write image files into it.
struct TestDirectory: ~Copyable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("ImagingTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `bytes` as they are.
    func write(_ bytes: [UInt8], to name: String) throws -> URL {
        try Data(bytes).write(to: file(name))
        return file(name)
    }

    /// Writes a JPEG through libjpeg: `samples` row-major with `components` bytes a pixel (1 gray, 3 RGB, 4 CMYK).
    func writeJPEG(_ samples: [UInt8], width: Int, height: Int, components: Int, ycck: Bool = false,
                   quality: Int = 100, to name: String) throws -> URL {
        precondition(samples.count == width * height * components)
        let status = ctw_write_jpeg(file(name).path, Int32(width), Int32(height), Int32(components), ycck ? 1 : 0,
                                    Int32(quality), samples)
        guard status == 0 else { throw CocoaError(.fileWriteUnknown) }
        return file(name)
    }

    /// Writes a PNG through libpng from raw PNG rows (`rows.count / height` bytes each).
    func writePNG(rows: [UInt8], width: Int, height: Int, colorType: PNGColorType, bitDepth: Int,
                  interlaced: Bool = false, palette: [UInt8] = [], paletteAlpha: [UInt8] = [],
                  to name: String) throws -> URL {
        precondition(rows.count % height == 0)
        let status = ctw_write_png(file(name).path, Int32(width), Int32(height), colorType.rawValue, Int32(bitDepth),
                                   interlaced ? 1 : 0, rows, Int32(rows.count / height), palette,
                                   Int32(palette.count / 3), paletteAlpha, Int32(paletteAlpha.count))
        guard status == 0 else { throw CocoaError(.fileWriteUnknown) }
        return file(name)
    }
}

/// PNG's colour types (the IHDR byte).
enum PNGColorType: Int32 {
    case gray = 0, rgb = 2, palette = 3, grayAlpha = 4, rgba = 6
}

/// `count` bytes that look like noise but are the same on every run (a linear congruential sequence).
func noiseBytes(_ count: Int, seed: UInt32 = 1) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 1_664_525 &+ 1_013_904_223
        return UInt8(truncatingIfNeeded: state >> 24)
    }
}

/// A smooth RGB image, which JPEG at quality 100 keeps within a few levels.
func smoothImage(width: Int, height: Int) -> RGBImage {
    var pixels = [UInt8]()
    for y in 0..<height {
        for x in 0..<width {
            pixels += [UInt8(40 + 160 * x / width), UInt8(200 - 150 * y / height),
                       UInt8(60 + 80 * (x + y) / (width + height))]
        }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
}

/// The largest absolute difference between two byte arrays of the same length.
func maxDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
    precondition(a.count == b.count)
    return zip(a, b).map { abs(Int($0) - Int($1)) }.max() ?? 0
}
