/// Welch's unequal-variance t statistics for Δ = mean(other) − mean(reference): the difference, its standard
/// error √(s₁²/n₁ + s₂²/n₂), the Welch–Satterthwaite degrees of freedom, confidence intervals and the one-sided
/// p-values every `TestKind` is made of. A `Sendable` value.
public struct WelchTest: Sendable, Equatable {
    /// mean(other) − mean(reference), in the values' unit.
    public var difference: Double
    /// The standard error of `difference`.
    public var standardError: Double
    /// Welch–Satterthwaite degrees of freedom (n₁ + n₂ − 2 when both variances are 0).
    public var degreesOfFreedom: Double
    /// Sample sizes: reference, other.
    public var n: (reference: Int, other: Int)

    /// The test of `other` against `reference`; `nil` unless both have at least 2 values.
    public init?(reference: SampleMoments, other: SampleMoments) {
        guard reference.n >= 2, other.n >= 2 else { return nil }
        let a = reference.variance / Double(reference.n), b = other.variance / Double(other.n)
        difference = other.mean - reference.mean
        standardError = (a + b).squareRoot()
        let denominator = a * a / Double(reference.n - 1) + b * b / Double(other.n - 1)
        degreesOfFreedom = denominator > 0 ? (a + b) * (a + b) / denominator : Double(reference.n + other.n - 2)
        n = (reference.n, other.n)
    }

    public static func == (l: WelchTest, r: WelchTest) -> Bool {
        l.difference == r.difference && l.standardError == r.standardError
            && l.degreesOfFreedom == r.degreesOfFreedom && l.n == r.n
    }

    /// The t statistic (Δ − d₀) / SE; ±∞ (or 0 when Δ = d₀) when SE is 0.
    public func statistic(against d0: Double) -> Double {
        let gap = difference - d0
        if standardError > 0 { return gap / standardError }
        return gap == 0 ? 0 : gap > 0 ? .infinity : -.infinity
    }

    /// p-value of H1 Δ < d₀ (one-sided).
    public func pValue(below d0: Double) -> Double {
        StudentT.cdf(statistic(against: d0), degreesOfFreedom: degreesOfFreedom)
    }

    /// p-value of H1 Δ > d₀ (one-sided).
    public func pValue(above d0: Double) -> Double {
        StudentT.cdf(-statistic(against: d0), degreesOfFreedom: degreesOfFreedom)
    }

    /// p-value of H1 Δ ≠ 0 (two-sided).
    public var twoSidedPValue: Double { 2 * min(pValue(below: 0), pValue(above: 0)) }

    /// The two-sided confidence interval of Δ at `level` (0.95: Δ ± t_{0.975, ν} · SE).
    public func confidenceInterval(level: Double = 0.95) -> ClosedRange<Double> {
        let half = StudentT.quantile(0.5 + level / 2, degreesOfFreedom: degreesOfFreedom) * standardError
        return (difference - half)...(difference + half)
    }

    /// The p-value of `kind`'s null hypothesis (small: the claim is shown) with `margin` ≥ 0 in Δ's unit:
    /// superiority p(Δ < 0); equivalence max(p(Δ > −margin), p(Δ < margin)) (TOST); non-inferiority p(Δ < margin).
    public func pValue(_ kind: TestKind, margin: Double) -> Double {
        switch kind {
        case .superiority: pValue(below: 0)
        case .equivalence: max(pValue(above: -margin), pValue(below: margin))
        case .nonInferiority: pValue(below: margin)
        }
    }

    /// The p-value of the opposite claim (small: the claim is refuted): superiority p(Δ > −margin), the data
    /// exclude an advantage as large as the margin; equivalence min(p(Δ > margin), p(Δ < −margin)), the
    /// difference is beyond the margin; non-inferiority p(Δ > margin), worse by more than the margin.
    public func refutationPValue(_ kind: TestKind, margin: Double) -> Double {
        switch kind {
        case .superiority: pValue(above: -margin)
        case .equivalence: min(pValue(above: margin), pValue(below: -margin))
        case .nonInferiority: pValue(above: margin)
        }
    }

    /// `shown` when `pValue(kind, margin:)` < α, else `refuted` when `refutationPValue` < α, else `undecided`.
    /// (For superiority both can hold — an advantage shown but smaller than the margin — and `shown` wins.)
    public func decide(_ kind: TestKind, margin: Double, alpha: Double) -> Decision {
        if pValue(kind, margin: margin) < alpha { return .shown }
        if refutationPValue(kind, margin: margin) < alpha { return .refuted }
        return .undecided
    }
}
