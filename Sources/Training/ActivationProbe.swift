import Engine

/// Statistics of one activation tensor, for the paper's instability finding (finding 3 of
/// docs/reports.md#the-findings: the last layer before average pooling "died", producing only zeros).
public struct ActivationProbe: Sendable, Hashable, Codable {
    /// Fraction of channels whose every value over the batch is ≤ 0 (after a ReLU: only zeros).
    public var deadChannelFraction: Double
    /// Fraction of all values that are ≤ 0.
    public var zeroFraction: Double
    /// Root mean square over every value.
    public var rms: Double
    /// Largest absolute value; NaN when any value is NaN (`Swift.max` would skip it), like `rms`.
    public var maxAbs: Double

    /// Measures `x` (any batch, any pixel stride). One pass over memory.
    public init(_ x: TensorView) {
        let c = x.shape.channels
        var alive = [Bool](repeating: false, count: c)
        var zeros = 0, sumSquares = 0.0, maxAbs: Float = 0
        for r in 0..<x.rows {
            let p = x.pixel(r)
            var rowSquares: Float = 0
            for i in 0..<c {
                let v = p[i]
                if v > 0 { alive[i] = true } else { zeros += 1 }
                rowSquares += v * v
                if !(abs(v) <= maxAbs) && !maxAbs.isNaN { maxAbs = abs(v) }   // a NaN sticks
            }
            sumSquares += Double(rowSquares)
        }
        let total = Double(max(x.count, 1))
        deadChannelFraction = Double(alive.filter { !$0 }.count) / Double(max(c, 1))
        zeroFraction = Double(zeros) / total
        rms = (sumSquares / total).squareRoot()
        self.maxAbs = Double(maxAbs)
    }
}
