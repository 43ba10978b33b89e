/// The few protocol-buffer wire-format pieces an event file needs, written and read by hand (see
/// https://protobuf.dev/programming-guides/encoding/): varints, 64-bit and 32-bit little-endian fixed fields, and
/// length-delimited fields (strings, bytes, nested messages).
enum Protobuf {
    /// A field's wire type: the low three bits of its key.
    enum WireType: UInt64 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
    }

    /// One field as read: its number and its payload.
    enum Field {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        case bytes(ArraySlice<UInt8>)
    }
}

/// Appends fields to a message's bytes, in the order called (proto3 readers accept any order).
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    mutating func varint(_ field: Int, _ value: UInt64) {
        key(field, .varint)
        appendVarint(value)
    }

    mutating func double(_ field: Int, _ value: Double) {
        key(field, .fixed64)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func float(_ field: Int, _ value: Float) {
        key(field, .fixed32)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func bytes(_ field: Int, _ value: some Collection<UInt8>) {
        key(field, .lengthDelimited)
        appendVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func string(_ field: Int, _ value: String) { bytes(field, Array(value.utf8)) }

    mutating func message(_ field: Int, _ build: (inout ProtobufWriter) -> Void) {
        var nested = ProtobufWriter()
        build(&nested)
        bytes(field, nested.bytes)
    }

    private mutating func key(_ field: Int, _ type: Protobuf.WireType) {
        appendVarint(UInt64(field) << 3 | type.rawValue)
    }

    private mutating func appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }
}

/// Reads a message's fields in order; malformed bytes (a truncated field, an unsupported wire type) are an
/// `EventFileError.malformed`.
struct ProtobufReader {
    private let bytes: ArraySlice<UInt8>
    private var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    /// The next field number and payload; nil at the end of the message.
    mutating func next() throws -> (number: Int, field: Protobuf.Field)? {
        guard position < bytes.endIndex else { return nil }
        let key = try varint()
        guard let type = Protobuf.WireType(rawValue: key & 7) else {
            throw EventFileError.malformed("unsupported protobuf wire type \(key & 7)")
        }
        let number = Int(key >> 3)
        switch type {
        case .varint: return (number, .varint(try varint()))
        case .fixed64: return (number, .fixed64(try fixed(8)))
        case .fixed32: return (number, .fixed32(UInt32(try fixed(4))))
        case .lengthDelimited:
            let count = Int(try varint())
            guard count <= bytes.endIndex - position else { throw EventFileError.malformed("truncated protobuf field") }
            defer { position += count }
            return (number, .bytes(bytes[position..<position + count]))
        }
    }

    private mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 7) {
            guard position < bytes.endIndex else { throw EventFileError.malformed("truncated protobuf varint") }
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << UInt64(shift)
            if byte < 0x80 { return value }
        }
        throw EventFileError.malformed("protobuf varint longer than 10 bytes")
    }

    /// `count` bytes as a little-endian integer.
    private mutating func fixed(_ count: Int) throws -> UInt64 {
        guard count <= bytes.endIndex - position else { throw EventFileError.malformed("truncated protobuf field") }
        defer { position += count }
        return bytes[position..<position + count].reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
}
