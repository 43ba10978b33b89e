import Engine
import Foundation
import Testing
import Training

@Suite("Schedule, checkpoints, probes")
struct ScheduleAndCheckpointTests {
    @Test func staircaseDecayAfterWarmup() {
        let s = LearningRateSchedule(base: 0.045, decay: 0.94, decayEpochs: 2, stepsPerEpoch: 100,
                                     warmupSteps: 10, warmupRate: 0.001)
        #expect(s.rate(at: 0) == 0.001 && s.rate(at: 9) == 0.001)
        #expect(s.rate(at: 10) == 0.045 && s.rate(at: 199) == 0.045)
        #expect(abs(s.rate(at: 200) - 0.045 * 0.94) < 1e-15)
        #expect(abs(s.rate(at: 450) - 0.045 * 0.94 * 0.94) < 1e-15)
    }

    @Test func checkpointRoundTripsAndRefusesCorruption() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("c.safetensors")
        let p = Parameter(name: "w", dimensions: [2, 3], role: .weight)
        for i in 0..<6 { p.value[i] = Float(i) * 1.5 - 2 }
        var c = Checkpoint()
        c.store([("layer.w", p)])
        c.metadata = ["step": "7"]
        try c.write(to: url)

        let data = try Data(contentsOf: url)
        let headerLength = Int(data[0]) | Int(data[1]) << 8
        #expect(headerLength % 8 == 0 && data.count == 8 + headerLength + 24)
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) as! [String: Any]
        #expect((header["layer.w"] as! [String: Any])["dtype"] as? String == "F32")

        let q = Parameter(name: "w", dimensions: [2, 3], role: .weight)
        let back = try Checkpoint.read(from: url)
        try back.restore([("layer.w", q)], file: url.path)
        #expect(Array(q.value) == Array(p.value) && back.metadata["step"] == "7")
        #expect(throws: CheckpointError.self) {
            try back.restore([("layer.w", Parameter(name: "w", dimensions: [3, 2], role: .weight))], file: url.path)
        }
        try data.prefix(data.count - 5).write(to: url)
        #expect(throws: CheckpointError.self) { try Checkpoint.read(from: url) }
    }

    @Test func probeCountsDeadChannels() {
        // 2 images × 2×1 pixels × 3 channels; channel 1 is zero everywhere, channel 2 negative (dead after ReLU).
        let values: [Float] = [1, 0, -1,  2, 0, -2,  0, 0, -1,  3, 0, -4]
        let t = Tensor(shape: Shape(2, 1, 3), batch: 2, values: values)
        let probe = ActivationProbe(t.view(batch: 2))
        #expect(abs(probe.deadChannelFraction - 2.0 / 3.0) < 1e-12)
        #expect(abs(probe.zeroFraction - 9.0 / 12.0) < 1e-12)
        #expect(probe.maxAbs == 4)
        #expect(abs(probe.rms - (values.map { Double($0 * $0) }.reduce(0, +) / 12).squareRoot()) < 1e-6)
    }

    @Test func probeOfANaNActivationIsNaNNotItsFiniteRest() {
        for position in [0, 5, 11] {   // first, middle, last value
            var values: [Float] = [1, 0, -1,  2, 0, -2,  0, 0, -1,  3, 0, -4]
            values[position] = .nan
            let probe = ActivationProbe(Tensor(shape: Shape(2, 1, 3), batch: 2, values: values).view(batch: 2))
            #expect(probe.maxAbs.isNaN && probe.rms.isNaN)
        }
    }
}
