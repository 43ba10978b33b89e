import Foundation

/// The processor this process runs on, named as /proc/cpuinfo names it.
///
/// A virtual machine may show only a family's name (`AMD EPYC`) for processors generations apart: a Zen 3 (AVX2)
/// one week, a Zen 4 or Zen 5 (AVX-512) the next. The family and model numbers tell them apart, so the name
/// carries them: times measured on one processor are compared only with times measured on the same one.
public enum Processor {
    /// This machine's processor (`name(cpuinfo:)` of /proc/cpuinfo; `unknown` where there is none).
    public static let current = name(cpuinfo: (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "")

    /// The first processor that `cpuinfo` (the text of /proc/cpuinfo) lists: its model name, then its family and
    /// model numbers when it gives them, as `AMD EPYC (family 25, model 17)`; `unknown` without a model name.
    public static func name(cpuinfo: String) -> String {
        var fields: [String: String] = [:]
        for line in cpuinfo.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.allSatisfy(\.isWhitespace), !fields.isEmpty { break }   // the end of the first processor's block
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            fields[key] = fields[key] ?? line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        guard let model = fields["model name"], !model.isEmpty else { return "unknown" }
        guard let family = fields["cpu family"], let number = fields["model"] else { return model }
        return "\(model) (family \(family), model \(number))"
    }
}
