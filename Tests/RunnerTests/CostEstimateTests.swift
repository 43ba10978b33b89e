import Runner
import Testing

struct CostEstimateTests {
    @Test func wallTimeSharesRunsAmongWorkers() {
        #expect(CostEstimate.wallTime([3, 1, 2], workers: 1) == 6)
        #expect(CostEstimate.wallTime([3, 1, 2], workers: 2) == 3)        // 3 | 2 + 1
        #expect(CostEstimate.wallTime([3, 5, 3, 4, 3], workers: 2) == 10)  // longest first: 5 + 3 | 4 + 3 + 3
        #expect(CostEstimate.wallTime([2, 2], workers: 4) == 2)
        #expect(CostEstimate.wallTime([], workers: 2) == 0)
    }
}
