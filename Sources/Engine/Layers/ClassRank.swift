/// Where a label ranks among a classifier's scores (logits or probabilities): the number of classes with a
/// strictly greater score, so ties count in the label's favour. Top-k is correct when the rank is below k.
///
/// A score that is not finite (NaN or ±∞, the output of a diverged or dead network) ranks the label last
/// (`Int.max`): every comparison with NaN is false, so counting only strictly greater scores would otherwise
/// score such an output as perfect.
public enum ClassRank {
    /// The rank of `label` (an index of `scores`) among `scores`, or `Int.max` when any score is not finite.
    public static func of<Scores: Collection<Float>>(_ label: Int, in scores: Scores) -> Int
    where Scores.Index == Int {
        let s = scores[label]
        var ahead = 0
        for v in scores {
            guard v.isFinite else { return .max }
            if v > s { ahead += 1 }
        }
        return ahead
    }
}
