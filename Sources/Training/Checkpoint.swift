import Engine
import Foundation

/// A training checkpoint in the safetensors format (readable by PyTorch's `safetensors.torch.load_file` and timm):
///
///     [8 bytes: little-endian UInt64 header length N]
///     [N bytes: UTF-8 JSON header, space-padded to a multiple of 8]
///     [tensor data: little-endian Float32, back to back in header order]
///
/// The header maps each tensor name to `{"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}` (byte
/// offsets into the data section) and holds string metadata under `"__metadata__"`. InceptionLab stores the
/// model's parameters and BatchNorm statistics under their layer paths (`stem.0.conv.weight`, `….bn.moving_mean`),
/// the optimizer's slots under `optimizer.<index>.<slot>`, and the trainer's position, generator states and
/// configuration hash in the metadata. Files are written to a temporary name, flushed, then renamed, so a
/// killed process leaves either the previous checkpoint or the new one, never a torn file.
public struct Checkpoint {
    /// Named tensors: name → (dimensions, values).
    public var tensors: [String: (dimensions: [Int], values: [Float])] = [:]
    /// String metadata (`__metadata__`).
    public var metadata: [String: String] = [:]

    public init() {}

    /// Copies the values of `parameters` into the checkpoint under their names.
    public mutating func store(_ parameters: [(name: String, parameter: Parameter)]) {
        for (name, p) in parameters { tensors[name] = (p.dimensions, Array(p.value)) }
    }

    /// Copies the checkpoint's values into `parameters`; every parameter must be present with its dimensions.
    public func restore(_ parameters: [(name: String, parameter: Parameter)], file: String) throws {
        for (name, p) in parameters {
            guard let t = tensors[name] else { throw CheckpointError.missingTensor(file: file, name: name) }
            guard t.dimensions == p.dimensions else {
                throw CheckpointError.shapeMismatch(file: file, name: name, expected: p.dimensions, found: t.dimensions)
            }
            _ = p.value.update(fromContentsOf: t.values)
        }
    }

    /// Writes the checkpoint atomically to `url`.
    public func write(to url: URL) throws {
        let names = tensors.keys.sorted()
        var header: [String: Any] = [:]
        var offset = 0
        for name in names {
            let t = tensors[name]!
            let bytes = t.values.count * 4
            header[name] = ["dtype": "F32", "shape": t.dimensions, "data_offsets": [offset, offset + bytes]]
            offset += bytes
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var data = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        for name in names {
            tensors[name]!.values.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: UInt32.self) { words in
                    for w in words { withUnsafeBytes(of: w.littleEndian) { data.append(contentsOf: $0) } }
                }
            }
        }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = url.appendingPathExtension("partial")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw CheckpointError.unwritable(file: temporary.path)
        }
        let handle = try FileHandle(forWritingTo: temporary)
        try handle.write(contentsOf: data)
        try handle.synchronize()
        try handle.close()
        _ = try? FileManager.default.removeItem(at: url)
        try FileManager.default.moveItem(at: temporary, to: url)
    }

    /// Reads and validates a checkpoint written by `write(to:)` (or any Float32 safetensors file).
    public static func read(from url: URL) throws -> Checkpoint {
        let file = url.path
        guard let data = FileManager.default.contents(atPath: file) else { throw CheckpointError.unreadable(file: file) }
        guard data.count >= 8 else { throw CheckpointError.corrupt(file: file, reason: "shorter than the 8-byte header length") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw CheckpointError.corrupt(file: file, reason: "header length \(headerLength) exceeds the file size \(data.count)")
        }
        let dataStart = 8 + Int(headerLength)
        guard let header = try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<dataStart)) as? [String: Any] else {
            throw CheckpointError.corrupt(file: file, reason: "the header is not a JSON object")
        }
        var checkpoint = Checkpoint()
        checkpoint.metadata = header["__metadata__"] as? [String: String] ?? [:]
        for (name, entry) in header where name != "__metadata__" {
            guard let entry = entry as? [String: Any], entry["dtype"] as? String == "F32",
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
            else { throw CheckpointError.corrupt(file: file, reason: "tensor \(name) is not a Float32 entry with shape and data_offsets") }
            let count = shape.reduce(1, *)
            guard offsets[1] - offsets[0] == count * 4, offsets[0] >= 0, dataStart + offsets[1] <= data.count else {
                throw CheckpointError.corrupt(file: file, reason: "tensor \(name): offsets \(offsets) do not hold \(shape) or run past the end")
            }
            var values = [Float](repeating: 0, count: count)
            _ = values.withUnsafeMutableBytes { dst in
                data.copyBytes(to: dst, from: (dataStart + offsets[0])..<(dataStart + offsets[1]))
            }
            checkpoint.tensors[name] = (shape, values.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) })
        }
        return checkpoint
    }
}

/// Why a checkpoint could not be read or applied.
public enum CheckpointError: Error, CustomStringConvertible {
    case unreadable(file: String)
    case unwritable(file: String)
    case corrupt(file: String, reason: String)
    case missingTensor(file: String, name: String)
    case shapeMismatch(file: String, name: String, expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case .unreadable(let file): "cannot read checkpoint \(file)"
        case .unwritable(let file): "cannot create checkpoint file \(file): check the directory's permissions and free space"
        case .corrupt(let file, let reason): "checkpoint \(file) is corrupt: \(reason); delete it to restart the run from the beginning"
        case .missingTensor(let file, let name): "checkpoint \(file) has no tensor \(name): it was written by a different model configuration"
        case .shapeMismatch(let file, let name, let expected, let found):
            "checkpoint \(file): tensor \(name) has shape \(found), the model expects \(expected): it was written by a different model configuration"
        }
    }
}
