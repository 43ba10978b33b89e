import Engine

/// Percentile bootstrap intervals, drawn from a seeded `RandomGenerator` so that the same data and seed give
/// the same interval.
public enum Bootstrap {
    /// The default number of resamples.
    public static let defaultResamples = 10_000

    /// The percentile interval at `level` of mean(other) − mean(reference): each resample draws both samples
    /// again with replacement (each at its own size) and takes the difference of their means; the bounds are
    /// the ⌊(1−level)/2 · B⌋-th and ⌈(1+level)/2 · B⌉-th smallest of the B differences. `nil` when a sample
    /// is empty.
    public static func differenceOfMeans(reference: [Double], other: [Double], level: Double = 0.95,
                                         resamples: Int = defaultResamples, seed: UInt64) -> ClosedRange<Double>? {
        guard !reference.isEmpty, !other.isEmpty else { return nil }
        precondition(resamples >= 2 && level > 0 && level < 1, "a bootstrap needs resamples ≥ 2 and a level in (0, 1)")
        var generator = RandomGenerator(seed: seed)
        func resampledMean(_ values: [Double]) -> Double {
            var sum = 0.0
            for _ in values.indices { sum += values[Int(generator.next(upperBound: UInt64(values.count)))] }
            return sum / Double(values.count)
        }
        let differences = (0..<resamples).map { _ in resampledMean(other) - resampledMean(reference) }.sorted()
        let lower = Int((Double(resamples) * (1 - level) / 2).rounded(.down))
        let upper = Int((Double(resamples) * (1 + level) / 2).rounded(.up)) - 1
        return differences[max(lower, 0)]...differences[min(upper, resamples - 1)]
    }
}
