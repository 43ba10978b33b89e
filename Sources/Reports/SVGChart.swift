import Foundation

/// A line chart as a self-contained SVG 1.1 document: one line per series (the mean across seeds; dashed for
/// `dashed` series) over a shaded band (an interval across seeds), vertical markers at named x positions, axes
/// with ticks and labelled units, a title, and a legend below the plot. The y range covers `yRange` when given
/// (lines beyond it are clipped at the plot's edge), else every band. No scripts, no external fonts (the generic
/// `sans-serif` family), no CSS: it shows the same in a browser and in a markdown viewer. Output is a pure function of
/// the value, with coordinates at two decimals. A `Sendable` value.
///
/// Structure (for tools and tests): each series is a `<g class="series">` holding a `<path class="band">` and a
/// `<path class="line">`; each marker is a `<g class="marker">`; each legend entry is a `<g class="legend-entry">`
/// whose `<text>` is the series label; a final `<g class="legend-note">` explains the band.
public struct SVGChart: Sendable, Equatable {
    /// One point of a series: `y` is drawn as the line, `low`…`high` as the band, all in axis units.
    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double
        public var low: Double
        public var high: Double

        /// A point; see the properties.
        public init(x: Double, y: Double, low: Double, high: Double) {
            self.x = x
            self.y = y
            self.low = low
            self.high = high
        }
    }

    /// One labelled line with its band, points in increasing `x`.
    public struct Series: Sendable, Equatable {
        public var label: String
        public var points: [Point]
        /// Drawn dashed (pure networks) rather than solid (residual ones).
        public var dashed: Bool

        /// A series; see the properties.
        public init(label: String, points: [Point], dashed: Bool = false) {
            self.label = label
            self.points = points
            self.dashed = dashed
        }
    }

    /// A vertical line at `x` (axis units) with a short label at its top, such as the checkpoints a verdict uses.
    public struct Marker: Sendable, Equatable {
        public var x: Double
        public var label: String

        /// A marker; see the properties.
        public init(x: Double, label: String) {
            self.x = x
            self.label = label
        }
    }

    /// The title above the plot.
    public var title: String
    /// The x axis label, with its unit.
    public var xLabel: String
    /// The y axis label, with its unit.
    public var yLabel: String
    /// What the line and band show, for the legend's last lines (one per line of the text).
    public var bandNote: String
    /// The series, in legend order.
    public var series: [Series]
    /// Vertical markers, in drawing order.
    public var markers: [Marker]
    /// The y values the axis must cover; `nil`: every point's band.
    public var yRange: ClosedRange<Double>?

    /// A chart; see the properties.
    public init(title: String, xLabel: String, yLabel: String, bandNote: String, series: [Series],
                markers: [Marker] = [], yRange: ClosedRange<Double>? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.bandNote = bandNote
        self.series = series
        self.markers = markers
        self.yRange = yRange
    }

    /// Line colours (Tableau 10), cycled.
    static let palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                          "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]
    /// The dash pattern of dashed series.
    static let dashPattern = "6 3"

    // Layout in pixels.
    private static let width = 760.0
    private static let plotLeft = 78.0, plotRight = 740.0, plotTop = 44.0, plotBottom = 364.0
    private static let legendTop = 420.0, legendLine = 18.0
    /// Series with at most this many points also get a marker at each point.
    private static let markerLimit = 30

    /// The SVG document, ending with a newline.
    public func render() -> String {
        let points = series.flatMap(\.points)
        let xTicks = Self.ticks(min: min(0, points.map(\.x).min() ?? 0), max: points.map(\.x).max() ?? 1)
        let yTicks = Self.ticks(min: yRange?.lowerBound ?? points.map(\.low).min() ?? 0,
                                max: yRange?.upperBound ?? points.map(\.high).max() ?? 1)
        let xScale = Scale(domain: (xTicks.first!, xTicks.last!), pixels: (Self.plotLeft, Self.plotRight))
        let yScale = Scale(domain: (yTicks.first!, yTicks.last!), pixels: (Self.plotBottom, Self.plotTop))
        let height = Self.legendTop + Self.legendLine * Double(series.count + noteLines.count) + 12

        var svg = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(Self.width.formatted0)" \
            height="\(height.formatted0)" viewBox="0 0 \(Self.width.formatted0) \(height.formatted0)" \
            font-family="sans-serif" font-size="12">
            <title>\(escape(title))</title>
            <rect x="0" y="0" width="\(Self.width.formatted0)" height="\(height.formatted0)" fill="#ffffff"/>
            <text x="\((Self.width / 2).coordinate)" y="24" text-anchor="middle" font-size="15" \
            font-weight="bold">\(escape(title))</text>

            """
        svg += axes(xTicks: xTicks, yTicks: yTicks, x: xScale, y: yScale)
        svg += """
            <clipPath id="plot"><rect x="\(Self.plotLeft.coordinate)" y="\(Self.plotTop.coordinate)" \
            width="\((Self.plotRight - Self.plotLeft).coordinate)" height="\((Self.plotBottom - Self.plotTop).coordinate)"/></clipPath>

            """
        for (index, series) in series.enumerated() {
            svg += draw(series, index: index, x: xScale, y: yScale)
        }
        for marker in markers {
            let x = xScale(marker.x).coordinate
            svg += """
                <g class="marker"><line x1="\(x)" y1="\(Self.plotTop.coordinate)" x2="\(x)" \
                y2="\(Self.plotBottom.coordinate)" stroke="#555555" stroke-width="1" stroke-dasharray="2 3"/>
                <text x="\(x)" y="\((Self.plotTop - 4).coordinate)" text-anchor="middle" fill="#555555" \
                font-size="10">\(escape(marker.label))</text></g>

                """
        }
        svg += legend()
        return svg + "</svg>\n"
    }

    /// Grid lines, tick labels, the plot frame and the axis labels.
    private func axes(xTicks: [Double], yTicks: [Double], x: Scale, y: Scale) -> String {
        let xDigits = Self.decimals(xTicks), yDigits = Self.decimals(yTicks)
        var svg = "<g class=\"axes\" stroke=\"#dddddd\" stroke-width=\"1\">\n"
        for tick in xTicks {
            svg += "<line x1=\"\(x(tick).coordinate)\" y1=\"\(Self.plotTop.coordinate)\" x2=\"\(x(tick).coordinate)\" "
                + "y2=\"\(Self.plotBottom.coordinate)\"/>\n"
        }
        for tick in yTicks {
            svg += "<line x1=\"\(Self.plotLeft.coordinate)\" y1=\"\(y(tick).coordinate)\" "
                + "x2=\"\(Self.plotRight.coordinate)\" "
                + "y2=\"\(y(tick).coordinate)\"/>\n"
        }
        svg += """
            <rect x="\(Self.plotLeft.coordinate)" y="\(Self.plotTop.coordinate)" \
            width="\((Self.plotRight - Self.plotLeft).coordinate)" height="\((Self.plotBottom - Self.plotTop).coordinate)" \
            fill="none" stroke="#333333"/>
            </g>
            <g class="tick-labels" fill="#333333">

            """
        for tick in xTicks {
            svg += "<text x=\"\(x(tick).coordinate)\" y=\"\((Self.plotBottom + 18).coordinate)\" "
                + "text-anchor=\"middle\">"
                + "\(NumberFormat.fixed(tick, xDigits))</text>\n"
        }
        for tick in yTicks {
            svg += "<text x=\"\((Self.plotLeft - 8).coordinate)\" y=\"\((y(tick) + 4).coordinate)\" "
                + "text-anchor=\"end\">"
                + "\(NumberFormat.fixed(tick, yDigits))</text>\n"
        }
        let middleY = (Self.plotTop + Self.plotBottom) / 2
        svg += """
            </g>
            <text class="x-label" x="\(((Self.plotLeft + Self.plotRight) / 2).coordinate)" \
            y="\((Self.plotBottom + 42).coordinate)" text-anchor="middle">\(escape(xLabel))</text>
            <text class="y-label" x="18" y="\(middleY.coordinate)" text-anchor="middle" \
            transform="rotate(-90 18 \(middleY.coordinate))">\(escape(yLabel))</text>

            """
        return svg
    }

    /// The band, the line and (for short series) the markers of series number `index`.
    private func draw(_ series: Series, index: Int, x: Scale, y: Scale) -> String {
        let color = Self.palette[index % Self.palette.count]
        let upper = series.points.map { "\(x($0.x).coordinate),\(y($0.high).coordinate)" }
        let lower = series.points.reversed().map { "\(x($0.x).coordinate),\(y($0.low).coordinate)" }
        let line = series.points.map { "\(x($0.x).coordinate),\(y($0.y).coordinate)" }
        var svg = "<g class=\"series\" clip-path=\"url(#plot)\">\n"
        svg += "<path class=\"band\" d=\"\(Self.path(upper + lower))Z\" fill=\"\(color)\" fill-opacity=\"0.18\" "
            + "stroke=\"none\"/>\n"
        svg += "<path class=\"line\" d=\"\(Self.path(line))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\""
            + "\(Self.dash(series))/>\n"
        if series.points.count <= Self.markerLimit {
            for point in series.points {
                svg += "<circle cx=\"\(x(point.x).coordinate)\" cy=\"\(y(point.y).coordinate)\" r=\"2.5\" "
                    + "fill=\"\(color)\"/>\n"
            }
        }
        return svg + "</g>\n"
    }

    /// One entry per series (a line sample and the label), then the note on the band.
    private func legend() -> String {
        var svg = ""
        for (index, series) in series.enumerated() {
            let y = Self.legendTop + Self.legendLine * Double(index)
            let color = Self.palette[index % Self.palette.count]
            svg += """
                <g class="legend-entry">
                <line x1="\(Self.plotLeft.coordinate)" y1="\(y.coordinate)" x2="\((Self.plotLeft + 28).coordinate)" \
                y2="\(y.coordinate)" stroke="\(color)" stroke-width="2"\(Self.dash(series))/>
                <text x="\((Self.plotLeft + 36).coordinate)" y="\((y + 4).coordinate)">\(escape(series.label))</text>
                </g>

                """
        }
        let y = Self.legendTop + Self.legendLine * Double(series.count)
        svg += """
            <g class="legend-note">
            <rect x="\(Self.plotLeft.coordinate)" y="\((y - 6).coordinate)" width="28" height="12" fill="#888888" \
            fill-opacity="0.18"/>

            """
        for (index, line) in noteLines.enumerated() {
            svg += "<text x=\"\((Self.plotLeft + 36).coordinate)\" "
                + "y=\"\((y + 4 + Self.legendLine * Double(index)).coordinate)\">"
                + "\(escape(line))</text>\n"
        }
        return svg + "</g>\n"
    }

    /// The lines of `bandNote` (split at newlines).
    private var noteLines: [String] { bandNote.split(separator: "\n").map(String.init)
    }

    /// `M a L b L c …` through `points` (already formatted `x,y`); empty for no points.
    private static func path(_ points: [String]) -> String {
        points.enumerated().map { ($0.offset == 0 ? "M" : "L") + $0.element }.joined(separator: " ")
    }

    /// The `stroke-dasharray` attribute of a dashed series, or nothing.
    private static func dash(_ series: Series) -> String {
        series.dashed ? " stroke-dasharray=\"\(dashPattern)\"" : ""
    }

    /// Round tick values covering `min`…`max`: about five steps of 1, 2, 2.5 or 5 × 10ᵏ, starting and ending on a
    /// multiple of the step. A degenerate range is widened to show its value in the middle.
    static func ticks(min: Double, max: Double) -> [Double] {
        var (low, high) = (min, max)
        if high - low < 1e-12 {
            let pad = Swift.max(abs(low) * 0.1, 1e-3)
            (low, high) = (low - pad, high + pad)
        }
        let rough = (high - low) / 5
        let magnitude = pow(10, (log10(rough)).rounded(.down))
        let step = [1, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= rough * 0.999 }!
        let first = (low / step + 1e-9).rounded(.down), last = (high / step - 1e-9).rounded(.up)
        return stride(from: first, through: last, by: 1).map { $0 * step }
    }

    /// The decimals the tick labels need: enough to tell consecutive ticks apart (at most 4).
    static func decimals(_ ticks: [Double]) -> Int {
        guard ticks.count > 1 else { return 0 }
        let step = ticks[1] - ticks[0]
        return (0...4).first { abs((step * pow(10, Double($0))).rounded() - step * pow(10, Double($0))) < 1e-6 } ?? 4
    }

    /// A linear map from data units to pixels: `domain.0` goes to `pixels.0`, `domain.1` to `pixels.1`.
    private struct Scale {
        var domain: (Double, Double)
        var pixels: (Double, Double)

        func callAsFunction(_ value: Double) -> Double {
            pixels.0 + (value - domain.0) / (domain.1 - domain.0) * (pixels.1 - pixels.0)
        }
    }
}

/// `text` with the five XML special characters escaped.
func escape(_ text: String) -> String {
    var escaped = ""
    for character in text {
        switch character {
        case "&": escaped += "&amp;"
        case "<": escaped += "&lt;"
        case ">": escaped += "&gt;"
        case "\"": escaped += "&quot;"
        case "'": escaped += "&apos;"
        default: escaped.append(character)
        }
    }
    return escaped
}

private extension Double {
    /// The value as an SVG coordinate: two decimals.
    var coordinate: String { NumberFormat.fixed(self, 2) }
    /// The value without decimals.
    var formatted0: String { NumberFormat.fixed(self, 0) }
}
