extension RGBImage {
    /// The image resampled to `width × height` pixels (both ≥ 1) with Pillow's bicubic filter, the same bytes as
    /// Pillow's `Image.resize((width, height), Image.BICUBIC)` on an RGB image.
    ///
    /// Pillow's convolution resampler (`Resample.c`): separable, a horizontal pass then a vertical one, each
    /// skipped when that side keeps its length; the cubic kernel with a = −0.5 is stretched by the scale factor
    /// when shrinking (so downsampling is antialiased); each output pixel's coefficients are normalised to sum to
    /// one, turned into 22-bit fixed point, and each pass rounds and clips its result to 0…255. An image already
    /// at the requested size is returned unchanged.
    public func resized(width: Int, height: Int) -> RGBImage {
        precondition(width >= 1 && height >= 1, "RGBImage.resized: size \(width)×\(height) must be at least 1×1")
        var image = self
        if width != self.width { image = image.resampledHorizontally(to: width) }
        if height != self.height { image = image.resampledVertically(to: height) }
        return image
    }

    private func resampledHorizontally(to outWidth: Int) -> RGBImage {
        let filter = ResamplingFilter(inputLength: width, outputLength: outWidth)
        var out = [UInt8](repeating: 0, count: height * outWidth * 3)
        pixels.withUnsafeBufferPointer { pixels in
            filter.coefficients.withUnsafeBufferPointer { coefficients in
                for y in 0..<height {
                    let row = y * width * 3
                    for ox in 0..<outWidth {
                        let first = filter.first[ox], taps = filter.count[ox], k = ox * filter.stride
                        var r = rounding, g = rounding, b = rounding
                        for t in 0..<taps {
                            let p = row + (first + t) * 3, w = coefficients[k + t]
                            r += Int(pixels[p]) * w
                            g += Int(pixels[p + 1]) * w
                            b += Int(pixels[p + 2]) * w
                        }
                        let o = (y * outWidth + ox) * 3
                        out[o] = clip8(r)
                        out[o + 1] = clip8(g)
                        out[o + 2] = clip8(b)
                    }
                }
            }
        }
        return RGBImage(width: outWidth, height: height, pixels: out)
    }

    /// Rows are filtered whole: the channels of a row are independent columns of bytes.
    private func resampledVertically(to outHeight: Int) -> RGBImage {
        let filter = ResamplingFilter(inputLength: height, outputLength: outHeight)
        let rowLength = width * 3
        var out = [UInt8](repeating: 0, count: outHeight * rowLength)
        var sums = [Int](repeating: 0, count: rowLength)
        pixels.withUnsafeBufferPointer { pixels in
            for oy in 0..<outHeight {
                let first = filter.first[oy], taps = filter.count[oy], k = oy * filter.stride
                for i in 0..<rowLength { sums[i] = rounding }
                for t in 0..<taps {
                    let row = (first + t) * rowLength, w = filter.coefficients[k + t]
                    for i in 0..<rowLength { sums[i] += Int(pixels[row + i]) * w }
                }
                for i in 0..<rowLength { out[oy * rowLength + i] = clip8(sums[i]) }
            }
        }
        return RGBImage(width: width, height: outHeight, pixels: out)
    }
}

/// Fraction bits of Pillow's fixed-point coefficients for 8-bit images (`PRECISION_BITS = 32 - 8 - 2`).
private let precisionBits = 22
/// Pillow starts each sum at one half, so that the final shift rounds to nearest.
private let rounding = 1 << (precisionBits - 1)

/// A fixed-point sum back to a byte: Pillow's `clip8`, an arithmetic shift then a clamp to 0…255.
@inline(__always)
private func clip8(_ sum: Int) -> UInt8 {
    UInt8(clamping: sum >> precisionBits)
}

/// Pillow's bicubic kernel, a = −0.5 (the Keys cubic), with its expressions in the same order.
private func bicubic(_ x: Double) -> Double {
    let a = -0.5
    let x = abs(x)
    if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
    if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
    return 0
}

/// The coefficients that resample one axis from `inputLength` to `outputLength` samples: Pillow's
/// `precompute_coeffs` followed by `normalize_coeffs_8bpc`, in Double with the same operations, then fixed point.
/// Output sample `i` is `Σ_t input[first[i] + t] · coefficients[i · stride + t]` over `t < count[i]`, plus the
/// rounding half, shifted right by `precisionBits`.
private struct ResamplingFilter {
    var first: [Int] = []
    var count: [Int] = []
    var coefficients: [Int] = []
    let stride: Int

    init(inputLength: Int, outputLength: Int) {
        let scale = Double(inputLength) / Double(outputLength)
        let filterScale = max(scale, 1)  // when shrinking, the kernel widens by the scale factor
        let support = 2 * filterScale    // the cubic's support is 2 input samples
        let inverseFilterScale = 1 / filterScale
        stride = Int(support.rounded(.up)) * 2 + 1
        coefficients = [Int](repeating: 0, count: outputLength * stride)
        var weights = [Double](repeating: 0, count: stride)
        for i in 0..<outputLength {
            let center = (Double(i) + 0.5) * scale
            // C's (int) cast truncates towards zero, as Int(_:) does.
            let lo = max(Int(center - support + 0.5), 0)
            let hi = min(Int(center + support + 0.5), inputLength)
            var total = 0.0
            for x in lo..<hi {
                let w = bicubic((Double(x) - center + 0.5) * inverseFilterScale)
                weights[x - lo] = w
                total += w
            }
            for x in lo..<hi {
                let w = total != 0 ? weights[x - lo] / total : weights[x - lo]
                let fixed = w * Double(1 << precisionBits)
                coefficients[i * stride + x - lo] = Int(w < 0 ? -0.5 + fixed : 0.5 + fixed)
            }
            first.append(lo)
            count.append(hi - lo)
        }
    }
}
