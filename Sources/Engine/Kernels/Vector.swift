import CDNNL
import CKernels
import Foundation

/// Eight-lane vector access to float memory, and a traversal that lets elementwise kernels run on long rows.
///
/// The compiler cannot prove that the pointers of a kernel do not alias, so it does not vectorise loops that
/// store through one pointer and load through another; kernels spell the vectors out with these helpers.
/// A kernel writes its formula once, on `Lanes`, and `forEachVector` runs it on whole vectors and then once on the
/// row's last, shorter one:
///
///     @inline(__always) func merge(_ l: Lanes) { q[l] = clamped(p[l] + s * e[l], below: floor) }
///     forEachVector(width, merge)
typealias Vector8 = SIMD8<Float>

/// `max(v, floor)` lane by lane. (The standard library's `pointwiseMax` is not inlined here: it runs as a call per
/// vector with a lane-by-lane loop, which took 15 % of a training step of inception-v3.)
@inline(__always) func clamped(_ v: Vector8, below floor: Float) -> Vector8 {
    v.replacing(with: floor, where: v .< floor)
}

/// Up to eight consecutive elements of a row, `start ..< start + count`: a whole vector (`count` 8) or the row's
/// last, shorter run (`count` 1 to 7).
///
/// `pointer[lanes]` reads them as one `SIMD8` (the lanes past `count` read as zero) and `pointer[lanes] = v`
/// writes the first `count` lanes of `v`, never touching memory past the run. Each lane of a formula on these
/// vectors computes what the same formula computes on one element (Swift does not contract `a * b + c` to an
/// FMA), so the shorter run gives the bits a scalar loop would.
struct Lanes {
    let start: Int
    let count: Int
}

/// Calls `body(lanes)` for `0 ..< width` eight elements at a time, then once for the `width % 8` left, if any.
///
/// Pass the formula as a local `@inline(__always)` function, not a closure literal: inlined at both calls, the
/// whole vectors' copy sees `count` 8 and loses every length check. (The optimizer left larger closure literals
/// out of line, one call per vector with the checks in: MaxPool ran 4.5× slower, BatchNorm 1.5×.)
@inline(__always) func forEachVector(_ width: Int, _ body: (Lanes) -> Void) {
    var start = 0
    while start + 8 <= width {
        body(Lanes(start: start, count: 8))
        start += 8
    }
    if start < width { body(Lanes(start: start, count: width - start)) }
}

extension UnsafePointer where Pointee: SIMDScalar {
    @inline(__always) subscript(lanes: Lanes) -> SIMD8<Pointee> {
        if lanes.count == 8 { return UnsafeRawPointer(self + lanes.start).loadUnaligned(as: SIMD8<Pointee>.self) }
        var v = SIMD8<Pointee>()
        for i in 0..<lanes.count { v[i] = self[lanes.start + i] }
        return v
    }
}

extension UnsafeMutablePointer where Pointee: SIMDScalar {
    @inline(__always) subscript(lanes: Lanes) -> SIMD8<Pointee> {
        get { UnsafePointer(self)[lanes] }
        nonmutating set {
            if lanes.count == 8 {
                UnsafeMutableRawPointer(self + lanes.start).storeBytes(of: newValue, as: SIMD8<Pointee>.self)
            } else {
                for i in 0..<lanes.count { self[lanes.start + i] = newValue[i] }
            }
        }
    }
}

/// Pixels per group of a per-channel elementwise kernel over contiguous tensors (see `RowChunks`): the fewest whose
/// `rowsPerGroup · channels` floats are a whole number of 16-float vectors and at least 64, so that narrow layers
/// still run long vector loops with no scalar tail, with per-channel parameters tiled `rowsPerGroup` times (see
/// `tile`). 24 channels: 4 pixels, 96 floats; 20: 4, 80; 384: 1.
@inline(__always) func rowsPerGroup(channels: Int) -> Int {
    var (a, b) = (channels, 16)
    while b != 0 { (a, b) = (b, a % b) }
    let pixels = 16 / a   // the fewest pixels whose floats are a multiple of 16 (a = gcd(channels, 16))
    return pixels * max(1, (64 + pixels * channels - 1) / (pixels * channels))
}

/// Repeats `values[0..<channels]` across `into[0..<rowsPerGroup(channels) · channels]`.
@inline(__always)
func tile(_ values: UnsafePointer<Float>, channels: Int, into tiled: UnsafeMutablePointer<Float>) {
    for j in 0..<rowsPerGroup(channels: channels) * channels { tiled[j] = values[j % channels] }
}

/// Folds per-position accumulators of a grouped traversal back to channels: `out[c] = Σ_t acc[t·channels + c]`.
@inline(__always)
func foldTiles(_ acc: UnsafePointer<Float>, channels: Int, into out: UnsafeMutablePointer<Float>) {
    for c in 0..<channels {
        var s: Float = 0
        for t in 0..<rowsPerGroup(channels: channels) { s += acc[t * channels + c] }
        out[c] = s
    }
}

