/// One recorded, finite value of a metric. A `Sendable` value.
public struct SeriesPoint: Sendable, Equatable {
    /// The optimizer step it was measured at.
    public var step: Int
    /// The value, in the metric's unit.
    public var value: Double

    /// A point; see the properties.
    public init(step: Int, value: Double) {
        self.step = step
        self.value = value
    }
}
