/// Scratch memory shared by the layers of one network (the im2col matrix of whichever convolution runs).
///
/// A convolution uses it only within one `forward` or `backward` call, so one workspace serves every layer of a
/// network that runs on one thread. It grows to the largest request and never shrinks.
public final class Workspace {
    private var storage: UnsafeMutablePointer<Float>?
    public private(set) var capacity = 0   // in floats

    public init() {}
    deinit { storage?.deallocate() }

    /// At least `count` floats of uninitialised scratch, valid until the next call.
    public func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity {
            storage?.deallocate()
            storage = .allocateCacheAligned(count)
            capacity = count
        }
        return storage!
    }
}
