import Tensor

/// The exact (erf) GELU activation, keeping its input for the backward pass.
public final class GELU {
    private var input: Tensor?

    /// Makes the layer.
    public init() {}

    /// y = x·Φ(x), same shape as x.
    public func forward(_ x: Tensor) -> Tensor {
        let profiled = LayerProfile.start()
        defer { LayerProfile.stop("gelu", profiled) }
        input = x
        return Tensor(shape: x.shape) { out in
            x.data.withUnsafeBufferPointer { inp in
                GELUKernel.forward(output: pointer(out), input: pointer(inp), count: x.count)
            }
        }
    }

    /// dx = dy·GELU′(x).
    public func backward(_ dy: Tensor) -> Tensor {
        let profiled = LayerProfile.start()
        defer { LayerProfile.stop("gelu", profiled) }
        guard let x = input else { preconditionFailure("GELU.backward before forward") }
        precondition(dy.shape == x.shape, "GELU: gradient \(dy.shape) for input \(x.shape)")
        return Tensor(shape: x.shape) { dinp in
            x.data.withUnsafeBufferPointer { inp in
                dy.data.withUnsafeBufferPointer { gradOut in
                    GELUKernel.backward(dInput: pointer(dinp), dOutput: pointer(gradOut),
                                        input: pointer(inp), count: x.count)
                }
            }
        }
    }
}
