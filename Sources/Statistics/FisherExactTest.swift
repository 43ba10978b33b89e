/// Fisher's exact test of two proportions, one-sided: is the outcome more frequent in group A than in group B?
/// For counts too small for any normal approximation (a few runs per group).
public enum FisherExactTest {
    /// P(X ≥ `a`) where X, A's count, follows the hypergeometric distribution of the 2×2 table with its margins
    /// fixed: `a` of `nA` in A and `b` of `nB` in B show the outcome. Small when A's share is larger than chance
    /// would make it; 1 when `a` is the least A can have (such as 0).
    public static func greaterP(_ a: Int, of nA: Int, _ b: Int, of nB: Int) -> Double {
        precondition((0...nA).contains(a) && (0...nB).contains(b), "counts must lie within their groups")
        let total = nA + nB, shown = a + b
        let (lower, upper) = (max(0, nA - (total - shown)), min(nA, shown))   // the counts A can have
        if a <= lower { return 1 }
        // Whole numbers, exact in a Double while below 2^53 (every table of a few dozen runs), so that a p-value
        // of exactly α, such as 3 of 3 against 0 of 3 (1/20), is not rounded below it.
        let tables = (a...upper).reduce(0.0) { $0 + choose(shown, $1) * choose(total - shown, nA - $1) }
        return min(1, tables / choose(total, nA))
    }

    /// C(n, k), by the product formula whose every partial product is itself a binomial coefficient.
    private static func choose(_ n: Int, _ k: Int) -> Double {
        (0..<min(k, n - k)).reduce(1.0) { c, i in c * Double(n - i) / Double(i + 1) }
    }
}
