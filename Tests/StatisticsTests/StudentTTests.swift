import Testing
@testable import Statistics

/// Reference values: the published two-sided 95 % and one-sided 95 % critical values of Student's t (e.g.
/// NIST/SEMATECH e-Handbook, table 1.3.6.7.2), and CDF values computed once with scipy.stats 1.17
/// (`t.cdf`, `t.ppf`, `beta.cdf`) and pasted here.
@Suite struct StudentTTests {
    /// |a − b| ≤ 1e-9 · |b| (far below the 6 significant digits asked for).
    func close(_ a: Double, _ b: Double, relative: Double = 1e-9) -> Bool { abs(a - b) <= relative * abs(b) }

    @Test func quantilesMatchPublishedTables() {
        let table: [(ν: Double, q975: Double, q95: Double)] = [
            (1, 12.706204736174694, 6.313751514675037), (2, 4.302652729749462, 2.9199855803537242),
            (5, 2.5705818356363146, 2.0150483733330233), (10, 2.228138851986274, 1.8124611228116756),
            (30, 2.0422724563012378, 1.697260886593957),
        ]
        for row in table {
            #expect(close(StudentT.quantile(0.975, degreesOfFreedom: row.ν), row.q975), "ν = \(row.ν)")
            #expect(close(StudentT.quantile(0.95, degreesOfFreedom: row.ν), row.q95), "ν = \(row.ν)")
            #expect(close(StudentT.quantile(0.025, degreesOfFreedom: row.ν), -row.q975), "ν = \(row.ν)")
        }
        // The printed tables' rounding: t_{0.975,1} = 12.7062, t_{0.975,2} = 4.3027, t_{0.975,5} = 2.5706,
        // t_{0.975,10} = 2.2281, t_{0.975,30} = 2.0423.
        for (ν, printed) in [(1.0, 12.7062), (2, 4.3027), (5, 2.5706), (10, 2.2281), (30, 2.0423)] {
            #expect(abs(StudentT.quantile(0.975, degreesOfFreedom: ν) - printed) < 0.00005)
        }
        // Fractional degrees of freedom, as Welch's test produces.
        #expect(close(StudentT.quantile(0.9, degreesOfFreedom: 2.5), 1.7302509288071766))
        #expect(StudentT.quantile(0.5, degreesOfFreedom: 3) == 0)
    }

    @Test func cdfMatchesKnownValues() {
        // ν = 1 is the Cauchy distribution: P(T ≤ 1) = 3/4 exactly.
        #expect(close(StudentT.cdf(1, degreesOfFreedom: 1), 0.75))
        let values: [(t: Double, ν: Double, p: Double)] = [
            (2, 3, 0.9303370157205785), (-1.5, 7.5, 0.08724028529323204), (0.3, 2, 0.6037571695799112),
            (4, 10, 0.9987408336876317), (-3, 4, 0.019970984035859413),
        ]
        for v in values {
            #expect(close(StudentT.cdf(v.t, degreesOfFreedom: v.ν), v.p), "t = \(v.t), ν = \(v.ν)")
        }
        #expect(StudentT.cdf(0, degreesOfFreedom: 4) == 0.5)
        #expect(StudentT.cdf(.infinity, degreesOfFreedom: 4) == 1 && StudentT.cdf(-.infinity, degreesOfFreedom: 4) == 0)
    }

    @Test func quantileInvertsTheCDF() {
        for ν in [1.0, 2.47, 6, 40] {
            for p in [0.001, 0.05, 0.3, 0.8, 0.9995] {
                #expect(close(StudentT.cdf(StudentT.quantile(p, degreesOfFreedom: ν), degreesOfFreedom: ν), p))
            }
        }
    }

    @Test func regularisedIncompleteBeta() {
        #expect(close(IncompleteBeta.regularized(0.3, a: 2.5, b: 4), 0.3521975859067672))
        #expect(close(IncompleteBeta.regularized(0.9, a: 0.5, b: 0.5), 0.7951672353008665))
        // I_x(1, 1) = x; I_x(a, 1) = x^a.
        #expect(close(IncompleteBeta.regularized(0.37, a: 1, b: 1), 0.37))
        #expect(close(IncompleteBeta.regularized(0.6, a: 3, b: 1), 0.216))
        #expect(IncompleteBeta.regularized(0, a: 2, b: 3) == 0 && IncompleteBeta.regularized(1, a: 2, b: 3) == 1)
    }
}
