import Foundation
import Testing
@testable import Training

@Suite("Step times without the time the process was stopped")
struct StepClockTests {
    /// A step during which a continue arrives counts as the last uninterrupted step; the first step of a process
    /// has none to stand in and keeps its own time; uninterrupted steps count as measured.
    @Test func aStoppedStepCountsAsTheLastUninterruptedOne() {
        var continues = 0
        var clock = StepClock(continues: { continues })

        let (_, first) = clock.time { continues += 1; Thread.sleep(forTimeInterval: 0.02) }
        #expect(first.stopped && !first.replaced && first.seconds == first.measured && first.measured >= 0.02)
        #expect(first.description.contains("counts as measured"))

        let (value, plain) = clock.time { Thread.sleep(forTimeInterval: 0.001); return 7 }
        #expect(value == 7 && !plain.stopped && plain.seconds == plain.measured)

        let (_, stopped) = clock.time { continues += 1; Thread.sleep(forTimeInterval: 0.05) }
        #expect(stopped.stopped && stopped.replaced)
        #expect(stopped.seconds == plain.measured && stopped.measured >= 0.05)
        #expect(stopped.description.contains("counts as the last uninterrupted step's"))

        let (_, after) = clock.time { Thread.sleep(forTimeInterval: 0.001) }
        #expect(!after.stopped && after.seconds == after.measured)
    }

    /// The process's counter counts the SIGCONT signals it receives.
    @Test func theProcessCountsItsContinues() {
        StepClock.installContinueCounter()
        let before = StepClock.continues.load(ordering: .relaxed)
        kill(getpid(), SIGCONT)
        let deadline = Date().addingTimeInterval(5)
        while StepClock.continues.load(ordering: .relaxed) == before && Date() < deadline { usleep(1000) }
        #expect(StepClock.continues.load(ordering: .relaxed) > before)
    }
}
