/// A non-owning view of a batch of NHWC Float32 images whose pixels may be strided.
///
/// Element `(n, y, x, c)` lives at `base[((n · height + y) · width + x) · pixelStride + c]`. A contiguous tensor
/// has `pixelStride == channels`; a channel slice of a concatenation has `pixelStride` equal to the
/// concatenation's total channels and `base` offset by the slice's first channel, so branches write their outputs
/// in place and a concatenation costs no copy.
///
/// A view made by `Tensor.view(batch:)` keeps the memory it points into alive (it holds the `TensorStorage`), so
/// layers can store the views of the last forward pass and use them in the following backward pass. A view made
/// from a raw pointer is valid as long as its creator keeps that memory alive.
public struct TensorView: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Float>
    /// The owner of the memory, retained so the view never dangles (nil for views of caller-managed memory).
    public let storage: TensorStorage?
    public let batch: Int
    public let shape: Shape
    /// Distance in floats between consecutive pixels, `≥ shape.channels`.
    public let pixelStride: Int

    public init(base: UnsafeMutablePointer<Float>, batch: Int, shape: Shape, pixelStride: Int? = nil,
                storage: TensorStorage? = nil) {
        self.base = base
        self.storage = storage
        self.batch = batch
        self.shape = shape
        self.pixelStride = pixelStride ?? shape.channels
        precondition(self.pixelStride >= shape.channels, "pixel stride smaller than the channel count")
    }

    /// Number of pixels in the whole batch, `batch · height · width` (the GEMM row count of a 1×1 convolution).
    public var rows: Int { batch * shape.pixels }
    /// Whether the elements are densely packed (`pixelStride == channels`).
    public var isContiguous: Bool { pixelStride == shape.channels }
    /// Number of logical elements, `batch · height · width · channels`.
    public var count: Int { rows * shape.channels }

    /// The channels `start ..< start + count` of every pixel, as a view with the same pixel stride.
    public func channels(_ start: Int, count: Int) -> TensorView {
        precondition(start >= 0 && start + count <= shape.channels, "channel slice out of range")
        return TensorView(base: base + start, batch: batch,
                          shape: Shape(shape.height, shape.width, count), pixelStride: pixelStride, storage: storage)
    }

    /// Images `start ..< start + count` of the batch, as a view with the same shape and pixel stride.
    public func images(_ start: Int, count: Int) -> TensorView {
        precondition(start >= 0 && start + count <= batch, "image range out of the batch")
        return TensorView(base: base + start * shape.pixels * pixelStride, batch: count, shape: shape,
                          pixelStride: pixelStride, storage: storage)
    }

    /// Pointer to pixel `row` (in `0 ..< rows`, rows ordered n, y, x).
    @inline(__always) public func pixel(_ row: Int) -> UnsafeMutablePointer<Float> { base + row * pixelStride }

    // `zero`, `copy` and `add` run image by image on the elementwise threads when the view is large
    // (`forEachChunk`); each image is written by one thread, so the result never depends on the thread count.

    /// Sets every logical element to zero (gaps between strided pixels are left alone).
    public func zero() {
        forEachChunk(batch, floats: count) { n in
            let image = images(n, count: 1)
            if image.isContiguous {
                image.base.update(repeating: 0, count: image.count)
            } else {
                for r in 0..<image.rows { image.pixel(r).update(repeating: 0, count: shape.channels) }
            }
        }
    }

    /// Copies the logical elements of `source` (same batch and shape) into this view.
    public func copy(from source: TensorView) {
        precondition(source.batch == batch && source.shape == shape, "copy between views of different shapes")
        forEachChunk(batch, floats: 2 * count) { n in
            let image = images(n, count: 1), from = source.images(n, count: 1)
            if image.isContiguous && from.isContiguous {
                image.base.update(from: from.base, count: image.count)
            } else {
                for r in 0..<image.rows { image.pixel(r).update(from: from.pixel(r), count: shape.channels) }
            }
        }
    }

    /// Adds the logical elements of `other` (same batch and shape) onto this view's.
    func add(_ other: TensorView) {
        precondition(other.batch == batch && other.shape == shape, "sum of views of different shapes")
        let c = shape.channels, pixels = shape.pixels
        forEachChunk(batch, floats: 2 * count) { n in
            for r in n * pixels ..< (n + 1) * pixels {
                let p = pixel(r), q = other.pixel(r)
                @inline(__always) func add(_ l: Lanes) { p[l] = p[l] + q[l] }
                forEachVector(c, add)
            }
        }
    }

    /// The logical elements in NHWC order (for tests and checkpoints; allocates).
    public func toArray() -> [Float] {
        var out = [Float]()
        out.reserveCapacity(count)
        for r in 0..<rows { out.append(contentsOf: UnsafeBufferPointer(start: pixel(r), count: shape.channels)) }
        return out
    }
}
