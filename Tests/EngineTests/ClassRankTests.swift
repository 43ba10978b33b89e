import Engine
import Testing

/// A diverged network's NaN or infinite logits must never count as a correct prediction (issue 16: a NaN
/// evaluation scored 0 % error because every comparison with NaN is false).
struct ClassRankTests {
    @Test func ranksByStrictlyGreaterScoresWithTiesInTheLabelsFavour() {
        let scores: [Float] = [0.3, 0.5, 0.3, 0.1]
        #expect(ClassRank.of(1, in: scores) == 0)
        #expect(ClassRank.of(0, in: scores) == 1 && ClassRank.of(2, in: scores) == 1)
        #expect(ClassRank.of(3, in: scores) == 3)
    }

    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func aNonFiniteScoreRanksEveryLabelLast(bad: Float) {
        for position in 0..<4 {
            var scores: [Float] = [0.1, 0.2, 0.3, 0.4]
            scores[position] = bad
            for label in 0..<4 { #expect(ClassRank.of(label, in: scores) == .max) }
        }
    }

    @Test func nonFiniteLogitsCountAsWrongInTheLossesTopOneAndTopFive() {
        // Three images of 6 classes, label 0: finite and right, all NaN, one NaN among otherwise right logits.
        let nan = Float.nan
        let logits = Tensor(shape: Shape(1, 1, 6), batch: 3, values: [
            5, 1, 1, 1, 1, 1,
            nan, nan, nan, nan, nan, nan,
            5, 1, nan, 1, 1, 1,
        ])
        let labels: [Int32] = [0, 0, 0]
        let r = labels.withUnsafeBufferPointer {
            SoftmaxCrossEntropy.evaluate(logits: logits.view(batch: 3), labels: $0)
        }
        #expect(r.top1Correct == 1 && r.top5Correct == 1)
        #expect(!r.isFinite && r.loss.isNaN)
    }
}
