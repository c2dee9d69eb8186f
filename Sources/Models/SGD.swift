import Tensor

/// Stochastic gradient descent with momentum and weight decay, with PyTorch's semantics
/// (dampening 0, no Nesterov).
///
/// Per parameter: g = grad + wd·w, buf = momentum·buf + g (buf = g on the first step),
/// w −= lr·buf. PyTorch decays every parameter it is given; `decayAll` false skips weight decay
/// for parameters whose `decays` is false (as a PyTorch parameter group with weight_decay 0).
public final class SGD {
    /// The parameters updated by `step`.
    public let parameters: [Parameter]
    /// The step size.
    public var learningRate: Float
    /// The momentum factor (0 disables the buffer).
    public let momentum: Float
    /// The L2 penalty factor added to the gradient.
    public let weightDecay: Float
    /// Whether weight decay applies to every parameter, ignoring `Parameter.decays`.
    public var decayAll: Bool

    private var buffers: [[Float]]

    /// Makes an optimizer over `parameters`.
    public init(parameters: [Parameter], learningRate: Float, momentum: Float,
                weightDecay: Float, decayAll: Bool = true) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.decayAll = decayAll
        buffers = Array(repeating: [], count: parameters.count)
    }

    /// Updates every parameter in place from its current gradient.
    public func step() {
        for (index, parameter) in parameters.enumerated() {
            let decay = decayAll || parameter.decays ? weightDecay : 0
            let count = parameter.count
            if momentum != 0 && buffers[index].isEmpty {
                buffers[index] = [Float](repeating: 0, count: count)
            }
            parameter.value.withUnsafeMutableBufferPointer { w in
                parameter.grad.withUnsafeBufferPointer { grad in
                    buffers[index].withUnsafeMutableBufferPointer { buffer in
                        for k in 0..<count {
                            var g = grad[k]
                            if decay != 0 { g += decay * w[k] }
                            if momentum != 0 {
                                buffer[k] = momentum * buffer[k] + g
                                g = buffer[k]
                            }
                            w[k] -= learningRate * g
                        }
                    }
                }
            }
        }
    }

    /// Sets every parameter's gradient to zero.
    public func zeroGrad() {
        for parameter in parameters { parameter.zeroGrad() }
    }

    /// The momentum buffers by parameter name (absent before a parameter's first step), for
    /// checkpoints. Setting applies every entry whose name and length match a parameter.
    public var momentumBuffers: [String: [Float]] {
        get {
            var values: [String: [Float]] = [:]
            for (index, parameter) in parameters.enumerated() where !buffers[index].isEmpty {
                values[parameter.name] = buffers[index]
            }
            return values
        }
        set {
            for (index, parameter) in parameters.enumerated() {
                if let value = newValue[parameter.name], value.count == parameter.count {
                    buffers[index] = value
                }
            }
        }
    }
}
