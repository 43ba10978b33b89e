import Engine

/// Running top-1 and top-5 counts of a classification.
public struct TopKTally: Sendable, Equatable {
    /// Images counted.
    public private(set) var count = 0
    /// Images whose label is the most probable class, and among the five most probable.
    public private(set) var top1Correct = 0, top5Correct = 0

    public init() {}

    /// Counts one image with class `probabilities` and true `label`, ranked by `ClassRank`: ties count in the
    /// image's favour, a non-finite probability (a diverged network) counts as wrong.
    public mutating func add(_ probabilities: [Float], label: Int) {
        let ahead = ClassRank.of(label, in: probabilities)
        count += 1
        if ahead < 1 { top1Correct += 1 }
        if ahead < 5 { top5Correct += 1 }
    }

    /// Top-1 and top-5 error in percent (0 when nothing has been counted).
    public var top1Error: Double { error(top1Correct) }
    public var top5Error: Double { error(top5Correct) }

    private func error(_ correct: Int) -> Double { count == 0 ? 0 : 100 * Double(count - correct) / Double(count) }
}
