/// Which of a plan's runs one process executes: all of them, one share of N (`I/N`), or one run by key. The share
/// is taken by position in the plan's order, which depends on the spec alone (never on a database), so N copies
/// of a command started by any scheduler with indices 0…N−1 split the runs between them exactly once.
/// A `Sendable` value.
public enum RunSelection: Sendable, Equatable {
    /// Every run of the plan.
    case all
    /// The runs at plan positions p (from 0) with p mod `count` = `index`.
    case shard(index: Int, count: Int)
    /// The one run with this run key.
    case runKey(String)

    /// Parses `--shard I/N` (0 ≤ I < N) and `--run-key KEY`, at most one of them.
    public init(shard: String?, runKey: String?) throws(SelectionError) {
        switch (shard, runKey) {
        case (nil, nil):
            self = .all
        case (let text?, nil):
            let parts = text.split(separator: "/", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count == 2, let index = parts[0], let count = parts[1], count >= 1, (0..<count).contains(index)
            else {
                throw SelectionError("--shard \(text): expected I/N with 0 ≤ I < N, such as 0/4 for the first of "
                                     + "four shares (a Slurm array task passes $SLURM_ARRAY_TASK_ID/N)")
            }
            self = .shard(index: index, count: count)
        case (nil, let key?):
            self = .runKey(key)
        case (_?, _?):
            throw SelectionError("--shard and --run-key select runs in two ways; give one of them")
        }
    }

    /// The selected runs of `plan`, in plan order; an unknown run key is refused with the plan's keys.
    public func runs(of plan: ExperimentPlan) throws(SelectionError) -> [PlannedRun] {
        switch self {
        case .all:
            return plan.runs
        case .shard(let index, let count):
            return plan.runs.enumerated().filter { $0.offset % count == index }.map(\.element)
        case .runKey(let key):
            guard let run = plan.runs.first(where: { $0.runKey == key }) else {
                throw SelectionError("""
                    --run-key \(key): no run of \(plan.spec.file) has this key (was the spec changed?); its runs are \
                    \(plan.runs.map(\.runKey).joined(separator: ", ")) (see `inception-lab plan \(plan.spec.file)`)
                    """)
            }
            return [run]
        }
    }
}

/// A malformed `--shard` or an unknown `--run-key`. A `Sendable` value.
public struct SelectionError: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(_ description: String) { self.description = description }
}
