@testable import Engine
import Testing

/// The tail-aware vector access every elementwise kernel writes its formula on (`forEachVector`, `pointer[lanes]`).
@Suite("Vector lanes")
struct LanesTests {
    /// For every row width across a few whole vectors, a formula on lanes writes exactly the row (the floats
    /// around it keep their sentinel) and gives, bit for bit, what the same formula gives element by element,
    /// also on the last, shorter run.
    @Test func formulaOnLanesMatchesTheScalarLoopAndStaysInTheRow() {
        let margin = 8, sentinel: Float = -12345, s: Float = 0.3
        for width in 0...27 {
            let x = UnsafeMutablePointer<Float>.allocate(capacity: max(width, 1))
            let y = UnsafeMutablePointer<Float>.allocate(capacity: width + 2 * margin)
            defer { x.deallocate(); y.deallocate() }
            y.update(repeating: sentinel, count: width + 2 * margin)
            let row = y + margin
            for i in 0..<width { x[i] = Float(i) * 0.37 - 2.9; row[i] = Float(i % 5) * 0.61 - 1.1 }
            let before = (0..<width).map { row[$0] }
            // The residual merge in place: row = max(0, row + s·x).
            forEachVector(width) { l in row[l] = clamped(row[l] + s * x[l], below: 0) }
            for i in 0..<width {
                let expected = max(0, before[i] + s * x[i])
                #expect(row[i].bitPattern == expected.bitPattern, "width \(width), element \(i)")
            }
            for i in 0..<margin {
                #expect(y[i] == sentinel && row[width + i] == sentinel, "width \(width): wrote outside the row")
            }
        }
    }

    /// A shorter run reads its `count` elements and zeros past them (never the memory after the row).
    @Test func shortRunReadsZerosPastItsEnd() {
        let values: [Int32] = [4, 5, 6, 7, 8]
        values.withUnsafeBufferPointer { p in
            #expect(p.baseAddress![Lanes(start: 2, count: 3)] == SIMD8<Int32>(6, 7, 8, 0, 0, 0, 0, 0))
        }
    }
}
