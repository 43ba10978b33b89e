/// Sample sizes for the tests of `WelchTest` at a given power, for two groups of equal size n with a common
/// standard deviation σ: SE = σ √(2/n), ν = 2n − 2. Power uses the shifted central t approximation of the
/// noncentral t (P(T_ν > t_{1−α,ν} − θ) with θ = effect / SE), which is within one seed of the exact
/// noncentral answer at the sizes a study here needs (tests compare both).
public enum Power {
    /// The largest group size `seedsPerGroup` searches.
    public static let largestGroup = 1000

    /// The power of `kind` with `margin` (in Δ's unit, > 0) at level α for n per group and standard deviation
    /// σ, the true difference being 0 for equivalence and non-inferiority and −margin for superiority.
    public static func power(_ kind: TestKind, margin: Double, std σ: Double, alpha: Double,
                             perGroup n: Int) -> Double {
        precondition(n >= 2, "power needs at least 2 values per group")
        let ν = Double(2 * n - 2)
        let θ = σ > 0 ? margin / (σ * (2 / Double(n)).squareRoot()) : .infinity
        let critical = StudentT.quantile(1 - alpha, degreesOfFreedom: ν)
        switch kind {
        case .superiority, .nonInferiority:
            return StudentT.cdf(θ - critical, degreesOfFreedom: ν)
        case .equivalence:
            return max(0, 2 * StudentT.cdf(θ - critical, degreesOfFreedom: ν) - 1)
        }
    }

    /// The smallest n per group (≥ 2) whose `power` reaches `target`; `nil` beyond `largestGroup`.
    public static func seedsPerGroup(_ kind: TestKind, margin: Double, std: Double, alpha: Double,
                                     target: Double = 0.8) -> Int? {
        (2...largestGroup).first { power(kind, margin: margin, std: std, alpha: alpha, perGroup: $0) >= target }
    }
}
