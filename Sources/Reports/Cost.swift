import Models

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
    /// Median `step_time` over every logged interval of every run, in seconds per step; `nil` when none was
    /// recorded.
    public var medianStepTime: Double?
    /// The computation thread counts the runs recorded in their environments, increasing, without repeats.
    public var threads: [Int]

    /// Counts `configuration`'s network (building it once with seed 0) and takes the median of its runs'
    /// measured step times.
    public init(_ configuration: Configuration) throws {
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
        medianStepTime = Aggregation.median(configuration.runs.flatMap { $0.series(Metric.stepTime).map(\.value) })
        threads = Array(Set(configuration.runs.compactMap { $0.environment?.threads })).sorted()
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
    /// Residual ÷ pure median time per step; `nil` unless both were measured.
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
