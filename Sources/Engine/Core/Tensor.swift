/// An owning, growable Float32 buffer for a batch of NHWC images of one shape.
///
/// Layers and containers hold one `Tensor` per activation or gradient they own and ask for a view of the
/// current batch with `view(batch:)`; the memory is reallocated only when a larger batch than ever before
/// arrives, so steps of the same batch size allocate nothing. (Views of the old memory keep it alive.)
public final class Tensor {
    public let shape: Shape
    private var storage: TensorStorage?

    public init(shape: Shape) { self.shape = shape }

    /// Creates a tensor holding `values` (NHWC order, `batch · shape.count` elements).
    public convenience init(shape: Shape, batch: Int, values: [Float]) {
        precondition(values.count == batch * shape.count, "expected \(batch * shape.count) values, got \(values.count)")
        self.init(shape: shape)
        let v = view(batch: batch)
        values.withUnsafeBufferPointer { v.base.update(from: $0.baseAddress!, count: values.count) }
    }

    /// Number of images the current memory holds.
    public var capacity: Int { (storage?.count ?? 0) / max(shape.count, 1) }

    /// A contiguous view of the first `batch` images, growing the memory if needed.
    public func view(batch: Int) -> TensorView {
        if batch > capacity { storage = TensorStorage(count: batch * shape.count) }
        return TensorView(base: storage!.base, batch: batch, shape: shape, storage: storage)
    }
}

/// One zero-initialised, 64-byte-aligned block of floats, freed when the last tensor or view holding it goes.
public final class TensorStorage: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Float>
    public let count: Int

    init(count: Int) {
        self.count = count
        base = .allocateCacheAligned(max(count, 1))
        base.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { base.deallocate() }
}

extension UnsafeMutablePointer<Float> {
    /// `count` uninitialised floats starting on a 64-byte boundary: a cache line, and one AVX-512 vector. Free them
    /// with `deallocate()`.
    static func allocateCacheAligned(_ count: Int) -> Self {
        UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: count)
    }
}
