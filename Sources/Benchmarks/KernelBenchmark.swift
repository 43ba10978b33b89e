import Engine

/// Convolution throughput against plain `gemm` on Inception-shaped layers (issue: `bench kernels`), on the calling
/// task's `Backend`.
///
/// For each case the convolution's forward pass and its backward pass (weight and input gradients; weight only
/// for the first layer, whose input gradient a network never needs) are timed over a batch, and a plain row-major
/// `gemm` of the forward GEMM's `M × N × K` on the same backend is timed in the same run. GFLOP/s count `2 · M · N · K`
/// floating-point operations per GEMM (forward: one; backward: two, or one without the input gradient).
public enum KernelBenchmark {
    /// One convolution shape.
    public struct Case: Sendable, Codable {
        public var name: String
        public var input: Shape
        public var outputChannels: Int
        public var kernelHeight, kernelWidth, stride: Int
        public var padding: Padding
        /// Whether backward computes the input gradient (false for a network's first layer).
        public var inputGradient: Bool
    }

    /// A measured case.
    public struct Result: Sendable, Codable {
        public var name: String
        /// The backend that ran the case (`Backend`'s raw value).
        public var backend: String
        public var batch: Int
        /// GEMM dimensions of the forward pass: `M = batch·oh·ow`, `N = cout`, `K = kh·kw·cin`.
        public var m, n, k: Int
        public var forwardGFLOPS, backwardGFLOPS, sgemmGFLOPS: Double
        /// The algorithms of the forward and backward passes (`ConvolutionAlgorithm`'s raw values).
        public var forwardAlgorithm, backwardAlgorithm: String
        /// Forward and backward throughput as a fraction of the plain sgemm figure.
        public var forwardRatio: Double { forwardGFLOPS / sgemmGFLOPS }
        public var backwardRatio: Double { backwardGFLOPS / sgemmGFLOPS }
    }

    /// The Inception-shaped set: 1×1, 3×3, 5×5, 1×7, 7×1 at the compact stem's grids, a branch head with few
    /// outputs (its passes run different algorithms on oneDNN), a stride-2 VALID reduction, and the one-channel
    /// first layer.
    public static let inceptionCases: [Case] = [
        Case(name: "stem 3×3 1→32 @32×32 (first layer)", input: Shape(32, 32, 1), outputChannels: 32,
             kernelHeight: 3, kernelWidth: 3, stride: 1, padding: .same, inputGradient: false),
        Case(name: "1×1 64→96 @15×15", input: Shape(15, 15, 64), outputChannels: 96,
             kernelHeight: 1, kernelWidth: 1, stride: 1, padding: .same, inputGradient: true),
        Case(name: "1×1 96→16 @15×15 (branch head)", input: Shape(15, 15, 96), outputChannels: 16,
             kernelHeight: 1, kernelWidth: 1, stride: 1, padding: .same, inputGradient: true),
        Case(name: "3×3 32→48 @15×15", input: Shape(15, 15, 32), outputChannels: 48,
             kernelHeight: 3, kernelWidth: 3, stride: 1, padding: .same, inputGradient: true),
        Case(name: "5×5 48→64 @15×15", input: Shape(15, 15, 48), outputChannels: 64,
             kernelHeight: 5, kernelWidth: 5, stride: 1, padding: .same, inputGradient: true),
        Case(name: "3×3 s2 VALID 64→96 @15×15", input: Shape(15, 15, 64), outputChannels: 96,
             kernelHeight: 3, kernelWidth: 3, stride: 2, padding: .valid, inputGradient: true),
        Case(name: "1×7 48→56 @7×7", input: Shape(7, 7, 48), outputChannels: 56,
             kernelHeight: 1, kernelWidth: 7, stride: 1, padding: .same, inputGradient: true),
        Case(name: "7×1 56→64 @7×7", input: Shape(7, 7, 56), outputChannels: 64,
             kernelHeight: 7, kernelWidth: 1, stride: 1, padding: .same, inputGradient: true),
        Case(name: "1×1 192→48 @7×7", input: Shape(7, 7, 192), outputChannels: 48,
             kernelHeight: 1, kernelWidth: 1, stride: 1, padding: .same, inputGradient: true),
    ]

    public static func run(_ c: Case, batch: Int, stopwatch: Stopwatch = Stopwatch()) -> Result {
        var rng = RandomGenerator(seed: 1)
        let conv = Conv2D(input: c.input, outputChannels: c.outputChannels, kernel: (c.kernelHeight, c.kernelWidth),
                          stride: c.stride, padding: c.padding, workspace: Workspace(), rng: &rng)
        let x = Tensor(shape: c.input).view(batch: batch)
        for i in 0..<x.count { x.base[i] = rng.nextUniform() - 0.5 }
        let y = Tensor(shape: conv.outputShape).view(batch: batch)
        let dy = Tensor(shape: conv.outputShape).view(batch: batch)
        for i in 0..<dy.count { dy.base[i] = rng.nextUniform() - 0.5 }
        let dx = c.inputGradient ? Tensor(shape: c.input).view(batch: batch) : nil

        let m = y.rows, n = c.outputChannels, k = c.kernelHeight * c.kernelWidth * c.input.channels
        let flops = 2.0 * Double(m) * Double(n) * Double(k)
        let forward = stopwatch.median { conv.forward(x, into: y, mode: .training) }
        let backward = stopwatch.median { conv.backward(dy, into: dx, accumulate: false) }
        let backwardGEMMs = c.inputGradient ? 2.0 : 1.0
        return Result(name: c.name, backend: Backend.current.rawValue, batch: batch, m: m, n: n, k: k,
                      forwardGFLOPS: flops / forward / 1e9,
                      backwardGFLOPS: backwardGEMMs * flops / backward / 1e9,
                      sgemmGFLOPS: stopwatch.sgemmGFLOPS(m: m, n: n, k: k),
                      forwardAlgorithm: conv.algorithm(.forward).rawValue,
                      backwardAlgorithm: conv.algorithm(.backward).rawValue)
    }
}
