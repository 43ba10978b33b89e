import Foundation

/// Softmax cross-entropy of a batch of logits against integer labels, with optional label smoothing:
/// the target is `q = (1 − ε)·onehot + ε/K`, the loss is the batch mean of `−Σ q·log softmax(z)`, and its
/// gradient with respect to the logits is `(softmax(z) − q) / batch`.
public enum SoftmaxCrossEntropy {
    /// Loss and accuracy counts of one batch.
    public struct Result: Sendable {
        /// Mean loss over the batch, in nats.
        public var loss: Double
        /// Images whose label is the arg-max logit (see `ClassRank`: an image with a non-finite logit is wrong).
        public var top1Correct: Int
        /// Images whose label is among the five largest logits (non-finite logits: wrong).
        public var top5Correct: Int
        /// Whether every logit and the loss were finite.
        public var isFinite: Bool
    }

    /// - Parameters:
    ///   - logits: `[batch, 1, 1, K]`, contiguous.
    ///   - labels: `batch` class indices in `0..<K`.
    ///   - gradient: receives `∂loss/∂logits` (same shape as `logits`) when given.
    public static func evaluate(logits: TensorView, labels: UnsafeBufferPointer<Int32>, smoothing: Float = 0,
                                gradient: TensorView? = nil) -> Result {
        let k = logits.shape.count, n = logits.batch
        precondition(labels.count >= n, "fewer labels than images")
        var total = 0.0, top1 = 0, top5 = 0, finite = true
        let off = smoothing / Float(k), on = 1 - smoothing + off
        for i in 0..<n {
            let z = logits.pixel(i), label = Int(labels[i])
            precondition(label >= 0 && label < k, "label \(label) outside 0..<\(k)")
            var maxZ = -Float.infinity
            for j in 0..<k { maxZ = max(maxZ, z[j]) }
            var sum = 0.0
            for j in 0..<k { sum += Foundation.exp(Double(z[j] - maxZ)) }
            let logSum = Double(maxZ) + Foundation.log(sum)
            var loss = 0.0
            for j in 0..<k { loss -= Double(j == label ? on : off) * (Double(z[j]) - logSum) }
            total += loss
            finite = finite && loss.isFinite
            let rank = ClassRank.of(label, in: UnsafeBufferPointer(start: z, count: k))
            if rank == 0 { top1 += 1 }
            if rank < 5 { top5 += 1 }
            if let gradient {
                let g = gradient.pixel(i)
                for j in 0..<k {
                    let p = Foundation.exp(Double(z[j]) - logSum)
                    g[j] = Float((p - Double(j == label ? on : off)) / Double(n))
                }
            }
        }
        return Result(loss: total / Double(n), top1Correct: top1, top5Correct: top5, isFinite: finite && total.isFinite)
    }
}
