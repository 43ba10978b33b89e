import RunContract
import Statistics

/// The charts of a report: which metric against which axis, with titles and units, and the CSV each is drawn
/// from. A `Sendable` value.
public struct ChartSpec: Sendable, Equatable {
    /// What the x axis measures.
    public enum Axis: String, Sendable {
        /// Training epochs (fractional).
        case epoch
        /// Training time (evaluation and checkpoints excluded), in s, min or h depending on the span.
        case time
    }

    /// The metric drawn.
    public var metric: String
    /// The x axis.
    public var axis: Axis
    /// What the metric is, for the title and y label.
    public var quantity: String
    /// The y unit as shown (`%`, `nats`, or empty for a dimensionless value).
    public var unit: String
    /// Multiplies stored values into shown ones (100 for fractions shown in percent).
    public var scale: Double
    /// Whether the y axis is fitted to the lines (means) after each line's first point (whose error or loss, at
    /// a nearly untrained network, would otherwise squeeze the range that matters); what lies beyond, first
    /// points and wide bands, is clipped at the plot's edge.
    public var fitsAfterFirst: Bool

    /// Every chart a report draws (those whose metric no run recorded are skipped): the validation errors and
    /// training loss against epochs and time, the pre-pool dead fraction, the residual-stream RMS per stage and
    /// the learned residual scales per stage (LayerScale, ReZero) against epochs.
    public static let all: [ChartSpec] = {
        let speed: [(String, String, String, Double)] = [
            (Metric.validationTop1, "Validation top-1 error", "%", 100),
            (Metric.validationTop5, "Validation top-5 error", "%", 100),
            (Metric.trainLoss, "Training loss", "nats", 1),
        ]
        let probes: [(String, String, String, Double)] = [
            (Metric.prepoolDeadFraction, "Dead channels of the last pre-pool layer", "%", 100),
        ] + zip(Metric.stageRMS, ["A", "B", "C"]).map { ($0, "Residual-stream RMS after stage \($1)", "", 1) }
            + zip(Metric.learnedScale, ["A", "B", "C"]).map {
                ($0, "Learned residual scale mean |γ| of stage \($1)", "", 1)
            }
        return speed.flatMap { entry in
            [Axis.epoch, .time].map {
                ChartSpec(metric: entry.0, axis: $0, quantity: entry.1, unit: entry.2, scale: entry.3,
                          fitsAfterFirst: true)
            }
        } + probes.map {
            ChartSpec(metric: $0.0, axis: .epoch, quantity: $0.1, unit: $0.2, scale: $0.3, fitsAfterFirst: false)
        }
    }()

    /// The file name without extension: `val_top1_error-by-epoch`, `train_loss-by-time`.
    public var fileStem: String { "\(metric)-by-\(axis.rawValue)" }

    /// The chart's title.
    public var title: String { "\(quantity) against \(axis == .epoch ? "epochs" : "training time")" }

    /// The 95 % confidence interval of the mean of `value` (Student t with n − 1 degrees of freedom); the
    /// mean alone for a single seed.
    static func confidenceInterval(_ value: Summary) -> ClosedRange<Double> {
        guard value.n >= 2 else { return value.mean...value.mean }
        let half = StudentT.quantile(0.975, degreesOfFreedom: Double(value.n - 1)) * value.std
            / Double(value.n).squareRoot()
        return (value.mean - half)...(value.mean + half)
    }

    /// The chart of `curves`: one series per configuration, labelled with its number of seeds, dashed for a
    /// pure network; band: the 95 % confidence interval of the mean across seeds; `markers` in epochs (drawn on
    /// the epoch axis only). Against time, a point is placed at its timed runs' mean time (`Timing`), and a
    /// configuration without timed runs is left out.
    public func chart(_ curves: [MetricCurve], markers: [SVGChart.Marker] = []) -> SVGChart {
        let time = timeUnit(curves)
        let series = curves.compactMap { curve -> SVGChart.Series? in
            let points = curve.points.compactMap { point -> SVGChart.Point? in
                guard let x = axis == .epoch ? point.epoch : point.time.map({ $0 / time.seconds }) else {
                    return nil
                }
                let interval = Self.confidenceInterval(point.value)
                return SVGChart.Point(x: x, y: point.value.mean * scale, low: interval.lowerBound * scale,
                                      high: interval.upperBound * scale)
            }
            return points.isEmpty ? nil : SVGChart.Series(
                label: "\(curve.configuration) (n=\(curve.points.map(\.value.n).max() ?? 0))", points: points,
                dashed: !curve.isResidual)
        }
        let fitted = series.flatMap { $0.points.dropFirst() }.map(\.y)
        let yRange = fitsAfterFirst && !fitted.isEmpty ? fitted.min()!...fitted.max()! : nil
        var note = "line: mean of n seeds, dashed for a pure network, solid for a residual one\n"
            + "band: 95 % confidence interval of the mean (Student t)"
        if yRange != nil { note += "\ny axis fitted to the lines after their first point (the rest is clipped)" }
        return SVGChart(title: title, xLabel: axis == .epoch ? "epoch" : "training time (\(time.name))",
                        yLabel: unit.isEmpty ? quantity : "\(quantity) (\(unit))", bandNote: note, series: series,
                        markers: axis == .epoch ? markers : [], yRange: yRange)
    }

    /// The data of `chart(curves)` as CSV: configuration, step, epoch, time_s (the timed runs' mean training
    /// time, each at its pace: `Timing`; empty without one), n, then mean, std, min, max and the bounds of the
    /// 95 % confidence interval of the mean in the chart's unit (suffix `_percent` for percentages).
    public func csv(_ curves: [MetricCurve]) -> String {
        let suffix = unit == "%" ? "_percent" : unit.isEmpty ? "" : "_" + unit
        let header = ["configuration", "step", "epoch", "time_s", "n"]
            + ["mean", "std", "min", "max", "ci95_low", "ci95_high"].map { $0 + suffix }
        let rows = curves.flatMap { curve in
            curve.points.map { point in
                [curve.configuration, String(point.step), NumberFormat.fixed(point.epoch, 4),
                 point.time.map { NumberFormat.fixed($0, 2) } ?? "", String(point.value.n)]
                    + [point.value.mean, point.value.std, point.value.min, point.value.max,
                       Self.confidenceInterval(point.value).lowerBound,
                       Self.confidenceInterval(point.value).upperBound].map {
                        NumberFormat.fixed($0 * scale, 4)
                    }
            }
        }
        return CSVWriter.document(header: header, rows: rows)
    }

    /// The time unit that keeps the axis's numbers short: seconds up to 300 s, minutes up to 300 min, hours beyond.
    private func timeUnit(_ curves: [MetricCurve]) -> (name: String, seconds: Double) {
        let longest = curves.flatMap(\.points).compactMap(\.time).max() ?? 0
        return longest <= 300 ? ("s", 1) : longest <= 300 * 60 ? ("min", 60) : ("h", 3600)
    }
}
