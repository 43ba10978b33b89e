import Testing
@testable import Statistics

@Suite struct PowerTests {
    /// Seeds per group for 80 % power at α = 0.05 against the exact answers (noncentral t for superiority,
    /// numerical integration over the variance estimate for TOST with a true difference 0), computed once with
    /// scipy.stats 1.17. Superiority at effect = σ needs 14 per group (as G*Power's one-tailed t test for
    /// d = 1 says); the approximation is exact there and one seed high at effect 2σ.
    @Test func seedsPerGroupAgainstExactAnswers() {
        let cases: [(kind: TestKind, margin: Double, std: Double, exact: Int, approximation: Int)] = [
            (.superiority, 1, 1, 14, 14), (.superiority, 0.5, 1, 51, 51), (.superiority, 2, 1, 4, 5),
            (.equivalence, 1, 1, 18, 18), (.equivalence, 0.5, 1, 70, 70), (.equivalence, 2, 1, 6, 6),
            (.nonInferiority, 1, 1, 14, 14), (.superiority, 0.01, 0.02, 51, 51),
        ]
        for c in cases {
            let n = Power.seedsPerGroup(c.kind, margin: c.margin, std: c.std, alpha: 0.05)
            #expect(n == c.approximation, "\(c.kind) margin \(c.margin) σ \(c.std)")
            #expect(abs(n! - c.exact) <= 1)
        }
        #expect(abs(Power.power(.superiority, margin: 1, std: 1, alpha: 0.05, perGroup: 10) - 0.6891251629211845)
                < 1e-9)
        #expect(abs(Power.power(.equivalence, margin: 1, std: 1, alpha: 0.05, perGroup: 10) - 0.37825032584236906)
                < 1e-9)
        #expect(Power.seedsPerGroup(.equivalence, margin: 0.001, std: 1, alpha: 0.05) == nil)
        #expect(Power.seedsPerGroup(.superiority, margin: 1, std: 0, alpha: 0.05) == 2)
    }
}

@Suite struct BootstrapTests {
    /// Against the exact bootstrap distribution: with 3 values per side there are 27 × 27 equally likely
    /// ordered resample pairs, enumerated here; the Monte Carlo bounds must sit at the 2.5 % and 97.5 % points
    /// of that distribution up to the resampling error (±0.6 % in probability at 10 000 resamples).
    @Test func percentileIntervalMatchesTheExactBootstrapDistribution() {
        let reference = [1.0, 2, 4], other = [3.0, 5, 9]
        func means(_ v: [Double]) -> [Double] {
            v.flatMap { a in v.flatMap { b in v.map { c in (a + b + c) / 3 } } }
        }
        let exact = means(other).flatMap { o in means(reference).map { o - $0 } }
        func probabilityBelow(_ x: Double) -> Double { Double(exact.filter { $0 < x }.count) / Double(exact.count) }
        func probabilityAtMost(_ x: Double) -> Double { Double(exact.filter { $0 <= x }.count) / Double(exact.count) }
        let interval = Bootstrap.differenceOfMeans(reference: reference, other: other, seed: 7)!
        #expect(probabilityBelow(interval.lowerBound) <= 0.031 && probabilityAtMost(interval.lowerBound) >= 0.019)
        #expect(probabilityBelow(interval.upperBound) <= 0.981 && probabilityAtMost(interval.upperBound) >= 0.969)
        #expect(Bootstrap.differenceOfMeans(reference: reference, other: other, seed: 7) == interval)
        // The seed is the only source of randomness: with many distinct resample means, another seed moves the bounds.
        let wide = (1...12).map { Double($0 * $0) }
        #expect(Bootstrap.differenceOfMeans(reference: wide, other: wide.map { $0 * 1.1 }, seed: 7)
                != Bootstrap.differenceOfMeans(reference: wide, other: wide.map { $0 * 1.1 }, seed: 8))
        #expect(Bootstrap.differenceOfMeans(reference: [2, 2], other: [5, 5], seed: 1) == 3...3)
        #expect(Bootstrap.differenceOfMeans(reference: [], other: [5], seed: 1) == nil)
    }
}
