import Engine
import Testing

/// oneDNN's convolution primitives against the engine's im2col + GEMM on the same backend, and their
/// run-to-run determinism on two threads.
@Suite("oneDNN convolution primitives")
struct ConvolutionPrimitivesTests {
    /// Forward output, input gradient, weight gradient and bias gradient of one forward and backward pass on a
    /// fresh convolution (seeded weights, N(0,1) input and output gradient, contiguous tensors).
    static func pass(input: Shape, out: Int, kernel: (Int, Int), stride: Int = 1, padding: Padding = .same,
                     batch: Int = 4) -> [[Float]] {
        var rng = RandomGenerator(seed: 5)
        let conv = Conv2D(input: input, outputChannels: out, kernel: kernel, stride: stride, padding: padding,
                          bias: true, workspace: Workspace(), rng: &rng)
        for i in 0..<out { conv.bias!.value[i] = Float(rng.nextNormal()) }
        let x = Tensor(shape: input, batch: batch,
                       values: (0..<batch * input.count).map { _ in Float(rng.nextNormal()) })
        let y = Tensor(shape: conv.outputShape)
        let dyValues = (0..<batch * conv.outputShape.count).map { _ in Float(rng.nextNormal()) }
        let dy = Tensor(shape: conv.outputShape, batch: batch, values: dyValues)
        let dx = Tensor(shape: input)
        conv.forward(x.view(batch: batch), into: y.view(batch: batch), mode: .training)
        conv.backward(dy.view(batch: batch), into: dx.view(batch: batch), accumulate: false)
        return [y.view(batch: batch).toArray(), dx.view(batch: batch).toArray(), Array(conv.weight.gradient),
                Array(conv.bias!.gradient)]
    }

    /// A shape of each class of `ConvolutionAlgorithm.preferred`: stride-1 k×k, 1×n, n×1, a one-channel first
    /// layer, 1×1 with few outputs (forward on the primitives, backward on the GEMMs), 1×1 with few inputs, 1×1
    /// with many of both (the GEMMs), stride 2 with few inputs and with many.
    static let shapes: [(input: Shape, out: Int, kernel: (Int, Int), stride: Int, padding: Padding)] = [
        (Shape(15, 15, 24), 32, (3, 3), 1, .same),
        (Shape(11, 11, 12), 16, (5, 5), 1, .same),
        (Shape(7, 7, 32), 40, (1, 7), 1, .same),
        (Shape(7, 7, 40), 24, (7, 1), 1, .same),
        (Shape(16, 16, 1), 32, (3, 3), 1, .same),
        (Shape(9, 9, 48), 12, (1, 1), 1, .same),
        (Shape(9, 9, 24), 48, (1, 1), 1, .same),
        (Shape(9, 9, 40), 36, (1, 1), 1, .same),
        (Shape(15, 15, 16), 24, (3, 3), 2, .valid),
        (Shape(15, 15, 32), 48, (3, 3), 2, .valid),
    ]

    /// Both algorithms forced, and the rule's choice per pass, against im2col + GEMM. They sum the same products
    /// in different orders, in Float32: they agree to `terms · ε₃₂` relative to max(1, |value|), `terms` being the
    /// products in one sum (kh·kw·cin forward, kh·kw·cout for the input gradient, batch·oh·ow for the weight and
    /// bias gradients; 12–1024 here, so 1.4e-6 to 1.2e-4). Measured on Zen 4: the forward outputs identical, the
    /// input gradient within 1.7e-6, the weight gradient within 3e-5 (900-term sums).
    @Test(arguments: shapes.indices)
    func agreeWithIm2colAndGEMM(_ i: Int) {
        let s = Self.shapes[i], batch = 4
        let pass = {
            Self.pass(input: s.input, out: s.out, kernel: s.kernel, stride: s.stride, padding: s.padding, batch: batch)
        }
        let onednn = { (a: ConvolutionAlgorithm?) in
            Backend.withBackend(.onednn) { a.map { ConvolutionAlgorithm.withAlgorithm($0, pass) } ?? pass() }
        }
        let gemm = onednn(.gemm)
        let others = [("the primitives", onednn(.primitives)), ("the rule's choice", onednn(nil))]
        let taps = s.kernel.0 * s.kernel.1, pixels = gemm[0].count / s.out   // batch·oh·ow
        let terms = [taps * s.input.channels, taps * s.out, pixels, pixels]
        for (algorithm, results) in others {
            for (j, name) in ["forward", "input gradient", "weight gradient", "bias gradient"].enumerated() {
                let (a, b) = (results[j], gemm[j])
                #expect(a.count == b.count)
                let worst = zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
                let tolerance = Float(terms[j]) * .ulpOfOne
                #expect(worst < tolerance,
                        "\(algorithm), \(name): worst relative difference \(worst), tolerance \(tolerance)")
            }
        }
    }

    /// A convolution whose im2col chunk's GEMM is above `BLASThreads.parallelThreshold(on: .onednn)` (3 images of
    /// 16×16 at K = 288: 768×96×288 = 21 M multiply-adds), so its primitives run on two OpenMP threads: the same
    /// bits on a fresh layer and on the cached primitives.
    @Test func twoThreadsGiveTheSameBitsEveryTime() {
        let run = {
            Backend.withBackend(.onednn) {
                BLASThreads.withThreads(2) {
                    ConvolutionAlgorithm.withAlgorithm(.primitives) {
                        Self.pass(input: Shape(16, 16, 32), out: 96, kernel: (3, 3), batch: 8)
                    }
                }
            }
        }
        #expect(run() == run())
    }

    /// The inference form's convolution (bias and ReLU fused: oneDNN's bias argument and ReLU post-op on the
    /// primitives, the engine's epilogue on the GEMMs) into a strided channel slice, as a concatenation branch
    /// writes: the two algorithms agree, and the ReLU clips.
    @Test(arguments: [(3, 3), (1, 7)])
    func fusedBiasAndReLU(kernel: (Int, Int)) {
        var rng = RandomGenerator(seed: 8)
        let input = Shape(9, 9, 16), batch = 2
        let conv = Conv2D(input: input, outputChannels: 12, kernel: kernel, workspace: Workspace(), rng: &rng)
        let scale = (0..<12).map { _ in 0.5 + rng.nextUniform() }, shift = (0..<12).map { _ in rng.nextUniform() - 0.5 }
        let folded = conv.folded(scale: scale, shift: shift, relu: true, workspace: Workspace())
        let x = Tensor(shape: input, batch: batch,
                       values: (0..<batch * input.count).map { _ in Float(rng.nextNormal()) })
        let outputs = ConvolutionAlgorithm.allCases.map { a in
            let wide = Tensor(shape: Shape(9, 9, 20))
            let slice = wide.view(batch: batch).channels(5, count: 12)
            Backend.withBackend(.onednn) {
                ConvolutionAlgorithm.withAlgorithm(a) {
                    folded.forward(x.view(batch: batch), into: slice, mode: .inference)
                }
            }
            return slice.toArray()
        }
        #expect(outputs[1].contains(0) && outputs[1].contains { $0 > 0 },
                "the ReLU must clip some values and pass others")
        let worst = zip(outputs[0], outputs[1]).map { abs($0 - $1) / max(1, abs($0)) }.max() ?? 0
        #expect(worst < Float(kernel.0 * kernel.1 * 16) * .ulpOfOne, "worst relative difference \(worst)")
    }
}
