/// The size, mean and sample variance of a sample, in the values' own unit. A `Sendable` value.
public struct SampleMoments: Sendable, Equatable {
    /// Number of values.
    public var n: Int
    /// Arithmetic mean.
    public var mean: Double
    /// Sample variance (divisor n − 1); 0 for a single value.
    public var variance: Double

    /// Moments given directly; `std` is the sample standard deviation.
    public init(n: Int, mean: Double, std: Double) {
        self.n = n
        self.mean = mean
        variance = std * std
    }

    /// The moments of `values`; `nil` when there are none.
    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        n = values.count
        let mean = values.reduce(0, +) / Double(values.count)
        self.mean = mean
        variance = n > 1 ? values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1) : 0
    }

    /// Sample standard deviation.
    public var std: Double { variance.squareRoot() }
}
