import Foundation
import Imaging
import Testing

@Suite struct PNGDecodingTests {
    @Test func rgbRoundTripsExactly() throws {
        let directory = try TestDirectory()
        let pixels = noiseBytes(7 * 5 * 3)
        let url = try directory.writePNG(rows: pixels, width: 7, height: 5, colorType: .rgb, bitDepth: 8, to: "a.png")
        #expect(try RGBImage(contentsOf: url) == RGBImage(width: 7, height: 5, pixels: pixels))
    }

    @Test func interlacedRGBRoundTripsExactly() throws {
        let directory = try TestDirectory()
        let pixels = noiseBytes(11 * 9 * 3, seed: 2)
        let url = try directory.writePNG(rows: pixels, width: 11, height: 9, colorType: .rgb, bitDepth: 8,
                                         interlaced: true, to: "a.png")
        #expect(try RGBImage(contentsOf: url).pixels == pixels)
    }

    @Test func grayIsReplicatedIntoRGB() throws {
        let directory = try TestDirectory()
        let gray = noiseBytes(6 * 4, seed: 3)
        let url = try directory.writePNG(rows: gray, width: 6, height: 4, colorType: .gray, bitDepth: 8, to: "g.png")
        #expect(try RGBImage(contentsOf: url) == RGBImage(width: 6, height: 4, pixels: gray.flatMap { [$0, $0, $0] }))
    }

    @Test func oneBitGrayBecomesBlackAndWhite() throws {
        let directory = try TestDirectory()
        // One row of 10 pixels, packed most significant bit first: 1011 0010 | 01xx xxxx.
        let url = try directory.writePNG(rows: [0b1011_0010, 0b0100_0000], width: 10, height: 1, colorType: .gray,
                                         bitDepth: 1, to: "b.png")
        let bits: [UInt8] = [1, 0, 1, 1, 0, 0, 1, 0, 0, 1]
        #expect(try RGBImage(contentsOf: url).pixels == bits.flatMap { [$0 * 255, $0 * 255, $0 * 255] })
    }

    @Test func paletteIsLookedUpAndItsTransparencyDropped() throws {
        let directory = try TestDirectory()
        let palette: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]
        let indices: [UInt8] = [0, 1, 2, 3, 3, 2, 1, 0]
        let url = try directory.writePNG(rows: indices, width: 4, height: 2, colorType: .palette, bitDepth: 8,
                                         palette: palette, paletteAlpha: [0, 128, 255], to: "p.png")
        let expected = indices.flatMap { palette[Int($0) * 3..<Int($0) * 3 + 3] }
        #expect(try RGBImage(contentsOf: url).pixels == expected)
    }

    @Test func alphaIsDroppedNotComposited() throws {
        let directory = try TestDirectory()
        let rgba = noiseBytes(5 * 3 * 4, seed: 4)
        let url = try directory.writePNG(rows: rgba, width: 5, height: 3, colorType: .rgba, bitDepth: 8, to: "a.png")
        let rgb = stride(from: 0, to: rgba.count, by: 4).flatMap { rgba[$0..<$0 + 3] }
        #expect(try RGBImage(contentsOf: url).pixels == rgb)

        let grayAlpha = noiseBytes(5 * 3 * 2, seed: 5)
        let url2 = try directory.writePNG(rows: grayAlpha, width: 5, height: 3, colorType: .grayAlpha, bitDepth: 8,
                                          to: "ga.png")
        let gray = stride(from: 0, to: grayAlpha.count, by: 2).flatMap { [grayAlpha[$0], grayAlpha[$0], grayAlpha[$0]] }
        #expect(try RGBImage(contentsOf: url2).pixels == gray)
    }

    @Test func sixteenBitSamplesKeepTheirHighByte() throws {
        let directory = try TestDirectory()
        // Big-endian 16-bit samples: the high bytes are the expected image, the low bytes are noise.
        let high = noiseBytes(4 * 3 * 3, seed: 6), low = noiseBytes(4 * 3 * 3, seed: 7)
        let rows = zip(high, low).flatMap { [$0, $1] }
        let url = try directory.writePNG(rows: rows, width: 4, height: 3, colorType: .rgb, bitDepth: 16, to: "w.png")
        #expect(try RGBImage(contentsOf: url).pixels == high)

        let grayRows = zip(high.prefix(12), low).flatMap { [$0, $1] }
        let url2 = try directory.writePNG(rows: grayRows, width: 4, height: 3, colorType: .gray, bitDepth: 16,
                                          to: "g16.png")
        #expect(try RGBImage(contentsOf: url2).pixels == high.prefix(12).flatMap { [$0, $0, $0] })
    }
}

@Suite struct JPEGDecodingTests {
    @Test func rgbAtQuality100IsCloseToTheWrittenPixels() throws {
        let directory = try TestDirectory()
        let image = smoothImage(width: 40, height: 24)
        let url = try directory.writeJPEG(image.pixels, width: 40, height: 24, components: 3, to: "a.jpg")
        let decoded = try RGBImage(contentsOf: url)
        #expect(decoded.width == 40 && decoded.height == 24)
        #expect(maxDifference(decoded.pixels, image.pixels) <= 3)
    }

