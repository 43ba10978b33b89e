import Foundation

/// Named tensors in the safetensors format, the one weight-file format of InceptionLab: training checkpoints and
/// timm's published checkpoints are both read and written through this type.
///
///     [8 bytes: little-endian UInt64 header length N]
///     [N bytes: UTF-8 JSON header, space-padded to a multiple of 8]
///     [tensor data: little-endian, row-major, back to back]
///
/// The header maps each tensor name to `{"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}` (byte
/// offsets into the data section) and holds string metadata under `"__metadata__"`. Writing puts the tensors in
/// name order; reading accepts any order, and the dtypes of PyTorch state dicts (F64, F32, F16, BF16, I64).
public struct SafeTensors {
    /// Element types this type reads; it writes `f32` and `i64`.
    public enum DType: String, Sendable {
        case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16", i64 = "I64"

        /// Bytes per element.
        public var size: Int {
            switch self {
            case .f64, .i64: 8
            case .f32: 4
            case .f16, .bf16: 2
            }
        }
    }

    /// One tensor: its element type, dimensions (outermost first; `[]` for a scalar) and raw little-endian bytes.
    public struct Tensor {
        public let dtype: DType
        public let shape: [Int]
        /// `shape.reduce(1, *) × dtype.size` bytes.
        public let bytes: Data

        /// A Float32 tensor.
        public init(shape: [Int], floats: [Float]) {
            precondition(floats.count == shape.reduce(1, *), "\(floats.count) values do not fill \(shape)")
            self.init(dtype: .f32, shape: shape,
                      bytes: floats.map(\.bitPattern.littleEndian).withUnsafeBytes { Data($0) })
        }

        /// An Int64 tensor (PyTorch's `num_batches_tracked` counters).
        public init(shape: [Int], integers: [Int64]) {
            precondition(integers.count == shape.reduce(1, *), "\(integers.count) values do not fill \(shape)")
            self.init(dtype: .i64, shape: shape, bytes: integers.map(\.littleEndian).withUnsafeBytes { Data($0) })
        }

        init(dtype: DType, shape: [Int], bytes: Data) {
            self.dtype = dtype
            self.shape = shape
            self.bytes = bytes
        }

        /// Number of elements.
        public var count: Int { shape.reduce(1, *) }

        /// The values converted to Float32 (exactly for F32, F16, BF16; rounded for F64 and I64).
        public var floats: [Float] {
            bytes.withUnsafeBytes { raw in
                (0..<count).map { i in
                    switch dtype {
                    case .f32: Float(bitPattern: raw.loadLittleEndian(UInt32.self, at: i))
                    case .f64: Float(Double(bitPattern: raw.loadLittleEndian(UInt64.self, at: i)))
                    case .i64: Float(Int64(bitPattern: raw.loadLittleEndian(UInt64.self, at: i)))
                    case .bf16: Float(bitPattern: UInt32(raw.loadLittleEndian(UInt16.self, at: i)) << 16)
                    case .f16: Self.float(half: raw.loadLittleEndian(UInt16.self, at: i))
                    }
                }
            }
        }

        /// IEEE half precision (1 sign, 5 exponent, 10 fraction bits) to Float32.
        private static func float(half h: UInt16) -> Float {
            let sign: Float = h & 0x8000 == 0 ? 1 : -1
            let exponent = Int(h >> 10 & 0x1f), fraction = Float(h & 0x3ff)
            switch exponent {
            case 0: return sign * fraction * 0x1p-24                        // zero and subnormals
            case 31: return fraction == 0 ? sign * .infinity : .nan
            default: return sign * (1 + fraction / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
            }
        }
    }

    public var tensors: [String: Tensor] = [:]
    /// String metadata (`__metadata__`).
    public var metadata: [String: String] = [:]

    public init() {}

    /// Writes the file atomically: to `<url>.partial`, flushed, then renamed over `url`, so a killed process
    /// leaves either the previous file or the new one, never a torn one. A failed write (a full disk) removes
    /// `<url>.partial`.
    public func write(to url: URL) throws(SafeTensorsError) {
        let names = tensors.keys.sorted()
        var header: [String: Any] = [:]
        var offset = 0
        for name in names {
            let t = tensors[name]!
            header[name] = ["dtype": t.dtype.rawValue, "shape": t.shape,
                            "data_offsets": [offset, offset + t.bytes.count]]
            offset += t.bytes.count
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var data = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        for name in names { data.append(tensors[name]!.bytes) }

        let temporary = url.appendingPathExtension("partial")
        var created = false
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw SafeTensorsError.unwritable(file: temporary.path)
            }
            created = true
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            _ = try? FileManager.default.removeItem(at: url)
            try FileManager.default.moveItem(at: temporary, to: url)
        } catch {
            if created { try? FileManager.default.removeItem(at: temporary) }   // on a full disk, give the space back
            throw .unwritable(file: url.path)
        }
    }

    /// Reads and validates a safetensors file. The file is memory-mapped; tensors keep slices of the mapping.
    public static func read(from url: URL) throws(SafeTensorsError) -> SafeTensors {
        let file = url.path
        guard let data = try? Data(contentsOf: url, options: .alwaysMapped) else { throw .unreadable(file: file) }
        func corrupt(_ reason: String) -> SafeTensorsError { .corrupt(file: file, reason: reason) }
        guard data.count >= 8 else { throw corrupt("shorter than the 8-byte header length") }
        let headerLength = data.withUnsafeBytes { $0.loadLittleEndian(UInt64.self, at: 0) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw corrupt("header length \(headerLength) exceeds the file size \(data.count)")
        }
        let dataStart = 8 + Int(headerLength)
        guard let header = try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<dataStart)) as? [String: Any]
        else { throw corrupt("the header is not a JSON object") }

        var result = SafeTensors()
        if let metadata = header["__metadata__"] {
            guard let strings = metadata as? [String: String] else {
                throw corrupt("__metadata__ is not a map of strings")
            }
            result.metadata = strings
        }
        for (name, entry) in header where name != "__metadata__" {
            guard let entry = entry as? [String: Any], let dtypeName = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], shape.allSatisfy({ $0 >= 0 }),
                  let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
            else { throw corrupt("tensor \(name) lacks a dtype, a shape or two data_offsets") }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw corrupt("tensor \(name) has dtype \(dtypeName); readable dtypes are F64, F32, F16, BF16 and I64")
            }
            let bytes = shape.reduce(1, *) * dtype.size
            guard offsets[0] >= 0, offsets[1] - offsets[0] == bytes, dataStart + offsets[1] <= data.count else {
                throw corrupt("tensor \(name): offsets \(offsets) do not hold \(dtypeName) \(shape) "
                              + "or run past the end")
            }
            result.tensors[name] = Tensor(dtype: dtype, shape: shape,
                                          bytes: data[(dataStart + offsets[0])..<(dataStart + offsets[1])])
        }
        return result
    }
}

/// Why a safetensors file could not be read or written.
public enum SafeTensorsError: Error, CustomStringConvertible {
    case unreadable(file: String)
    case unwritable(file: String)
    case corrupt(file: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let file): "cannot read \(file): check that the file exists and is readable"
        case .unwritable(let file): "cannot write \(file): check the directory's permissions and free space"
        case .corrupt(let file, let reason): "\(file) is not a valid safetensors file: \(reason)"
        }
    }
}

extension UnsafeRawBufferPointer {
    /// The `index`-th little-endian `T` of the buffer, at any alignment.
    fileprivate func loadLittleEndian<T: FixedWidthInteger>(_: T.Type, at index: Int) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: index * MemoryLayout<T>.size, as: T.self))
    }
}