/// A partition of a batch's pixels into groups and of the groups into at most `RowChunks.maximum` consecutive
/// chunks, for the per-channel elementwise kernels in C (CKernels), which may run on several threads. A group spans
/// `rowsPerGroup` pixels when every tensor the kernel touches is contiguous, else one pixel (a strided slice); rows
/// left over run as one-pixel groups. The partition depends only on the row count and the grouping (never on the
/// number of threads), and chunk boundaries fall on group boundaries, so a kernel that keeps one accumulator per
/// chunk and combines them in chunk order gives bit-identical results on one thread or on two.
struct RowChunks {
    static let maximum = 8
    let rows: Int
    let channels: Int
    /// Pixels per group (`rowsPerGroup` for contiguous tensors, else 1).
    let groupRows: Int
    let count: Int

    init(rows: Int, channels: Int, contiguous: Bool) {
        self.rows = rows
        self.channels = channels
        groupRows = contiguous ? rowsPerGroup(channels: channels) : 1
        count = max(1, min(RowChunks.maximum, rows / groupRows))
    }

    /// Chunk `i`: whole groups, the rows left over after the last whole group in the last chunk.
    func pixels(_ i: Int) -> ck_pixels {
        let groups = rows / groupRows
        let start = i * groups / count * groupRows
        let end = i == count - 1 ? rows : (i + 1) * groups / count * groupRows
        return ck_pixels(start: start, end: end, group: groupRows, channels: channels)
    }

    /// Calls `body(pixels(i))` for every chunk `i`, spread over threads as `forEachChunk` spreads them (`floats`:
    /// how many floats the kernel touches). For kernels without per-chunk state.
    @inline(__always)
    func forEach(floats: Int, _ body: (ck_pixels) -> Void) {
        forEachChunk(count, floats: floats) { i in body(pixels(i)) }
    }
}

/// Runs `body(chunk)` for every chunk of `0 ..< chunks`, spread over `ElementwiseThreads.count` OpenMP threads
/// (the team oneDNN's products run on, so the process has one pool) when the kernel touches at least
/// `ElementwiseThreads.minimumFloats` floats. Threads claim chunks one at a time, so a helper thread that the
/// scheduler starts late (the second vCPU is often busy) leaves its share to the calling thread instead of holding
/// it up. Which thread runs a chunk never changes what the chunk computes. A chunk never calls `gemm`, so thread
/// pools are never nested.
@inline(__always)
func forEachChunk(_ chunks: Int, floats: Int, _ body: (Int) -> Void) {
    let threads = min(ElementwiseThreads.count, chunks)
    if threads <= 1 || floats < ElementwiseThreads.minimumFloats {
        for i in 0..<chunks { body(i) }
        return
    }
    withoutActuallyEscaping(body) { body in
        var work = ChunkWork(body: body, claims: ChunkClaims(chunks))
        withUnsafeMutablePointer(to: &work) { work in
            GOMP_parallel({ data in
                let work = data!.assumingMemoryBound(to: ChunkWork.self).pointee
                while let i = work.claims.next() { work.body(i) }
            }, work, UInt32(threads), 0)
        }
    }
}

/// What the threads of `forEachChunk` share: the kernel and the next unclaimed chunk.
private struct ChunkWork {
    let body: (Int) -> Void
    let claims: ChunkClaims
}

/// Hands out `0 ..< count` one number at a time to whichever thread asks.
final class ChunkClaims: @unchecked Sendable {
    private let lock = NSLock()
    private var next_ = 0
    private let count: Int
    init(_ count: Int) { self.count = count }
    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next_ < count else { return nil }
        next_ += 1
        return next_ - 1
    }
}

/// How many threads the elementwise work (BatchNorm, the residual merge, the pools, im2col and col2im, the staging
/// copies and adds, the optimizers; see docs/engine.md#threading) uses: the run's
/// (`BLASThreads.count`) on oneDNN, whose OpenMP team they share; one on OpenBLAS, whose own pool of spinning threads
/// a second pool would fight for the cores (`bench train --threads 2 --backend openblas` inception-resnet-v2 w0.25:
/// 94 images/s with the elementwise kernels on one thread, 40 on two). On oneDNN, two threads took BatchNorm from
/// 49.0 to 43.5 ms/step and the merge from 22.2 to 15.5 on inception-resnet-v2 w0.25 (idle Zen 4). Results are
/// bit-identical whatever the count.
public enum ElementwiseThreads {
    /// Below this many floats a kernel runs on the calling thread (waking a second thread costs more).
    static let minimumFloats = 65_536
    public static var count: Int { Backend.current == .onednn ? BLASThreads.count : 1 }
}

/// Adds chunks `1 ..< chunks` of `width` floats each into chunk 0, in chunk order.
@inline(__always)
func addChunks(_ acc: UnsafeMutablePointer<Float>, chunks: Int, width: Int) {
    for chunk in 1..<max(chunks, 1) {
        let a = acc + chunk * width
        @inline(__always) func add(_ l: Lanes) { acc[l] += a[l] }
        forEachVector(width, add)
    }
}
