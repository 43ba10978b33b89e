/// TFRecord framing, the container of TensorBoard event files. Each record is
///
///     UInt64 length (little-endian) | UInt32 masked CRC-32C of those 8 bytes | length bytes of data |
///     UInt32 masked CRC-32C of the data
///
/// (see `CRC32C.masked`); records follow each other with nothing in between.
public enum TFRecord {
    /// `data` framed as one record.
    public static func frame(_ data: [UInt8]) -> [UInt8] {
        var length = [UInt8]()
        withUnsafeBytes(of: UInt64(data.count).littleEndian) { length.append(contentsOf: $0) }
        return length + littleEndian(CRC32C.masked(CRC32C.checksum(of: length))) + data
            + littleEndian(CRC32C.masked(CRC32C.checksum(of: data)))
    }

    /// The data of every record in `bytes`, checking both checksums of each. A record cut short at the end (a
    /// writer stopped in the middle of a write) ends the list and sets `truncated`; a checksum that does not
    /// match is an error naming the record's offset.
    public static func records(in bytes: [UInt8]) throws -> (records: [ArraySlice<UInt8>], truncated: Bool) {
        var records: [ArraySlice<UInt8>] = []
        var offset = 0
        while offset < bytes.count {
            guard bytes.count - offset >= 12 else { return (records, true) }
            let header = bytes[offset..<offset + 8]
            guard CRC32C.masked(CRC32C.checksum(of: header)) == uint32(bytes, at: offset + 8) else {
                throw EventFileError.malformed("the length checksum of the record at byte \(offset) does not match")
            }
            let length = header.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let start = offset + 12
            guard length <= UInt64(bytes.count - start), bytes.count - start - Int(length) >= 4 else {
                return (records, true)
            }
            let data = bytes[start..<start + Int(length)]
            guard CRC32C.masked(CRC32C.checksum(of: data)) == uint32(bytes, at: data.endIndex) else {
                throw EventFileError.malformed("the data checksum of the record at byte \(offset) does not match")
            }
            records.append(data)
            offset = data.endIndex + 4
        }
        return (records, false)
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    private static func uint32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }
}
