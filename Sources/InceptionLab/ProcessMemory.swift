import Foundation

/// The process's resident memory from `/proc/self/status` (Linux; empty elsewhere).
struct ProcessMemory {
    /// Current resident set (VmRSS) and its high-water mark (VmHWM), in kB.
    var residentKB: Int?, peakKB: Int?

    static func read() -> ProcessMemory {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
            return ProcessMemory()
        }
        func field(_ name: String) -> Int? {
            status.split(separator: "\n").first { $0.hasPrefix(name + ":") }
                .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") }
        }
        return ProcessMemory(residentKB: field("VmRSS"), peakKB: field("VmHWM"))
    }

    /// Resets the high-water mark (VmHWM) to the current resident set (Linux: `5` to /proc/self/clear_refs).
    static func resetPeak() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    var residentMB: String { residentKB.map { String($0 / 1024) } ?? "?" }
    var peakMB: String { peakKB.map { String($0 / 1024) } ?? "?" }
}
