import Engine
import Testing

/// Conv2D against naive loops written straight from the definition, forward and backward, on random shapes, on
/// every compute path (OpenBLAS; oneDNN's GEMMs; oneDNN's convolution primitives).
@Suite("Conv2D against a naive reference")
struct ConvolutionReferenceTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var input: Shape, out: Int, kernel: (Int, Int), stride: Int, padding: Padding, bias: Bool
        var testDescription: String {
            "\(input) → \(out), \(kernel.0)×\(kernel.1) s\(stride) \(padding)\(bias ? " +bias" : "")"
        }
    }

    static let cases: [Case] = [
        Case(input: Shape(9, 11, 5), out: 7, kernel: (1, 1), stride: 1, padding: .same, bias: false),
        Case(input: Shape(9, 11, 5), out: 7, kernel: (3, 3), stride: 1, padding: .same, bias: true),
        Case(input: Shape(9, 11, 5), out: 6, kernel: (3, 3), stride: 2, padding: .valid, bias: false),
        Case(input: Shape(8, 10, 4), out: 6, kernel: (3, 3), stride: 2, padding: .valid, bias: false),
        Case(input: Shape(7, 7, 6), out: 5, kernel: (1, 7), stride: 1, padding: .same, bias: false),
        Case(input: Shape(7, 7, 6), out: 5, kernel: (7, 1), stride: 1, padding: .same, bias: false),
        Case(input: Shape(5, 8, 3), out: 4, kernel: (1, 3), stride: 1, padding: .same, bias: false),
        Case(input: Shape(8, 5, 3), out: 4, kernel: (3, 1), stride: 1, padding: .same, bias: false),
        Case(input: Shape(13, 13, 3), out: 8, kernel: (5, 5), stride: 1, padding: .same, bias: false),
        Case(input: Shape(15, 15, 1), out: 8, kernel: (3, 3), stride: 1, padding: .valid, bias: false),
        Case(input: Shape(17, 17, 3), out: 4, kernel: (3, 3), stride: 2, padding: .valid, bias: true),
        Case(input: Shape(6, 6, 4), out: 3, kernel: (1, 1), stride: 2, padding: .valid, bias: false),
        // At most 4 input channels and at least 8 outputs: the direct C kernels (forward and weight gradient), cout
        // with 32-, 8- and 1-wide blocks, SAME and VALID, stride 2, taps cut by the padding on every side. (With
        // fewer outputs, 5 below and 4 above, the same inputs go through im2col and the GEMMs.)
        Case(input: Shape(9, 11, 1), out: 37, kernel: (3, 3), stride: 1, padding: .same, bias: true),
        Case(input: Shape(12, 12, 1), out: 32, kernel: (3, 3), stride: 1, padding: .same, bias: false),
        Case(input: Shape(10, 9, 1), out: 13, kernel: (3, 3), stride: 2, padding: .valid, bias: false),
        Case(input: Shape(11, 10, 3), out: 12, kernel: (3, 3), stride: 1, padding: .valid, bias: true),
        Case(input: Shape(13, 12, 3), out: 41, kernel: (3, 3), stride: 2, padding: .valid, bias: false),
        Case(input: Shape(8, 7, 2), out: 5, kernel: (5, 5), stride: 1, padding: .same, bias: false),
        Case(input: Shape(3, 4, 4), out: 9, kernel: (5, 3), stride: 1, padding: .same, bias: false),
        Case(input: Shape(6, 9, 3), out: 8, kernel: (1, 7), stride: 1, padding: .same, bias: false),
    ]

    @Test(arguments: cases, ComputePath.allCases)
    func matchesNaiveLoops(_ t: Case, on path: ComputePath) {
        path.run { check(t) }
    }

    func check(_ t: Case) {
        let batch = 3
        var rng = RandomGenerator(seed: 21)
        let conv = Conv2D(input: t.input, outputChannels: t.out, kernel: t.kernel, stride: t.stride,
                          padding: t.padding, bias: t.bias, workspace: Workspace(), rng: &rng)
        if let b = conv.bias { for i in 0..<b.count { b.value[i] = Float(rng.nextNormal()) } }
        let xs = t.input, ys = conv.outputShape
        let x = (0..<batch * xs.count).map { _ in Float(rng.nextNormal()) }
        let dy = (0..<batch * ys.count).map { _ in Float(rng.nextNormal()) }
        let w = Array(conv.weight.value)

        // Naive reference, in Double.
        let (kh, kw) = t.kernel
        let (pt, pl) = t.padding == .same ? (kh / 2, kw / 2) : (0, 0)
        var yRef = [Double](repeating: 0, count: batch * ys.count)
        var dxRef = [Double](repeating: 0, count: batch * xs.count)
        var dwRef = [Double](repeating: 0, count: w.count)
        for n in 0..<batch { for oy in 0..<ys.height { for ox in 0..<ys.width { for co in 0..<t.out {
            let yi = ((n * ys.height + oy) * ys.width + ox) * t.out + co
            var sum = conv.bias.map { Double($0.value[co]) } ?? 0
            for ky in 0..<kh { for kx in 0..<kw {
                let iy = oy * t.stride + ky - pt, ix = ox * t.stride + kx - pl
                guard iy >= 0, iy < xs.height, ix >= 0, ix < xs.width else { continue }
                for ci in 0..<xs.channels {
                    let xi = ((n * xs.height + iy) * xs.width + ix) * xs.channels + ci
                    let wi = ((ky * kw + kx) * xs.channels + ci) * t.out + co
                    sum += Double(x[xi]) * Double(w[wi])
                    dxRef[xi] += Double(dy[yi]) * Double(w[wi])
                    dwRef[wi] += Double(dy[yi]) * Double(x[xi])
                }
            } }
            yRef[yi] = sum
        } } } }

        // The engine, reading x from and writing y and dx into strided slices, dx accumulating onto a known value.
        var xWide = [Float]()   // each pixel: 9, its channels, 9
        for p in 0..<batch * xs.pixels {
            xWide.append(9)
            xWide.append(contentsOf: x[p * xs.channels ..< (p + 1) * xs.channels])
            xWide.append(9)
        }
        let xT = Tensor(shape: Shape(xs.height, xs.width, xs.channels + 2), batch: batch, values: xWide)
        let xView = xT.view(batch: batch).channels(1, count: xs.channels)
        #expect(xView.toArray() == x)
        let yT = Tensor(shape: Shape(ys.height, ys.width, ys.channels + 2))
        let y = yT.view(batch: batch).channels(1, count: ys.channels)
        conv.forward(xView, into: y, mode: .training)
        let dxT = Tensor(shape: Shape(xs.height, xs.width, xs.channels + 1),
                         batch: batch, values: [Float](repeating: 0.5, count: batch * xs.pixels * (xs.channels + 1)))
        let dx = dxT.view(batch: batch).channels(0, count: xs.channels)
        conv.backward(Tensor(shape: ys, batch: batch, values: dy).view(batch: batch), into: dx, accumulate: true)

        expectClose(y.toArray(), yRef, "forward")
        expectClose(dx.toArray(), dxRef.map { $0 + 0.5 }, "input gradient")
        expectClose(Array(conv.weight.gradient), dwRef, "weight gradient")
        if let b = conv.bias {
            var dbRef = [Double](repeating: 0, count: t.out)
            for (i, g) in dy.enumerated() { dbRef[i % t.out] += Double(g) }
            expectClose(Array(b.gradient), dbRef, "bias gradient")
        }
    }

    /// Float32 sums of at most a few hundred products of N(0,1) values: absolute error ≲ 1e-4·√terms.
    func expectClose(_ got: [Float], _ want: [Double], _ what: String) {
        #expect(got.count == want.count)
        let worst = zip(got, want).map { abs(Double($0) - $1) / max(1, abs($1)) }.max() ?? 0
        #expect(worst < 1e-4, "\(what): worst relative error \(worst)")
    }
}
