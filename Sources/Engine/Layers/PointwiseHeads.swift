/// The 1×1 convolutions that open several branches of a `Concat`, computed as one: Inception blocks start most
/// branches with a 1×1 convolution of the block's input, each a GEMM `x · Wᵢ` with few outputs.
///
/// Forward, one GEMM `H = x · [W₁ | W₂ | …]` (`M × Σnᵢ`, weights gathered from the convolutions at each call), its
/// column blocks copied to where each branch keeps its head's output (`Sequential.headOutput`). Backward, each
/// branch stops at its head (`Sequential.backwardToHead`), whose output gradients are gathered into `dH`; then one
/// GEMM `dW = xᵀ · dH` (scattered to the convolutions' gradients) and one `dx (+)= dH · [W₁ | W₂ | …]ᵀ`, which reads
/// and writes the input gradient once instead of once per branch. On inception-resnet-v1 w0.25 the three heads of
/// block A (64 → 8 each at 15×15) took 8.2 ms/step backward as separate GEMMs, 54 GFLOP/s on two threads
/// (docs/performance.md).
///
/// A branch that opens with an average pool and then such a convolution joins too, its pool run after the head
/// on the head's channels (`Sequential.Head.pooled`: the two commute).
///
/// The sums are the same products as the separate convolutions' in another grouping, so results agree with them
/// to float rounding (and, as every layer, give the same bits run to run).
final class PointwiseHeads {
    /// A branch that opens with a fusable convolution, its columns `offset ..< offset + conv.outputShape.channels`.
    struct Member {
        let branch: Int
        let sequence: Sequential
        let conv: Conv2D
        /// The branch's average pool, on the head's channels (nil when the branch opens with the convolution).
        let pool: AvgPool?
        let offset: Int
    }

    let members: [Member]
    let inputChannels: Int
    /// Σnᵢ: the heads' outputs side by side.
    let width: Int
    /// `[W₁ | W₂ | …]`, `inputChannels × width`, and the weight gradient of the same layout.
    private let weights: UnsafeMutablePointer<Float>, weightGradient: UnsafeMutablePointer<Float>
    /// `H` forward, `dH` backward (`batch · pixels × width`); grows with the batch.
    private let heads = Workspace()

    /// The heads of `branches` (those that are a `Sequential` with a `pointwiseHead`); nil when fewer than two
    /// branches have one.
    init?(_ branches: [any Layer]) {
        var members: [Member] = []
        var offset = 0
        for (i, branch) in branches.enumerated() {
            guard let sequence = branch as? Sequential, let head = sequence.pointwiseHead else { continue }
            let conv = head.conv
            members.append(Member(branch: i, sequence: sequence, conv: conv,
                                  pool: head.pooled ? AvgPool(input: conv.outputShape) : nil, offset: offset))
            offset += conv.outputShape.channels
        }
        guard members.count > 1 else { return nil }
        self.members = members
        inputChannels = members[0].conv.inputShape.channels
        width = offset
        weights = .allocate(capacity: inputChannels * width)
        weightGradient = .allocate(capacity: inputChannels * width)
    }

    deinit {
        weights.deallocate()
        weightGradient.deallocate()
    }

    /// The sequence of branch `branch` when it is a member (its head computed here), else nil.
    func sequence(ofBranch branch: Int) -> Sequential? { members.first { $0.branch == branch }?.sequence }

    /// `H = x · [W₁ | W₂ | …]`, each column block copied (or pooled) to its branch's head output.
    func forward(_ x: TensorView, mode: Mode, profiler: Profiler?) {
        let h = headsView(batch: x.batch)
        profiler.measure(.convolutionForward) {
            for m in members {   // column block m of every row: the convolution's [cin, nᵢ] weights
                copyColumns(of: m, between: weights, and: m.conv.weight.value.baseAddress!, intoShared: true)
            }
            gemm(m: x.rows, n: width, k: inputChannels, a: x.base, lda: x.pixelStride, b: weights, ldb: width,
                 c: h.base, ldc: width)
        }
        for m in members {
            let block = h.channels(m.offset, count: m.conv.outputShape.channels)
            let output = m.sequence.headOutput(batch: x.batch)
            if let pool = m.pool {
                profiler.forward(pool, block, into: output, mode: mode)
            } else {
                profiler.measure(.convolutionForward) { output.copy(from: block) }
            }
        }
    }

    /// Copies member `m`'s `[cin, nᵢ]` block between its columns of a shared `[cin, width]` matrix (`shared`:
    /// `weights` or `weightGradient`) and its convolution's own `[cin, nᵢ]` layout (`own`), into the shared one
    /// (`intoShared`) or out of it.
    private func copyColumns(of m: Member, between shared: UnsafeMutablePointer<Float>,
                             and own: UnsafeMutablePointer<Float>, intoShared: Bool) {
        let n = m.conv.outputShape.channels
        for c in 0..<inputChannels {
            let (sharedRow, ownRow) = (shared + c * width + m.offset, own + c * n)
            if intoShared { sharedRow.update(from: ownRow, count: n) } else { ownRow.update(from: sharedRow, count: n) }
        }
    }

    /// The view `H`/`dH` of a batch: `batch` images of the input's grid, `width` channels.
    private func headsView(batch: Int) -> TensorView {
        let shape = Shape(members[0].conv.inputShape.height, members[0].conv.inputShape.width, width)
        return TensorView(base: heads.floats(batch * shape.count), batch: batch, shape: shape)
    }

    /// The backward pass of the members' branches down to their heads (`dy`: the concatenation's output gradient,
    /// `slice(i)`: branch `i`'s channels of it), then the heads' weight gradients and, when `dx` is given, their
    /// input gradient, written (`accumulate` false) or added.
    func backward(_ x: TensorView, _ slice: (Int) -> TensorView, into dx: TensorView?, accumulate: Bool,
                  profiler: Profiler?) {
        let dh = headsView(batch: x.batch)
        for m in members {
            let g = m.sequence.backwardToHead(slice(m.branch))
            let block = dh.channels(m.offset, count: m.conv.outputShape.channels)
            if let pool = m.pool {
                profiler.backward(pool, g, into: block, accumulate: false)
            } else {
                block.copy(from: g)
            }
        }
        profiler.measure(.convolutionBackward) {
            gemm(transposeA: true, m: inputChannels, n: width, k: x.rows, a: x.base, lda: x.pixelStride, b: dh.base,
                 ldb: width, c: weightGradient, ldc: width)
            for m in members {
                copyColumns(of: m, between: weightGradient, and: m.conv.weight.gradient.baseAddress!, intoShared: false)
            }
            if let dx {
                gemm(transposeB: true, m: x.rows, n: inputChannels, k: width, a: dh.base, lda: width, b: weights,
                     ldb: width, beta: accumulate ? 1 : 0, c: dx.base, ldc: dx.pixelStride)
            }
        }
    }
}
