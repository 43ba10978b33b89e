import RunContract
/// The area under a configuration's validation top-1 error curve: one number for "how low, how early".
/// A `Sendable` value.
public struct ErrorArea: Sendable, Equatable, Encodable {
    /// The configuration's label.
    public var configuration: String
    /// The runs' normalised areas (fraction: a mean error over the epochs covered); `nil` when no run has two
    /// evaluations.
    public var area: Summary?
    /// The epochs the areas span (the mean over the runs of last minus first evaluation epoch).
    public var epochSpan: Double?

    /// The area of each of `configuration`'s runs that did not diverge, summarised across seeds (a diverged run's
    /// curve stops where it diverged: its mean would cover another span, as in `FinalQuality`).
    public init(_ configuration: Configuration) {
        let spans = configuration.runs.filter { $0.status != .diverged }.compactMap {
            run -> (area: Double, span: Double)? in
            let points = run.series(Metric.validationTop1).compactMap { point in
                run.epoch(atStep: point.step).map { (x: $0, y: point.value) }
            }
            return Self.normalizedArea(points)
        }
        self.configuration = configuration.label
        area = Summary(spans.map(\.area))
        epochSpan = Summary(spans.map(\.span))?.mean
    }

    /// The trapezoid-rule area under `points` (x = epoch, y = error, x increasing) divided by the x span: the
    /// curve's mean height, in the unit of y. `nil` for fewer than two points or a zero span.
    public static func normalizedArea(_ points: [(x: Double, y: Double)]) -> (area: Double, span: Double)? {
        guard let first = points.first, let last = points.last, last.x > first.x else { return nil }
        let area = zip(points, points.dropFirst()).reduce(0) { $0 + ($1.1.x - $1.0.x) * ($1.0.y + $1.1.y) / 2 }
        return (area / (last.x - first.x), last.x - first.x)
    }
}
