/// One recorded, finite value of a metric. A `Sendable` value.
public struct SeriesPoint: Sendable, Equatable {
    /// The optimizer step it was measured at.
    public var step: Int
    /// The value, in the metric's unit.
    public var value: Double
    /// Training seconds at that step (evaluation and checkpoint writing excluded).
    public var wallTime: Double

    /// A point; see the properties.
    public init(step: Int, value: Double, wallTime: Double) {
        self.step = step
        self.value = value
        self.wallTime = wallTime
    }
}
