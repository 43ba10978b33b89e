import Models
import RunContract

/// What one configuration's network costs: counted parameters and multiply-adds, and measured time per step.
/// A `Sendable` value.
public struct Cost: Sendable, Equatable, Encodable {
    /// The configuration's label.
    public var configuration: String
    /// The model's name.
    public var model: String
    /// Trainable parameters of the network as configured (width, input, classes).
    public var parameters: Int
    /// Multiply-adds per image of its convolutions and fully connected layer.
    public var macs: Int
    /// Channels of the last layer before average pooling (the layer the paper saw die; its "filter count").
    public var prePoolChannels: Int
    /// Images per training batch.
    public var batchSize: Int
    /// Median `step_time` over every logged interval of the timed runs (`Timing`) that ran alone
    /// (`RunRecord.occupancy`), in seconds per step; `nil` when none did or none recorded it.
    public var medianStepTime: Double?
    /// Median `step_time` over every timed run, whoever else ran (for information; verdicts use `medianStepTime`).
    public var medianStepTimeAnyRun: Double?
    /// The timed runs that ran alone, of `timedRuns`.
    public var runsAlone: Int
    /// The configuration's runs whose times count (`Timing`).
    public var timedRuns: Int
    /// The configuration's runs.
    public var runs: Int

    /// Counts `configuration`'s network (building it once with seed 0) and takes the median of the measured step
    /// times of its runs that `timing` times, of those that ran alone and of all.
    public init(_ configuration: Configuration, timing: Timing) throws {
        let model: Model
        do {
            model = try Model(configuration.settings.model, seed: 0)
        } catch {
            throw ReportError("cannot build the network of \(configuration.label): \(error)")
        }
        self.configuration = configuration.label
        self.model = configuration.settings.model.model.rawValue
        parameters = model.parameterCount
        macs = model.macs
        prePoolChannels = model.prePool.shape.channels
        batchSize = configuration.settings.batchSize
        func median(_ runs: [RunRecord]) -> Double? {
            Aggregation.median(runs.flatMap { $0.series(Metric.stepTime).map(\.value) })
        }
        let timed = configuration.runs.filter(timing.times)
        let alone = timed.filter { $0.occupancy == .alone }
        medianStepTime = median(alone)
        medianStepTimeAnyRun = median(timed)
        runsAlone = alone.count
        timedRuns = timed.count
        runs = configuration.runs.count
    }
}

/// The cost of a residual configuration relative to its pure partner (residual ÷ pure). A `Sendable` value.
public struct CostRatio: Sendable, Equatable, Encodable {
    /// The pure configuration's label.
    public var pure: String
    /// The residual configuration's label.
    public var residual: String
    /// Residual ÷ pure parameters.
    public var parameterRatio: Double
    /// Residual ÷ pure multiply-adds per image.
    public var macRatio: Double
    /// Residual ÷ pure median time per step of the runs that ran alone; `nil` unless both were measured.
    public var stepTimeRatio: Double?

    /// The ratios of `residual`'s cost to `pure`'s.
    public init(pure: Cost, residual: Cost) {
        self.init(pure: pure.configuration, residual: residual.configuration,
                  parameterRatio: Double(residual.parameters) / Double(pure.parameters),
                  macRatio: Double(residual.macs) / Double(pure.macs),
                  stepTimeRatio: residual.medianStepTime.flatMap { r in pure.medianStepTime.map { r / $0 } })
    }

    /// Ratios given directly; see the properties.
    public init(pure: String, residual: String, parameterRatio: Double, macRatio: Double, stepTimeRatio: Double?) {
        self.pure = pure
        self.residual = residual
        self.parameterRatio = parameterRatio
        self.macRatio = macRatio
        self.stepTimeRatio = stepTimeRatio
    }
}
