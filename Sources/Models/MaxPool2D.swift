import Tensor

/// 2-D max-pooling (NCHW), keeping the chosen positions for the backward pass.
public final class MaxPool2D {
    /// Square window size.
    public let kernel: Int
    /// Step between windows.
    public let stride: Int
    /// −∞ padding on every side.
    public let padding: Int

    private var geometry: Conv2DGeometry?
    private var argmax: [Int32] = []

    /// Makes the layer.
    public init(kernel: Int, stride: Int, padding: Int) {
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
    }

    /// x [N, C, H, W] → [N, C, oH, oW].
    public func forward(_ x: Tensor) -> Tensor {
        let profiled = LayerProfile.start()
        defer { LayerProfile.stop("max_pool", profiled) }
        let g = Conv2DGeometry(input: x.shape, kernel: kernel, stride: stride, padding: padding)
        geometry = g
        let shape = [g.batch, g.inChannels, g.outHeight, g.outWidth]
        let outCount = shape.reduce(1, *)
        if argmax.count != outCount { argmax = [Int32](repeating: 0, count: outCount) }

        return Tensor(shape: shape) { out in
            x.data.withUnsafeBufferPointer { inp in
                argmax.withUnsafeMutableBufferPointer { chosen in
                    MaxPoolKernel.forward(output: pointer(out), argmax: pointer(chosen),
                                          input: pointer(inp), geometry: g)
                }
            }
        }
    }

    /// dx: each dy value routed to the input position that was the window's maximum.
    public func backward(_ dy: Tensor) -> Tensor {
        let profiled = LayerProfile.start()
        defer { LayerProfile.stop("max_pool", profiled) }
        guard let g = geometry else { preconditionFailure("MaxPool2D.backward before forward") }
        precondition(dy.shape == [g.batch, g.inChannels, g.outHeight, g.outWidth],
                     "MaxPool2D: gradient shape \(dy.shape) does not match the output")
        return Tensor(shape: [g.batch, g.inChannels, g.inHeight, g.inWidth]) { dinp in
            dy.data.withUnsafeBufferPointer { gradOut in
                argmax.withUnsafeBufferPointer { chosen in
                    MaxPoolKernel.backward(dInput: pointer(dinp), dOutput: pointer(gradOut),
                                           argmax: pointer(chosen), geometry: g)
                }
            }
        }
    }
}