    @Test func grayIsReplicatedIntoRGB() throws {
        let directory = try TestDirectory()
        let gray = smoothImage(width: 16, height: 16).pixels.enumerated().filter { $0.offset % 3 == 0 }.map(\.element)
        let url = try directory.writeJPEG(gray, width: 16, height: 16, components: 1, to: "g.jpg")
        let decoded = try RGBImage(contentsOf: url)
        let red = stride(from: 0, to: decoded.pixels.count, by: 3).map { decoded.pixels[$0] }
        #expect(decoded.pixels == red.flatMap { [$0, $0, $0] })
        #expect(maxDifference(red, gray) <= 2)
    }

    /// Adobe CMYK stores 255 − ink; Pillow's conversion then gives channel = stored colour · stored black / 255.
    @Test(arguments: [false, true]) func invertedCMYKIsConvertedToRGB(ycck: Bool) throws {
        let directory = try TestDirectory()
        let (width, height) = (12, 10)
        var cmyk = [UInt8]()
        var expected = [UInt8]()
        for y in 0..<height {
            for x in 0..<width {
                let stored: [UInt8] = [UInt8(20 * x), UInt8(25 * y), UInt8(100 + 5 * (x + y)), UInt8(255 - 8 * x)]
                cmyk += stored
                expected += stored.prefix(3).map { UInt8((Int($0) * Int(stored[3]) + 127) / 255) }
            }
        }
        let url = try directory.writeJPEG(cmyk, width: width, height: height, components: 4, ycck: ycck,
                                          to: "c.jpg")
        #expect(maxDifference(try RGBImage(contentsOf: url).pixels, expected) <= 4)
    }
}

@Suite struct FormatAndErrorTests {
    /// The signature decides, not the name: a PNG named .jpg and a JPEG with no extension both decode.
    @Test func formatComesFromTheMagicBytes() throws {
        let directory = try TestDirectory()
        let pixels = noiseBytes(3 * 2 * 3)
        let png = try directory.writePNG(rows: pixels, width: 3, height: 2, colorType: .rgb, bitDepth: 8,
                                         to: "really-a-png.jpg")
        #expect(try RGBImage(contentsOf: png).pixels == pixels)
        let jpeg = try directory.writeJPEG(smoothImage(width: 8, height: 8).pixels, width: 8, height: 8,
                                           components: 3, to: "jpeg-without-extension")
        #expect(try RGBImage(contentsOf: jpeg).width == 8)
    }

    @Test func truncatedJPEGIsAnErrorNamingTheFile() throws {
        let directory = try TestDirectory()
        let url = try directory.writeJPEG(noiseBytes(32 * 32 * 3), width: 32, height: 32, components: 3, to: "a.jpg")
        let bytes = try [UInt8](Data(contentsOf: url))
        let cut = try directory.write(Array(bytes.prefix(bytes.count / 2)), to: "cut.jpg")
        let error = #expect(throws: ImageError.self) { try RGBImage(contentsOf: cut) }
        #expect(error == .corruptJPEG(path: cut.path, reason: "Premature end of JPEG file"))
        #expect(error?.description == "\(cut.path): truncated or corrupt JPEG: Premature end of JPEG file.")
    }

    @Test func corruptJPEGIsAnError() throws {
        let directory = try TestDirectory()
        // SOI, then a frame header (SOF0) claiming 0 components.
        let url = try directory.write([0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x08, 8, 0, 16, 0, 16, 0], to: "bad.jpg")
        let error = #expect(throws: ImageError.self) { try RGBImage(contentsOf: url) }
        guard case let .corruptJPEG(path, reason) = error else {
            Issue.record("expected corruptJPEG, got \(String(describing: error))")
            return
        }
        #expect(path == url.path && !reason.isEmpty)
    }

    @Test func truncatedPNGIsAnError() throws {
        let directory = try TestDirectory()
        let url = try directory.writePNG(rows: noiseBytes(16 * 16 * 3), width: 16, height: 16, colorType: .rgb,
                                         bitDepth: 8, to: "a.png")
        let bytes = try [UInt8](Data(contentsOf: url))
        let cut = try directory.write(Array(bytes.prefix(bytes.count / 2)), to: "cut.png")
        let error = #expect(throws: ImageError.self) { try RGBImage(contentsOf: cut) }
        #expect(error == .corruptPNG(path: cut.path, reason: "premature end of PNG file"))
    }

    @Test func otherFilesAreNotImages() throws {
        let directory = try TestDirectory()
        let text = try directory.write(Array("hello, world".utf8), to: "hello.jpg")
        let error = #expect(throws: ImageError.self) { try RGBImage(contentsOf: text) }
        #expect(error?.description
            == "\(text.path): not a JPEG or PNG file (starts with bytes 68 65 6C 6C 6F 2C 20 77).")
        let empty = try directory.write([], to: "empty.png")
        #expect(throws: ImageError.unknownFormat(path: empty.path, firstBytes: [])) { try RGBImage(contentsOf: empty) }
    }

    @Test func missingFilesAndDirectoriesAreUnreadable() throws {
        let directory = try TestDirectory()
        let missing = directory.file("missing.jpg")
        #expect(throws: ImageError.unreadableFile(path: missing.path, reason: "No such file or directory")) {
            try RGBImage(contentsOf: missing)
        }
        #expect(throws: ImageError.unreadableFile(path: directory.url.path, reason: "Is a directory")) {
            try RGBImage(contentsOf: directory.url)
        }
    }
}
