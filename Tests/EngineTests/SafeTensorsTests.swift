import Engine
import Foundation
import Testing

struct SafeTensorsTests {
    func temporaryURL() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID().uuidString).safetensors")
    }

    /// A file assembled by hand from a JSON header and raw data, as another writer would produce it.
    func handWritten(_ header: String, _ data: [UInt8]) throws -> URL {
        let json = Array(header.utf8)
        let bytes = withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json + data
        let url = temporaryURL()
        try Data(bytes).write(to: url)
        return url
    }

    @Test func roundTripsFloatsIntegersAndMetadata() throws {
        var file = SafeTensors()
        file.tensors["b.weight"] = .init(shape: [2, 3], floats: [1, -2, 3.5, 0, .greatestFiniteMagnitude, -0.25])
        file.tensors["a.count"] = .init(shape: [], integers: [-7])
        file.metadata = ["format": "pt"]
        let url = temporaryURL()
        defer { try? FileManager.default.removeItem(at: url) }
        try file.write(to: url)

        let data = try Data(contentsOf: url)
        let headerLength = Int(data[0]) | Int(data[1]) << 8
        #expect(headerLength % 8 == 0 && data.count == 8 + headerLength + 8 + 24)
        // Name order: a.count's 8 bytes first, then b.weight's 24.
        #expect(data[8 + headerLength] == 0xF9 && data[8 + headerLength + 7] == 0xFF)

        let back = try SafeTensors.read(from: url)
        #expect(back.metadata == ["format": "pt"])
        #expect(back.tensors["b.weight"]?.shape == [2, 3] && back.tensors["b.weight"]?.dtype == .f32)
        #expect(back.tensors["b.weight"]?.floats == [1, -2, 3.5, 0, .greatestFiniteMagnitude, -0.25])
        #expect(back.tensors["a.count"]?.shape == [] && back.tensors["a.count"]?.floats == [-7])
    }

    @Test func readsHalfBFloatAndDoubleTensors() throws {
        // F16 1.0, -2.5, 2^-24 (smallest subnormal); BF16 1.0, -3.0; F64 0.1.
        let header = #"{"h":{"dtype":"F16","shape":[3],"data_offsets":[0,6]},"#
            + #""b":{"dtype":"BF16","shape":[2],"data_offsets":[6,10]},"#
            + #""d":{"dtype":"F64","shape":[1],"data_offsets":[10,18]}}"#
        let data: [UInt8] = [0x00, 0x3C, 0x00, 0xC1, 0x01, 0x00, 0x80, 0x3F, 0x40, 0xC0]
            + withUnsafeBytes(of: (0.1).bitPattern.littleEndian, Array.init)
        let url = try handWritten(header, data)
        defer { try? FileManager.default.removeItem(at: url) }
        let file = try SafeTensors.read(from: url)
        #expect(file.tensors["h"]?.floats == [1, -2.5, 0x1p-24])
        #expect(file.tensors["b"]?.floats == [1, -3])
        #expect(file.tensors["d"]?.floats == [Float(0.1)])
    }

    @Test func refusesBrokenFilesSayingWhy() throws {
        func reason(_ header: String, _ data: [UInt8]) throws -> String {
            let url = try handWritten(header, data)
            defer { try? FileManager.default.removeItem(at: url) }
            do { _ = try SafeTensors.read(from: url); return "read" } catch { return error.description }
        }
        #expect(try reason(#"{"x":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#, [0])
                    .hasSuffix("tensor x has dtype U8; readable dtypes are F64, F32, F16, BF16 and I64"))
        #expect(try reason(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, [0, 0, 0, 0])
                    .contains("offsets [0, 8] do not hold F32 [2] or run past the end"))
        #expect(try reason(#"["not", "an", "object"]"#, []).hasSuffix("the header is not a JSON object"))
        #expect(try reason("{}", []) == "read")

        let url = temporaryURL()
        defer { try? FileManager.default.removeItem(at: url) }
        try Data([200, 0, 0, 0, 0, 0, 0, 0, 0x7B]).write(to: url)
        #expect(throws: SafeTensorsError.self) { try SafeTensors.read(from: url) }
        #expect(throws: SafeTensorsError.self) { try SafeTensors.read(from: url.appendingPathExtension("missing")) }
    }
}
