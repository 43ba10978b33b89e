/// Eight-lane vector access to float memory, and a traversal that lets elementwise kernels run on long rows.
///
/// The compiler cannot prove that the pointers of a kernel do not alias, so it does not vectorise loops that
/// store through one pointer and load through another; kernels spell the vectors out with these helpers.
typealias Vector8 = SIMD8<Float>

/// `max(v, floor)` lane by lane. (The standard library's `pointwiseMax` is not inlined here: it runs as a call per
/// vector with a lane-by-lane loop, which took 15 % of a training step of inception-v3.)
@inline(__always) func clamped(_ v: Vector8, below floor: Float) -> Vector8 { v.replacing(with: floor, where: v .< floor) }

extension UnsafePointer<Float> {
    @inline(__always) func vector(at i: Int) -> Vector8 { UnsafeRawPointer(self + i).loadUnaligned(as: Vector8.self) }
}

extension UnsafeMutablePointer<Float> {
    @inline(__always) func vector(at i: Int) -> Vector8 { UnsafeRawPointer(self + i).loadUnaligned(as: Vector8.self) }
    @inline(__always) func setVector(_ v: Vector8, at i: Int) {
        UnsafeMutableRawPointer(self + i).storeBytes(of: v, as: Vector8.self)
    }
}

/// Splits the `rows` pixels of a batch into groups for a per-channel elementwise kernel: `body(row, width)` gets
/// the first pixel of a group and the number of floats in it. When every tensor the kernel touches is contiguous,
/// a group spans `rowsPerGroup` pixels (`width = rowsPerGroup · channels`, about 64 floats), so narrow layers still
/// run long vector loops; per-channel parameters must then be tiled `rowsPerGroup` times (see `tile`). Otherwise
/// (a strided slice) each group is one pixel. Rows left over run as one-pixel groups.
@inline(__always)
func forEachRowGroup(rows: Int, channels: Int, contiguous: Bool, _ body: (_ row: Int, _ width: Int) -> Void) {
    let k = contiguous ? rowsPerGroup(channels: channels) : 1
    var r = 0
    while r + k <= rows {
        body(r, k * channels)
        r += k
    }
    while r < rows {
        body(r, channels)
        r += 1
    }
}

/// Pixels per group of `forEachRowGroup` for contiguous tensors.
@inline(__always) func rowsPerGroup(channels: Int) -> Int { max(1, 64 / channels) }

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
