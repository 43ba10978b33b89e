import Engine
import Testing

@Suite("Pooling against naive references")
struct PoolingReferenceTests {
    /// The mean of the in-image pixels of each 3×3 window (TensorFlow's SAME average pool, padding excluded), summed
    /// in double precision, on a strided channel slice so that pixel strides are exercised too.
    @Test("AvgPool is the mean over the window's in-image pixels", arguments: [3, 37])
    func averagePool(channels: Int) {
        let shape = Shape(4, 5, channels), batch = 2
        var rng = RandomGenerator(seed: 4)
        let wide = Tensor(shape: Shape(4, 5, channels + 2)).view(batch: batch)
        for i in 0..<wide.count { wide.base[i] = Float(rng.nextNormal()) }
        let x = wide.channels(1, count: channels), y = Tensor(shape: shape).view(batch: batch)
        AvgPool(input: shape).forward(x, into: y, mode: .inference)
        var worst = 0.0
        for n in 0..<batch {
            for oy in 0..<4 {
                for ox in 0..<5 {
                    let rows = (max(0, oy - 1)...min(3, oy + 1)).flatMap { iy in
                        (max(0, ox - 1)...min(4, ox + 1)).map { ix in (n * 4 + iy) * 5 + ix }
                    }
                    for c in 0..<channels {
                        let mean = rows.map { Double(x.pixel($0)[c]) }.reduce(0, +) / Double(rows.count)
                        worst = max(worst, abs(Double(y.pixel((n * 4 + oy) * 5 + ox)[c]) - mean))
                    }
                }
            }
        }
        #expect(worst < 1e-6, "largest difference \(worst)")
    }
}
