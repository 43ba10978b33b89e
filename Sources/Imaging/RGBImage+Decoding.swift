import CImageCodecs
import Foundation

extension RGBImage {
    /// Reads a JPEG or PNG file into 8-bit RGB, like Pillow's `Image.open(path).convert('RGB')`.
    ///
    /// The format is recognised by the file's first bytes, whatever its name. JPEG is decoded by libjpeg with its
    /// defaults (ISLOW DCT, fancy upsampling); grayscale is replicated into R, G and B; CMYK and YCCK files are
    /// read with Adobe's inverted polarity and converted as Pillow does. PNG is decoded by libpng: palette and
    /// grayscale become RGB, 16-bit samples keep their high byte, alpha is dropped (not composited), gamma and
    /// colour profiles are ignored. EXIF orientation is not applied (neither Pillow nor timm applies it).
    ///
    /// Throws `ImageError.unreadableFile` if the file cannot be read, `.unknownFormat` if it is neither JPEG nor
    /// PNG, and `.corruptJPEG` or `.corruptPNG` with the library's message if it is truncated or damaged.
    public init(contentsOf url: URL) throws(ImageError) {
        let path = url.path
        let bytes = try readFile(path)
        let decode: (UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<cic_rgb_image>?,
                     UnsafeMutablePointer<CChar>?) -> Int32
        let corrupt: (String) -> ImageError
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            (decode, corrupt) = (cic_decode_jpeg, { .corruptJPEG(path: path, reason: $0) })
        } else if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            (decode, corrupt) = (cic_decode_png, { .corruptPNG(path: path, reason: $0) })
        } else {
            throw .unknownFormat(path: path, firstBytes: Array(bytes.prefix(8)))
        }

        var image = cic_rgb_image()
        var message = [CChar](repeating: 0, count: Int(CIC_MESSAGE_CAPACITY))
        let status = bytes.withUnsafeBufferPointer { decode($0.baseAddress, $0.count, &image, &message) }
        guard status == 0, let decoded = image.pixels else {
            throw corrupt(String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        defer { free(decoded) }
        let (width, height) = (Int(image.width), Int(image.height))
        self.init(width: width, height: height,
                  pixels: Array(UnsafeBufferPointer(start: decoded, count: width * height * 3)))
    }
}

/// The bytes of the file at `path`, or `unreadableFile` with the system's reason.
private func readFile(_ path: String) throws(ImageError) -> [UInt8] {
    guard let file = fopen(path, "rb") else {
        throw .unreadableFile(path: path, reason: String(cString: strerror(errno)))
    }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        bytes.append(contentsOf: chunk[0..<count])
        if count < chunk.count {
            // fopen succeeds on a directory; reading it then fails with EISDIR.
            if ferror(file) != 0 { throw .unreadableFile(path: path, reason: String(cString: strerror(errno))) }
            return bytes
        }
    }
}
