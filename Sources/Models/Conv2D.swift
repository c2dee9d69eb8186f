import Tensor

/// A 2-D convolution layer without bias (NCHW), keeping what its backward pass needs.
public final class Conv2D {
    /// The filters, [Cout, Cin, k, k].
    public let weight: Parameter
    /// Input channels.
    public let inChannels: Int
    /// Output channels (filters).
    public let outChannels: Int
    /// Square window size.
    public let kernel: Int
    /// Step between windows.
    public let stride: Int
    /// Zeros added on every side.
    public let padding: Int
    /// Whether `backward` returns the input gradient (false for a network's first layer).
    public let computesInputGradient: Bool

    /// Scratch for the patch matrices, shared with the other layers of the same network.
    public let workspace: Workspace

    private var input: Tensor?

    /// Makes a layer with Kaiming-normal (fan-out) filters drawn from `generator`.
    public init(name: String, inChannels: Int, outChannels: Int, kernel: Int, stride: Int,
                padding: Int, computesInputGradient: Bool = true,
                workspace: Workspace = Workspace(), generator: inout SeededGenerator) {
        let fanOut = outChannels * kernel * kernel
        let count = fanOut * inChannels
        weight = Parameter(name: name, shape: [outChannels, inChannels, kernel, kernel],
                           value: WeightInit.kaimingNormalFanOut(count: count, fanOut: fanOut,
                                                                 generator: &generator))
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.computesInputGradient = computesInputGradient
        self.workspace = workspace
    }

    /// x [N, Cin, H, W] → [N, Cout, oH, oW]; keeps x for `backward`.
    public func forward(_ x: Tensor) -> Tensor {
        let profiled = LayerProfile.start()
        defer { LayerProfile.stop("conv", profiled) }
        let g = geometry(x.shape)
        input = x

        let shape = [g.batch, outChannels, g.outHeight, g.outWidth]
        return Tensor(shape: shape) { out in
            x.data.withUnsafeBufferPointer { inp in
                weight.value.withUnsafeBufferPointer { w in
                    workspace.withScratch(count: scratchCount(g)) { scratch in
                        Conv2DKernel.forward(output: pointer(out), input: pointer(inp),
                                             weight: pointer(w), workspace: scratch,
                                             geometry: g, outChannels: outChannels)
                    }
                }
            }
        }
    }

    /// Accumulates d(weight) from dy [N, Cout, oH, oW]; returns dx [N, Cin, H, W], or nil
    /// when `computesInputGradient` is false.
    @discardableResult
    public func backward(_ dy: Tensor) -> Tensor? {
        let profiled = LayerProfile.start()
        defer { LayerProfile.stop("conv", profiled) }
        guard let x = input else { preconditionFailure("Conv2D.backward before forward") }
        let g = geometry(x.shape)
        precondition(dy.shape == [g.batch, outChannels, g.outHeight, g.outWidth],
                     "gradient shape \(dy.shape) does not match the output")
        // Every image of dx is written by the kernel (zeroed, then accumulated).
        var dx = computesInputGradient ? Tensor(shape: x.shape) { _ in } : nil

        x.data.withUnsafeBufferPointer { inp in
            dy.data.withUnsafeBufferPointer { gradOut in
                weight.value.withUnsafeBufferPointer { w in
                    weight.grad.withUnsafeMutableBufferPointer { dw in
                        workspace.withScratch(count: scratchCount(g)) { scratch in
                            withOptionalPointer(&dx) { dinp in
                                Conv2DKernel.backward(
                                    dInput: dinp, dWeight: pointer(dw),
                                    dOutput: pointer(gradOut), input: pointer(inp),
                                    weight: pointer(w), workspace: scratch,
                                    geometry: g, outChannels: outChannels)
                            }
                        }
                    }
                }
            }
        }
        return dx
    }

    private func geometry(_ shape: [Int]) -> Conv2DGeometry {
        precondition(shape.count == 4 && shape[1] == inChannels,
                     "\(weight.name): expected [N, \(inChannels), H, W], got \(shape)")
        return Conv2DGeometry(input: shape, kernel: kernel, stride: stride, padding: padding)
    }

    private func scratchCount(_ g: Conv2DGeometry) -> Int {
        Conv2DKernel.workspaceCount(g, outChannels: outChannels)
    }
}
