import Foundation

/// The fixed number formats of every report output, so that regenerating a report gives identical bytes:
/// errors in percent with two decimals, differences in percentage points, times in seconds, `–` for a missing
/// value. Independent of the locale.
enum NumberFormat {
    /// `value` with exactly `digits` decimals (`%.Nf` in the POSIX locale); never `-0.00`.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        let text = String(format: "%.\(digits)f", locale: Locale(identifier: "en_US_POSIX"), value)
        return text.hasPrefix("-") && text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." })
            ? String(text.dropFirst()) : text
    }

    /// A fraction as a percentage with two decimals: 0.15463 → `15.46 %`.
    static func percent(_ fraction: Double) -> String { fixed(fraction * 100, 2) + " %" }

    /// A difference of fractions in percentage points with two decimals and a sign: −0.069 → `-6.90 pt`.
    static func points(_ difference: Double) -> String {
        let text = fixed(difference * 100, 2)
        return (text.hasPrefix("-") ? text : "+" + text) + " pt"
    }

    /// `mean ± std unit (n=N)` of `summary` with its values multiplied by `scale`, `digits` decimals (`mean unit
    /// (n=1)` for a single value); `–` when there is no summary.
    static func meanStd(_ summary: Summary?, scale: Double = 1, digits: Int = 2, unit: String = "") -> String {
        guard let s = summary else { return "–" }
        let suffix = unit.isEmpty ? "" : " " + unit
        // One value has no spread to state (its sample standard deviation is undefined, not zero).
        let spread = s.n > 1 ? " ± \(fixed(s.std * scale, digits))" : ""
        return "\(fixed(s.mean * scale, digits))\(spread)\(suffix) (n=\(s.n))"
    }

    /// `meanStd` for an error summary, in percent.
    static func percentMeanStd(_ summary: Summary?) -> String { meanStd(summary, scale: 100, unit: "%") }

    /// An interval of differences of fractions in percentage points: [−0.05, 0.01] → `[-5.00, +1.00] pt`.
    static func interval(_ bounds: [Double]) -> String {
        "[" + bounds.map { points($0).dropLast(3) }.joined(separator: ", ") + "] pt"
    }

    /// A confidence level as a percentage, whole when it is (`90 %`, `99.8 %`).
    static func confidence(_ level: Double) -> String {
        let percent = level * 100
        return fixed(percent, abs(percent - percent.rounded()) < 1e-9 ? 0 : 1) + " %"
    }

    /// A p-value with three decimals, `< 0.001` below that.
    static func pValue(_ p: Double) -> String { p < 0.001 ? "< 0.001" : fixed(p, 3) }

    /// `p = 0.017`, or `p < 0.001`.
    static func pStatement(_ p: Double) -> String { p < 0.001 ? "p < 0.001" : "p = " + fixed(p, 3) }

    /// An optional value with `digits` decimals, or `–`.
    static func optional(_ value: Double?, _ digits: Int) -> String { value.map { fixed($0, digits) } ?? "–" }
}
