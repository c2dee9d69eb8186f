/// A contiguous row-major array of Float32 values with a shape, e.g. `[N, C, H, W]`.
///
/// A value type: copies share storage until one of them is written (copy-on-write of `data`).
public struct Tensor {
    /// The logical shape; the product of its entries equals `data.count`.
    public var shape: [Int]
    /// The values in row-major order (the last axis varies fastest).
    public var data: [Float]

    /// Makes a tensor from a shape and values; the value count must match the shape.
    public init(shape: [Int], data: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in shape \(shape)")
        precondition(shape.reduce(1, *) == data.count,
                     "shape \(shape) holds \(shape.reduce(1, *)) values, got \(data.count)")
        self.shape = shape
        self.data = data
    }

    /// Makes a tensor of the given shape filled with zeros.
    public init(zeros shape: [Int]) {
        self.init(shape: shape, data: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    /// Makes a tensor whose values are all written by `initialize` before use.
    ///
    /// `initialize` receives the uninitialized buffer of `shape`'s product values and must
    /// write every one of them; this skips the zero fill of `init(zeros:)`.
    public init(shape: [Int], initializingWith initialize: (UnsafeMutableBufferPointer<Float>)
                throws -> Void) rethrows {
        let count = shape.reduce(1, *)
        let values = try [Float](unsafeUninitializedCapacity: count) { buffer, written in
            try initialize(buffer)
            written = count
        }
        self.init(shape: shape, data: values)
    }

    /// The number of values.
    public var count: Int { data.count }

    /// The number of axes.
    public var rank: Int { shape.count }
}
