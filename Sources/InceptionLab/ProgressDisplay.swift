import Foundation
import Training

/// Progress on standard error: a bar redrawn in place on a terminal, one plain line per report otherwise
/// (logs, pipes, CI).
final class ProgressDisplay {
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var drawn = false

    func show(_ p: TrainingProgress) {
        draw(fraction: Double(p.step) / Double(max(p.totalSteps, 1)),
             text: String(format: "epoch %.2f  step %d/%d  loss %.4f  err %.1f%%  %.0f img/s  ETA %@",
                          p.epoch, p.step, p.totalSteps, p.loss, 100 * p.error, p.imagesPerSecond,
                          Self.duration(p.secondsRemaining)))
    }

    /// A bar filled to `fraction` (0…1) followed by `text`.
    func draw(fraction: Double, text: String) {
        if isTerminal {
            let width = 24, filled = Int(min(max(fraction, 0), 1) * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            FileHandle.standardError.write(Data("\r\u{1B}[K[\(bar)] \(text)".utf8))
            drawn = true
        } else {
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
    }

    /// Ends the bar's line.
    func finish() {
        if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
        drawn = false
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m"
            : s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}
