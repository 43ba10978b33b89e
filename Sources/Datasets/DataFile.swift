import CZlib
import Foundation

/// Reading dataset files whole, gzip-compressed or not.
enum DataFile {
    /// The path of `name` in `directory`, trying the plain name first, then `name.gz`; nil if neither exists.
    static func locate(_ name: String, in directory: String) -> String? {
        let base = URL(fileURLWithPath: directory).appendingPathComponent(name).path
        return [base, base + ".gz"].first { FileManager.default.fileExists(atPath: $0) }
    }

    /// The decoded bytes of the file at `path`. Gzip files (recognised by their header, whatever their name) are
    /// decompressed, including every member of a multi-member file; other files are returned as they are.
    /// Throws `unreadableFile` if the file cannot be opened and `corruptGzip` if the stream is damaged or truncated.
    static func read(_ path: String) throws -> [UInt8] {
        guard let file = gzopen(path, "rb") else {
            throw DatasetError.unreadableFile(path: path, reason: String(cString: strerror(errno)))
        }
        defer { gzclose(file) }
        gzbuffer(file, 1 << 20)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            var status: Int32 = Z_OK
            let message = String(cString: gzerror(file, &status))
            if n < 0 || (status != Z_OK && status != Z_BUF_ERROR) {
                // zlib prefixes its message with the path, which the error already names.
                let reason = message.hasPrefix(path + ": ") ? String(message.dropFirst(path.count + 2)) : message
                throw DatasetError.corruptGzip(path: path, reason: reason)
            }
            if n == 0 {
                // Z_BUF_ERROR at the end means the input stopped in the middle of a gzip stream.
                if status == Z_BUF_ERROR {
                    throw DatasetError.corruptGzip(path: path, reason: "unexpected end of file")
                }
                return bytes
            }
            bytes.append(contentsOf: chunk[0..<Int(n)])
        }
    }
}
