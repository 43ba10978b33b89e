/// An owning, growable Float32 buffer for a batch of NHWC images of one shape.
///
/// Layers and containers hold one `Tensor` per activation or gradient they own and ask for a view of the
/// current batch with `view(batch:)`; the memory is reallocated only when a larger batch than ever before
/// arrives, so steps of the same batch size allocate nothing. Memory is 64-byte aligned and zero-initialised.
public final class Tensor {
    public let shape: Shape
    public private(set) var capacity = 0          // in images
    private var storage: UnsafeMutablePointer<Float>?

    public init(shape: Shape) { self.shape = shape }

    /// Creates a tensor holding `values` (NHWC order, `batch · shape.count` elements).
    public convenience init(shape: Shape, batch: Int, values: [Float]) {
        precondition(values.count == batch * shape.count, "expected \(batch * shape.count) values, got \(values.count)")
        self.init(shape: shape)
        let v = view(batch: batch)
        values.withUnsafeBufferPointer { v.base.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { storage?.deallocate() }

    /// A contiguous view of the first `batch` images, growing the storage if needed (which invalidates
    /// earlier views).
    public func view(batch: Int) -> TensorView {
        if batch > capacity {
            storage?.deallocate()
            let count = max(batch * shape.count, 1)
            let raw = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
            storage = raw.bindMemory(to: Float.self, capacity: count)
            storage!.initialize(repeating: 0, count: count)
            capacity = batch
        }
        return TensorView(base: storage!, batch: batch, shape: shape)
    }

    /// Bytes currently allocated.
    public var allocatedBytes: Int { capacity * shape.count * MemoryLayout<Float>.stride }
}
