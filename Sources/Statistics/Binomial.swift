/// The binomial distribution: how many of `n` independent runs show an outcome of probability p.
public enum Binomial {
    /// The one-sided Clopper–Pearson upper confidence bound of p after `successes` of `n` (0 ≤ successes ≤ n,
    /// n ≥ 1): the p at which P(X ≤ successes) = 1 − `confidence`, so the true p lies below it with at least that
    /// confidence. With no successes it is 1 − (1 − confidence)^(1/n); with n of n, 1. Bisection on the exact
    /// CDF, P(X ≤ k) = I_{1−p}(n − k, k + 1), to about 1e-12.
    public static func upperBound(successes k: Int, of n: Int, confidence: Double) -> Double {
        precondition(n >= 1 && (0...n).contains(k), "successes must lie in 0…n, n ≥ 1")
        precondition(confidence > 0 && confidence < 1, "a confidence strictly between 0 and 1")
        if k == n { return 1 }
        let tail = 1 - confidence
        var low = Double(k) / Double(n), high = 1.0
        for _ in 0..<200 {
            let p = (low + high) / 2
            if p == low || p == high { break }
            // P(X ≤ k) falls as p grows: above the tail, the bound lies higher.
            let atMostK = IncompleteBeta.regularized(1 - p, a: Double(n - k), b: Double(k + 1))
            if atMostK > tail { low = p } else { high = p }
        }
        return (low + high) / 2
    }
}
