import Foundation
import Testing
@testable import TensorBoard

/// The event-file format against published vectors and against the bytes of TensorBoard's own protobuf classes.
struct EventFileTests {
    @Test func crc32cMatchesPublishedVectors() {
        #expect(CRC32C.checksum(of: "123456789".utf8) == 0xE306_9283)
        #expect(CRC32C.checksum(of: [UInt8]()) == 0)
        // RFC 3720 (iSCSI) B.4: 32 bytes of zeros, of 0xFF, and 0, 1, …, 31.
        #expect(CRC32C.checksum(of: [UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum(of: [UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum(of: (0..<32).map(UInt8.init)) == 0x46DD_794E)
    }

    @Test func maskRotatesAndAddsTheConstant() {
        #expect(CRC32C.masked(0) == 0xA282_EAD8)
        #expect(CRC32C.masked(0x0000_8000) == 0xA282_EAD9)   // bit 15 rotated to bit 0
        #expect(CRC32C.masked(1) == 0xA282_EAD8 &+ 0x0002_0000)
    }

    /// Hex of `Event.SerializeToString()` from tensorboard 2.x's event_pb2 and `text_pb` for the same values.
    @Test func eventsEncodeAsTensorBoardsProtobufClassesDo() throws {
        let scalars = Event(wallTime: 1_795_449_541.5, step: 20, content: .summary([
            SummaryValue(tag: "train_loss", value: .scalar(1.25)),
            SummaryValue(tag: "val_top1_error", value: .scalar(0.125)),
        ]))
        #expect(hex(scalars.encoded()) == "09000060b118c1da4110142a2a0a110a0a747261696e5f6c6f7373150000a03f0a150a0e7661"
            + "6c5f746f70315f6572726f72150000003e")
        let text = Event(wallTime: 1_795_449_541.5, step: 0, content: .summary([
            SummaryValue(tag: "configuration", value: .text("run x\n\n    {}")),
        ]))
        #expect(hex(text.encoded()) == "09000060b118c1da412a300a2e0a0d636f6e66696775726174696f6e421308071200420d7275"
            + "6e20780a0a202020207b7d4a080a060a0474657874")
        let version = Event(wallTime: 1_795_449_541.5, step: 0, content: .fileVersion(Event.fileVersion))
        #expect(hex(version.encoded()) == "09000060b118c1da411a0d627261696e2e4576656e743a32")
        for event in [scalars, text, version] {
            #expect(try Event(decoding: event.encoded()[...]) == event)
        }
    }

    @Test func recordsRoundTripAndACorruptByteIsCaught() throws {
        let payloads: [[UInt8]] = [[], Array("hello".utf8), [UInt8](repeating: 7, count: 300)]
        let file = payloads.flatMap(TFRecord.frame)
        let (records, truncated) = try TFRecord.records(in: file)
        #expect(records.map(Array.init) == payloads && !truncated)
        #expect(file.count == payloads.map { $0.count + 16 }.reduce(0, +))

        for position in [3, 9, 13 + 16, file.count - 1] {   // length, length CRC, data, data CRC
            var corrupt = file
            corrupt[position] ^= 0x20
            #expect(throws: EventFileError.self) { try TFRecord.records(in: corrupt) }
        }
        // A writer stopped mid-record leaves whole records before it.
        let cut = try TFRecord.records(in: Array(file.dropLast(5)))
        #expect(cut.records.map(Array.init) == Array(payloads.prefix(2)) && cut.truncated)
    }

    @Test func aResumedLogWritesOnlyStepsNotYetWrittenInANewFile() throws {
        let directory = temporaryDirectory()
        let first = try RunEventLog(directory: directory, runKey: "00112233aabbccdd")
        for step in [10, 20, 30] {
            try first.add(step: step, wallTime: 1000 + Double(step),
                          [loss(step), SummaryValue(tag: "lr", value: .scalar(0.1))])
        }
        try first.add(step: 20, wallTime: 1020, [SummaryValue(tag: "val", value: .scalar(0.5))])
        try first.flush()

        // Resumed from a checkpoint at step 20: steps 30 of `loss` and `lr` are measured again.
        let second = try RunEventLog(directory: directory, runKey: "00112233aabbccdd")
        #expect(second.lastSteps == ["loss": 30, "lr": 30, "val": 20])
        #expect(try second.add(step: 30, wallTime: 1035, [loss(30), SummaryValue(tag: "val", value: .scalar(0.4))])
                == 1)
        #expect(try second.add(step: 40, wallTime: 1045, [loss(40)]) == 1)
        try second.flush()

        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(files == ["events.out.tfevents.1010.00112233aabbccdd.0", "events.out.tfevents.1035.00112233aabbccdd.1"])
        var seen: [String: [Int]] = [:]
        for file in files {
            let (events, truncated) = try EventFile.read(directory.appendingPathComponent(file))
            #expect(!truncated && events.first?.content == .fileVersion(Event.fileVersion))
            for event in events.dropFirst() {
                guard case .summary(let values) = event.content else { Issue.record("a second file version"); continue }
                for value in values { seen[value.tag, default: []].append(event.step) }
            }
        }
        #expect(seen == ["loss": [10, 20, 30, 40], "lr": [10, 20, 30], "val": [20, 30]])
    }

    @Test func anotherRunsDirectoryIsRefused() throws {
        let directory = temporaryDirectory()
        try RunEventLog(directory: directory, runKey: "00112233aabbccdd").add(step: 1, wallTime: 5, [loss(1)])
        #expect(throws: EventFileError.foreignRun(directory: directory.path, runKey: "00112233aabbccdd")) {
            try RunEventLog(directory: directory, runKey: "ffffffffffffffff")
        }
    }

    private func loss(_ step: Int) -> SummaryValue { SummaryValue(tag: "loss", value: .scalar(Float(step) / 10)) }

    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    private func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("tensorboard-tests-\(UUID().uuidString)")
    }
}
