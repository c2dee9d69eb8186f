/// A trainable array of Float32 values with its gradient, in row-major order.
///
/// Layers own their parameters; optimizers and the masked-subnetwork optimizer read and write
/// `value` and `grad` in place. `shape` is the logical shape, e.g. `[Cout, Cin, kh, kw]` for a
/// convolution weight or `[out, in]` for a linear weight.
public final class Parameter {
    /// A readable name for reports and checkpoints, e.g. `audio.layer1.0.conv1.weight`.
    public let name: String
    /// The logical shape; `value.count` equals its product.
    public let shape: [Int]
    /// The current values.
    public var value: [Float]
    /// The accumulated gradient, same size as `value`.
    public var grad: [Float]
    /// Whether weight decay applies (false for biases and norm parameters).
    public let decays: Bool

    /// Makes a parameter with the given initial values and a zero gradient.
    public init(name: String, shape: [Int], value: [Float], decays: Bool = true) {
        precondition(shape.reduce(1, *) == value.count, "shape \(shape) != \(value.count)")
        self.name = name
        self.shape = shape
        self.value = value
        self.grad = [Float](repeating: 0, count: value.count)
        self.decays = decays
    }

    /// The number of values.
    public var count: Int { value.count }

    /// Sets every gradient value to zero.
    public func zeroGrad() {
        for index in grad.indices { grad[index] = 0 }
    }
}
