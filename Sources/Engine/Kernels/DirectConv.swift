/// Direct weight gradient for convolutions with few input channels (a network's first layer).
///
/// With `K = kh·kw·cin` this small, `dW[K, cout] = colᵀ·dy` is a GEMM OpenBLAS handles badly (9×32 outputs summed
/// over every pixel of the batch) and the im2col it needs writes one float per tap. This loop reads `x` and `dy`
/// in place, keeps the partial sums in SIMD registers, and needs no im2col.
///
/// Forward stays im2col + GEMM: the engine is compiled for baseline x86-64 (SSE2, no FMA, 4 lanes), so a direct
/// forward loop peaks at a third of OpenBLAS's AVX2+FMA kernel; measured on the 3×3 1→32 first layer it ran at
/// 16–25 GF/s against 33–42 GF/s for im2col + GEMM (see performance.md).
///
/// Element `(n, y, x, c)` of a view is at `base[((n·H + y)·W + x)·pixelStride + c]`, so `x` and `dy` may be
/// strided channel slices.
enum DirectConvolution {
    /// Whether the direct weight gradient is used: few input channels (measured on the 3×3 1→32 first layer, see
    /// performance.md) and a window larger than 1×1 (a 1×1 GEMM reads `x` in place and has no im2col to save).
    static func applies(inputChannels: Int, window: Window) -> Bool {
        inputChannels <= 4 && window.taps > 1
    }

    /// Adds `Σ_pixels x[tap, ci] · dy[pixel, co]` over images `images` to `dw[tap, ci, co]`.
    ///
    /// The output rows of each image go in strips whose `dy` fits in L1 (16 KB). Within a strip, for each
    /// `[tap, ci]` row of `dW` and each block of output channels, one SIMD accumulator collects `x · dy` over the
    /// strip's pixels (those whose tap lies inside the image), then is added to `partial[tap, ci, block]`;
    /// `partial` (`K · cout` floats) holds one image's sum and is added to `dw` after the image, so no Float32 sum
    /// runs over more than one strip in registers or one image in memory.
    static func addWeightGradient(_ x: TensorView, _ dy: TensorView, _ win: Window, images: Range<Int>,
                                  partial: UnsafeMutablePointer<Float>, into dw: UnsafeMutablePointer<Float>) {
        let cin = x.shape.channels, cout = dy.shape.channels, size = win.taps * cin * cout
        let oh = win.outputHeight, ow = win.outputWidth
        let stripRows = max(1, 4096 / (ow * cout))
        for n in images {
            partial.update(repeating: 0, count: size)
            for oy0 in stride(from: 0, to: oh, by: stripRows) {
                let rows = oy0..<min(oh, oy0 + stripRows)
                for ky in 0..<win.kernelHeight {
                    for kx in 0..<win.kernelWidth {
                        for ci in 0..<cin {
                            let row = partial + ((ky * win.kernelWidth + kx) * cin + ci) * cout
                            let strip = Strip(x: x, dy: dy, win: win, n: n, rows: rows, ky: ky, kx: kx, ci: ci)
                            var co = 0
                            while co + 32 <= cout { strip.accumulate(Float32x.self, co, into: row); co += 32 }
                            while co + 8 <= cout { strip.accumulate(SIMD8<Float>.self, co, into: row); co += 8 }
                            while co < cout { strip.accumulate(Float.self, co, into: row); co += 1 }
                        }
                    }
                }
            }
            for i in 0..<size { dw[i] += partial[i] }
        }
    }

    /// The pixels of a strip of output rows of image `n` whose tap (ky, kx) lies inside the image, paired with
    /// the input channel `ci` they read through that tap.
    struct Strip {
        let x: TensorView, dy: TensorView, win: Window
        let n: Int, rows: Range<Int>, ky: Int, kx: Int, ci: Int

        /// `row[co ..< co + lanes of V] += Σ_pixels x[pixel's tap input, ci] · dy[pixel, co ..< co + lanes]`.
        @inline(__always)
        func accumulate<V: FloatVector>(_: V.Type, _ co: Int, into row: UnsafeMutablePointer<Float>) {
            let ih = win.input.height, iw = win.input.width, s = win.stride
            let shift = kx - win.padLeft   // input column of output column ox is ox · s + shift
            let ox0 = shift >= 0 ? 0 : (-shift + s - 1) / s, ox1 = min(win.outputWidth, (iw - shift + s - 1) / s)
            guard ox0 < ox1 else { return }
            let xStep = s * x.pixelStride, dyStep = dy.pixelStride
            var acc = V.zero
            for oy in rows {
                let iy = oy * s + ky - win.padTop
                guard iy >= 0 && iy < ih else { continue }
                var xp = x.base + ((n * ih + iy) * iw + ox0 * s + shift) * x.pixelStride + ci
                var g = dy.pixel((n * win.outputHeight + oy) * win.outputWidth + ox0) + co
                for _ in ox0..<ox1 {
                    acc = V.multiplyAdd(acc, xp.pointee, V.load(g))
                    xp += xStep
                    g += dyStep
                }
            }
            V.multiplyAdd(V.load(row + co), 1, acc).store(row + co)
        }
    }
}

/// The block widths of the direct kernel: 32 lanes, `SIMD8`, and `Float` for the last `cout % 8` channels. Code
/// generic over `SIMD` would get the standard library's lane-by-lane fallbacks (measured 150× slower); these
/// requirements are implemented on the concrete types, whose arithmetic is vector instructions.
protocol FloatVector {
    static var zero: Self { get }
    /// `acc + s · v`.
    static func multiplyAdd(_ acc: Self, _ s: Float, _ v: Self) -> Self
    /// The lanes' floats at `p` (unaligned).
    static func load(_ p: UnsafePointer<Float>) -> Self
    /// Writes the lanes to `p` (unaligned).
    func store(_ p: UnsafeMutablePointer<Float>)
}

extension FloatVector {
    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> Self { UnsafeRawPointer(p).loadUnaligned(as: Self.self) }
    @inline(__always) func store(_ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: self, as: Self.self) }
}

/// 32 lanes as two `SIMD16`: `SIMD32<Float>` has no concrete vector arithmetic in the standard library (its
/// `+` and `*` run lane by lane), `SIMD16` and `SIMD8` do.
struct Float32x: FloatVector {
    var low, high: SIMD16<Float>
    @inline(__always) static var zero: Self { Self(low: SIMD16(), high: SIMD16()) }
    @inline(__always) static func multiplyAdd(_ acc: Self, _ s: Float, _ v: Self) -> Self {
        let b = SIMD16<Float>(repeating: s)
        return Self(low: acc.low + b * v.low, high: acc.high + b * v.high)
    }
}

extension SIMD8: FloatVector where Scalar == Float {
    @inline(__always) static var zero: Self { Self() }
    @inline(__always) static func multiplyAdd(_ acc: Self, _ s: Float, _ v: Self) -> Self { acc + Self(repeating: s) * v }
}

extension Float: FloatVector {
    @inline(__always) static func multiplyAdd(_ acc: Float, _ s: Float, _ v: Float) -> Float { acc + s * v }
}
