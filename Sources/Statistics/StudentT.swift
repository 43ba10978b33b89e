/// Student's t distribution with ν degrees of freedom (ν > 0, fractional allowed as Welch's test needs).
public enum StudentT {
    /// P(T ≤ t) for T ~ t(ν): with x = ν / (ν + t²), the tail P(|T| ≥ |t|) is I_x(ν/2, 1/2) (regularised
    /// incomplete beta), halved for one side.
    public static func cdf(_ t: Double, degreesOfFreedom ν: Double) -> Double {
        precondition(ν > 0, "Student's t needs positive degrees of freedom")
        if t.isInfinite { return t > 0 ? 1 : 0 }
        let tail = IncompleteBeta.regularized(ν / (ν + t * t), a: ν / 2, b: 0.5) / 2
        return t > 0 ? 1 - tail : tail
    }

    /// The t with P(T ≤ t) = `p` for T ~ t(ν), `p` in (0, 1): bisection on `cdf` to the last bits of a
    /// `Double` (about 1e-12 relative), after doubling a bracket outward from 0.
    public static func quantile(_ p: Double, degreesOfFreedom ν: Double) -> Double {
        precondition(p > 0 && p < 1, "a quantile needs a probability strictly between 0 and 1")
        if p == 0.5 { return 0 }
        // Symmetry: solve for the upper tail and flip the sign.
        let upper = max(p, 1 - p)
        var low = 0.0, high = 1.0
        while cdf(high, degreesOfFreedom: ν) < upper { low = high; high *= 2 }
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if middle == low || middle == high { break }
            if cdf(middle, degreesOfFreedom: ν) < upper { low = middle } else { high = middle }
        }
        let t = (low + high) / 2
        return p > 0.5 ? t : -t
    }
}
