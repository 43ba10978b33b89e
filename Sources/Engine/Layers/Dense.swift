/// Fully connected layer with bias: `y[n, :] = x[n, :] · W + b`, with `W` of dimensions `[in, out]` and the
/// input flattened per image in HWC order (the head uses it on the `1×1×C` output of global average pooling).
public final class Dense: Layer {
    public let inputShape: Shape
    public let outputShape: Shape
    public let weight, bias: Parameter
    private var input: TensorView?

    public init(input: Shape, outputs: Int, rng: inout RandomGenerator) {
        inputShape = input
        outputShape = Shape(1, 1, outputs)
        weight = Parameter(name: "weight", dimensions: [input.count, outputs], role: .weight)
        bias = Parameter(name: "bias", dimensions: [outputs], role: .bias)
        Initializer.glorotUniform(weight, fanIn: input.count, fanOut: outputs, using: &rng)
    }

    public var ownParameters: [Parameter] { [weight, bias] }
    public var ownMACs: Int { inputShape.count * outputShape.channels }

    public func forward(_ x: TensorView, into y: TensorView, mode: Mode) {
        precondition(x.isContiguous && y.isContiguous, "Dense needs contiguous tensors")
        input = x
        let n = outputShape.channels
        for i in 0..<x.batch { y.pixel(i).update(from: bias.value.baseAddress!, count: n) }
        gemm(m: x.batch, n: n, k: inputShape.count, a: x.base, lda: inputShape.count,
             b: weight.value.baseAddress!, ldb: n, beta: 1, c: y.base, ldc: n)
    }

    public func backward(_ dy: TensorView, into dx: TensorView?, accumulate: Bool) {
        guard let x = input else { preconditionFailure("backward before forward") }
        let n = outputShape.channels, k = inputShape.count
        columnSums(dy, into: bias.gradient.baseAddress!)
        gemm(transposeA: true, m: k, n: n, k: dy.batch, a: x.base, lda: k, b: dy.base, ldb: n,
             c: weight.gradient.baseAddress!, ldc: n)
        if let dx {
            precondition(dx.isContiguous, "Dense needs contiguous tensors")
            gemm(transposeB: true, m: dy.batch, n: k, k: n, a: dy.base, lda: n, b: weight.value.baseAddress!, ldb: n,
                 beta: accumulate ? 1 : 0, c: dx.base, ldc: k)
        }
    }
}
