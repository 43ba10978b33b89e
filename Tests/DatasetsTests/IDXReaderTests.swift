import Datasets
import Foundation
import Testing

@Suite struct IDXReaderTests {
    @Test(arguments: [false, true])
    func readsRawAndGzipFiles(gzip: Bool) throws {
        let dir = try TestDirectory()
        defer { dir.remove() }
        let images = try dir.write(idxImages(count: 3, rows: 2, columns: 3, pixels: sampleIDXPixels),
                                   to: "images", gzip: gzip)
        let labels = try dir.write(idxLabels(sampleIDXLabels), to: "labels", gzip: gzip)
        let set = try IDXReader.read(images: images, labels: labels, classCount: 10)
        #expect(set.count == 3)
        #expect((set.height, set.width, set.channels, set.classCount) == (2, 3, 1, 10))
        #expect(set.pixels == sampleIDXPixels)
        #expect(set.labels == sampleIDXLabels)
    }

    @Test func refusesWrongMagic() throws {
        let dir = try TestDirectory()
        defer { dir.remove() }
        // A label file given as the image file: magic 0x801 where 0x803 is expected.
        let labels = try dir.write(idxLabels(sampleIDXLabels), to: "labels")
        #expect(throws: DatasetError.wrongMagic(path: labels, expected: 0x803, found: 0x801)) {
            try IDXReader.read(images: labels, labels: labels, classCount: 10)
        }
        let message = DatasetError.wrongMagic(path: labels, expected: 0x803, found: 0x801).description
        #expect(message.contains("0x00000803") && message.contains("0x00000801") && message.contains(labels))
    }

    @Test(arguments: [false, true])
    func refusesTruncatedAndOverlongFiles(gzip: Bool) throws {
        let dir = try TestDirectory()
        defer { dir.remove() }
        let full = idxImages(count: 3, rows: 2, columns: 3, pixels: sampleIDXPixels)
        let labels = try dir.write(idxLabels(sampleIDXLabels), to: "labels", gzip: gzip)
        let truncated = try dir.write(Array(full.dropLast(4)), to: "truncated", gzip: gzip)
        #expect(throws: DatasetError.sizeMismatch(path: truncated, expectedBytes: 34, actualBytes: 30)) {
            try IDXReader.read(images: truncated, labels: labels, classCount: 10)
        }
        let overlong = try dir.write(full + [1], to: "overlong", gzip: gzip)
        #expect(throws: DatasetError.sizeMismatch(path: overlong, expectedBytes: 34, actualBytes: 35)) {
            try IDXReader.read(images: overlong, labels: labels, classCount: 10)
        }
        let headerOnly = try dir.write(Array(full.prefix(10)), to: "header", gzip: gzip)
        #expect(throws: DatasetError.sizeMismatch(path: headerOnly, expectedBytes: 16, actualBytes: 10)) {
            try IDXReader.read(images: headerOnly, labels: labels, classCount: 10)
        }
    }

    @Test func refusesCountMismatch() throws {
        let dir = try TestDirectory()
        defer { dir.remove() }
        let images = try dir.write(idxImages(count: 3, rows: 2, columns: 3, pixels: sampleIDXPixels), to: "images")
        let labels = try dir.write(idxLabels([1, 2]), to: "labels")
        #expect(throws: DatasetError.countMismatch(imagesPath: images, imageCount: 3, labelsPath: labels,
                                                   labelCount: 2)) {
            try IDXReader.read(images: images, labels: labels, classCount: 10)
        }
    }

    @Test func refusesLabelOutOfRange() throws {
        let dir = try TestDirectory()
        defer { dir.remove() }
        let images = try dir.write(idxImages(count: 3, rows: 2, columns: 3, pixels: sampleIDXPixels), to: "images")
        let labels = try dir.write(idxLabels([1, 10, 2]), to: "labels")
        #expect(throws: DatasetError.labelOutOfRange(path: labels, index: 1, label: 10, classCount: 10)) {
            try IDXReader.read(images: images, labels: labels, classCount: 10)
        }
    }

    @Test func refusesZeroImageSize() throws {
        let dir = try TestDirectory()
        defer { dir.remove() }
        let images = try dir.write(idxImages(count: 3, rows: 0, columns: 3, pixels: []), to: "images")
        let labels = try dir.write(idxLabels(sampleIDXLabels), to: "labels")
        #expect(throws: DatasetError.badHeader(path: images, reason: "it declares an image size of 0")) {
            try IDXReader.read(images: images, labels: labels, classCount: 10)
        }
    }

    @Test func refusesCorruptAndTruncatedGzip() throws {
        let dir = try TestDirectory()
        defer { dir.remove() }
        let labels = try dir.write(idxLabels(sampleIDXLabels), to: "labels")
        let good = try dir.write(idxImages(count: 3, rows: 2, columns: 3, pixels: sampleIDXPixels), to: "good.gz",
                                 gzip: true)
        let compressed = try [UInt8](Data(contentsOf: URL(fileURLWithPath: good)))

        // Cut inside the deflate stream: the stream ends early.
        let truncated = try dir.write(Array(compressed.prefix(compressed.count - 12)), to: "truncated.gz")
        #expect(throws: DatasetError.corruptGzip(path: truncated, reason: "unexpected end of file")) {
            try IDXReader.read(images: truncated, labels: labels, classCount: 10)
        }
        // Flip a bit of the CRC-32 in the trailer: the data decodes but fails its check.
        var damaged = compressed
        damaged[damaged.count - 8] ^= 1
        let corrupt = try dir.write(damaged, to: "corrupt.gz")
        #expect(throws: DatasetError.corruptGzip(path: corrupt, reason: "incorrect data check")) {
            try IDXReader.read(images: corrupt, labels: labels, classCount: 10)
        }
    }

    @Test func refusesMissingFile() throws {
        let path = "/nonexistent/images"
        #expect(throws: DatasetError.unreadableFile(path: path, reason: "No such file or directory")) {
            try IDXReader.read(images: path, labels: path, classCount: 10)
        }
    }
}
