import Foundation

/// A `running` run as a check of its process sees it: its owner, how long since it was last heard of, and why it
/// is presumed dead, if it is. The one rule for both `ResultsStore.markStaleRuns`, which marks such runs killed so
/// that they resume, and `ResultsReader.runningRuns`, which `inception-lab runs` shows. A `Sendable` value.
public struct RunningRun: Sendable, Equatable {
    /// The run's id.
    public var id: Int
    /// Its owner, `pid@host`.
    public var owner: String?
    /// Seconds since its last heartbeat (or its start, before the first).
    public var heartbeatAge: Double
    /// Why it is presumed dead (`deathReason(owner:heartbeatAge:threshold:)`); nil while it is presumed alive.
    public var deathReason: String?

    /// Every `running` run of `database` as of now, oldest first, judged against `threshold` seconds without a
    /// heartbeat.
    static func all(in database: Database, staleAfter threshold: Double) throws -> [RunningRun] {
        try database.query("""
            SELECT id, owner, ? - coalesce(heartbeat_at, started_at) FROM runs WHERE status = 'running' ORDER BY id
            """, [Date().timeIntervalSince1970]).rows.map { row in
            let owner = row[1].string, age = row[2].double ?? .infinity
            return RunningRun(id: row[0].int!, owner: owner, heartbeatAge: age,
                              deathReason: deathReason(owner: owner, heartbeatAge: age, threshold: threshold))
        }
    }

    /// Why a `running` run owned by `owner` (`pid@host`), whose last heartbeat is `heartbeatAge` seconds old, is
    /// presumed dead, or nil when it is not: its owner is a process of this host that no longer exists (known at
    /// once), or its heartbeat is older than `threshold` seconds and its owner is not a live process of this host
    /// running this program. Such a process keeps its run however old its heartbeat: it was stopped (SIGSTOP, a
    /// suspended job) or is slow, not dead, and would go on training a run another process took over. The
    /// threshold must exceed the longest gap between heartbeats (the metric writer's flush interval plus a step's
    /// time).
    public static func deathReason(owner: String?, heartbeatAge: Double, threshold: Double) -> String? {
        if let owner, let pid = deadLocalProcess(owner) {
            return "its owner, process \(pid) of this host (\(owner)), no longer exists"
        }
        if heartbeatAge > threshold, !(owner.map(isLiveLocalProcessOfThisExecutable) ?? false) {
            return "no heartbeat from \(owner ?? "its owner") for over \(threshold) s: presumed dead"
        }
        return nil
    }

    /// The process id of `owner` (`pid@host`) when its host is this one and no such process exists.
    static func deadLocalProcess(_ owner: String) -> Int32? {
        guard let pid = localProcess(owner), kill(pid, 0) != 0, errno == ESRCH else { return nil }
        return pid
    }

    /// Whether `owner` (`pid@host`) is a process of this host that exists and runs an executable of the same name
    /// as this process's (`/proc/PID/exe`; `inception-lab` of any build), so that a process ID reused by another
    /// program does not count. False where `/proc` does not say.
    static func isLiveLocalProcessOfThisExecutable(_ owner: String) -> Bool {
        guard let pid = localProcess(owner) else { return false }
        let executable = { (pid: String) -> String? in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")).map {
                URL(fileURLWithPath: $0.replacing(" (deleted)", with: "")).lastPathComponent   // rebuilt since
            }
        }
        guard let theirs = executable(String(pid)), let ours = executable("self") else { return false }
        return theirs == ours
    }

    /// The process ID of `owner` (`pid@host`) when its host is this one.
    private static func localProcess(_ owner: String) -> Int32? {
        let parts = owner.split(separator: "@", maxSplits: 1)
        guard parts.count == 2, parts[1] == ProcessInfo.processInfo.hostName, let pid = Int32(parts[0]), pid > 0
        else { return nil }
        return pid
    }
}
