/// Scratch memory that layers running one after another share, grown on demand and reused
/// between calls (e.g. the im2col patch matrices of every convolution of one encoder).
///
/// Not for layers running at the same time on different threads: each concurrent user needs
/// its own workspace.
public final class Workspace {
    private var storage: [Float] = []

    /// Makes an empty workspace.
    public init() {}

    /// The number of values currently allocated.
    public var capacity: Int { storage.count }

    /// Calls `body` with at least `count` values of scratch (contents unspecified).
    public func withScratch<R>(count: Int,
                               _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        let needed = max(1, count)
        if storage.count < needed { storage = [Float](repeating: 0, count: needed) }
        return try storage.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { preconditionFailure("empty workspace") }
            return try body(base)
        }
    }
}
