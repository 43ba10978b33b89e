import Foundation
import Testing
@testable import Statistics

/// Reference values computed once with scipy.stats 1.17 (`beta.ppf(conf, k + 1, n − k)` for the Clopper–Pearson
/// bound, `fisher_exact(..., alternative="greater")`) or by hand, and pasted here.
@Suite struct CountTests {
    func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool { abs(a - b) <= tolerance }

    @Test func clopperPearsonUpperBounds() {
        // None of n: 1 − 0.05^(1/n).
        for n in [1, 2, 4, 5, 12] {
            #expect(close(Binomial.upperBound(successes: 0, of: n, confidence: 0.95), 1 - pow(0.05, 1 / Double(n))))
        }
        #expect(close(Binomial.upperBound(successes: 0, of: 5, confidence: 0.95), 0.450719728346941))
        #expect(close(Binomial.upperBound(successes: 1, of: 10, confidence: 0.95), 0.39416330243650466))
        #expect(close(Binomial.upperBound(successes: 3, of: 4, confidence: 0.95), 0.9872585449014338))
        #expect(Binomial.upperBound(successes: 2, of: 2, confidence: 0.95) == 1)
    }

    @Test func fisherExactOneSided() {
        // 3 of 3 against 0 of 4: 1 / C(7, 3) = 1/35.
        #expect(close(FisherExactTest.greaterP(3, of: 3, 0, of: 4), 1.0 / 35))
        // 2 of 2 against 0 of 6: 1 / C(8, 2) = 1/28; 3 of 3 against 0 of 3: 1/20.
        #expect(close(FisherExactTest.greaterP(2, of: 2, 0, of: 6), 1.0 / 28))
        #expect(close(FisherExactTest.greaterP(3, of: 3, 0, of: 3), 0.05))
        // 3 of 5 against 1 of 6: P(X ≥ 3), X ~ Hypergeometric(11, 4, 5) = (C(4,3)C(7,2) + C(4,4)C(7,1)) / C(11,5).
        #expect(close(FisherExactTest.greaterP(3, of: 5, 1, of: 6), (4.0 * 21 + 7) / 462))
        #expect(FisherExactTest.greaterP(0, of: 4, 0, of: 6) == 1 && FisherExactTest.greaterP(0, of: 3, 2, of: 3) == 1)
    }
}
