import Testing
@testable import Statistics

/// A worked example checked against scipy.stats 1.17 (`ttest_ind(b, a, equal_var=False)` and the one-sided
/// `t.cdf`/`t.sf` at the Welch degrees of freedom), pasted here: reference a = 15.2, 14.1, 16.8 and other
/// b = 12.9, 13.5, 13.0, 12.2 (say final errors in percent).
@Suite struct WelchTestTests {
    let test = WelchTest(reference: SampleMoments([15.2, 14.1, 16.8])!,
                         other: SampleMoments([12.9, 13.5, 13.0, 12.2])!)!

    func close(_ a: Double, _ b: Double, relative: Double = 1e-9) -> Bool { abs(a - b) <= relative * abs(b) }

    @Test func statisticDegreesOfFreedomAndInterval() {
        #expect(close(test.difference, -2.466666666666667))
        #expect(close(test.standardError, 0.8283182426526122))
        #expect(close(test.degreesOfFreedom, 2.4713407273581622))
        #expect(close(test.statistic(against: 0), -2.9779214553664737))
        #expect(close(test.twoSidedPValue, 0.07475068624968466))
        let interval = test.confidenceInterval()
        #expect(close(interval.lowerBound, -5.452330525236771) && close(interval.upperBound, 0.5189971919034382))
        #expect(test.n == (3, 4))
    }

    @Test func superiorityEquivalenceAndNonInferiority() {
        #expect(close(test.pValue(.superiority, margin: 1), 0.03737534312484233))
        // TOST with margin 2: the upper test passes (p 0.0101) but the lower fails (p 0.690): not equivalent.
        #expect(close(test.pValue(.equivalence, margin: 2), 0.6899200057223335))
        #expect(close(test.pValue(.equivalence, margin: 4), 0.09029245338306585))
        #expect(close(test.pValue(.nonInferiority, margin: 1), 0.018003934657774456))
        #expect(test.decide(.superiority, margin: 1, alpha: 0.05) == .shown)
        #expect(test.decide(.nonInferiority, margin: 1, alpha: 0.05) == .shown)
        #expect(test.decide(.equivalence, margin: 4, alpha: 0.05) == .undecided)
        // Equivalence within 1 point: Δ < −1 has p = P(T < (−2.467 + 1) / 0.828) = 0.0970 (scipy): refuted at
        // α = 0.1, undecided at 0.05.
        #expect(abs(test.refutationPValue(.equivalence, margin: 1) - 0.09701055950647994) < 1e-9)
        #expect(test.decide(.equivalence, margin: 1, alpha: 0.1) == .refuted)
        #expect(test.decide(.equivalence, margin: 1, alpha: 0.05) == .undecided)
        // The other way round, "b is not worse" is "a is worse by more than the margin" — refuted.
        let reversed = WelchTest(reference: SampleMoments([12.9, 13.5, 13.0, 12.2])!,
                                 other: SampleMoments([15.2, 14.1, 16.8])!)!
        // Worse by more than 0.5: p = 0.0583 (scipy), undecided at 0.05.
        #expect(abs(reversed.refutationPValue(.nonInferiority, margin: 0.5) - 0.05829657294847405) < 1e-9)
        #expect(reversed.decide(.nonInferiority, margin: 0.5, alpha: 0.05) == .undecided)
        #expect(reversed.decide(.superiority, margin: 1, alpha: 0.05) == .refuted)
    }

    @Test func equalVariancesAndNoVariance() {
        // Equal sizes and variances: Welch's ν is n₁ + n₂ − 2 and the statistic is Student's.
        let equal = WelchTest(reference: SampleMoments([1, 2, 3])!, other: SampleMoments([2, 3, 4])!)!
        #expect(close(equal.degreesOfFreedom, 4) && close(equal.statistic(against: 0), 1 / (2.0 / 3).squareRoot()))
        let constant = WelchTest(reference: SampleMoments([1, 1])!, other: SampleMoments([2, 2])!)!
        #expect(constant.degreesOfFreedom == 2 && constant.confidenceInterval() == 1...1)
        #expect(constant.pValue(.superiority, margin: 0) == 1 && constant.pValue(above: 0) == 0)
        #expect(WelchTest(reference: SampleMoments([1])!, other: SampleMoments([2, 3])!) == nil)
    }
}
