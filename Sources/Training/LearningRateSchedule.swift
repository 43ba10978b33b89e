import Foundation

/// The learning rate at each step: the paper's staircase exponential decay, optionally after He et al.'s
/// two-phase warm-up.
///
/// `rate(step) = warmupRate` for `step < warmupSteps`; afterwards
/// `base · decay^floor(epoch / decayEpochs)` with `epoch = step / stepsPerEpoch` (the paper: 0.045, ×0.94 every
/// 2 epochs; docs/training.md#recipe). Steps count from 0.
public struct LearningRateSchedule: Sendable, Hashable, Codable {
    public var base: Double
    public var decay: Double
    public var decayEpochs: Double
    public var stepsPerEpoch: Int
    public var warmupSteps: Int
    public var warmupRate: Double

    public init(base: Double, decay: Double = 0.94, decayEpochs: Double = 2, stepsPerEpoch: Int,
                warmupSteps: Int = 0, warmupRate: Double = 0) {
        self.base = base
        self.decay = decay
        self.decayEpochs = decayEpochs
        self.stepsPerEpoch = stepsPerEpoch
        self.warmupSteps = warmupSteps
        self.warmupRate = warmupRate
    }

    public func rate(at step: Int) -> Double {
        if step < warmupSteps { return warmupRate }
        let epoch = Double(step) / Double(stepsPerEpoch)
        return base * pow(decay, (epoch / decayEpochs).rounded(.down))
    }
}

