import CZlib
import Foundation

/// A fresh temporary directory for one test, with helpers that write dataset files into it.
struct TestDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("DatasetsTests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Writes `bytes` to `name`, gzip-compressed through zlib's gzwrite if `gzip`, and returns the path.
    @discardableResult
    func write(_ bytes: [UInt8], to name: String, gzip: Bool = false) throws -> String {
        let target = file(name)
        if gzip {
            guard let gz = gzopen(target, "wb") else { throw CocoaError(.fileWriteUnknown) }
            let written = bytes.withUnsafeBytes { gzwrite(gz, $0.baseAddress, UInt32($0.count)) }
            guard gzclose(gz) == Z_OK, written == bytes.count else { throw CocoaError(.fileWriteUnknown) }
        } else {
            try Data(bytes).write(to: URL(fileURLWithPath: target))
        }
        return target
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

func bigEndian(_ values: [UInt32]) -> [UInt8] {
    values.flatMap { value in [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }
}

/// An IDX image file: magic 0x803, count, rows, columns, then `pixels`.
func idxImages(count: Int, rows: Int, columns: Int, pixels: [UInt8], magic: UInt32 = 0x803) -> [UInt8] {
    bigEndian([magic, UInt32(count), UInt32(rows), UInt32(columns)]) + pixels
}

/// An IDX label file: magic 0x801, count, then `labels`.
func idxLabels(_ labels: [UInt8], magic: UInt32 = 0x801) -> [UInt8] {
    bigEndian([magic, UInt32(labels.count)]) + labels
}

/// Three 2×3 grey images with pixel values `image * 10 + offset` and labels 7, 0, 9.
let sampleIDXPixels: [UInt8] = (0..<3).flatMap { image in (0..<6).map { UInt8(image * 10 + $0) } }
let sampleIDXLabels: [UInt8] = [7, 0, 9]
