import Tensor

/// Stochastic gradient descent with momentum, weight decay and optional Nesterov momentum,
/// with PyTorch's semantics (dampening 0).
///
/// Per parameter: g = grad + wd·w, buf = momentum·buf + g (buf = g on the first step);
/// the step direction is buf, or g + momentum·buf with Nesterov; w −= lr·direction. PyTorch
/// decays every parameter it is given; `decayAll` false skips weight decay for parameters
/// whose `decays` is false (as a PyTorch parameter group with weight_decay 0).
public final class SGD: Optimizer {
    /// The parameters updated by `step`.
    public let parameters: [Parameter]
    /// The step size.
    public var learningRate: Float
    /// The momentum factor (0 disables the buffer).
    public let momentum: Float
    /// The L2 penalty factor added to the gradient.
    public let weightDecay: Float
    /// Whether the step looks ahead along the momentum (Nesterov).
    public let nesterov: Bool
    /// Whether weight decay applies to every parameter, ignoring `Parameter.decays`.
    public var decayAll: Bool

    private var buffers: [[Float]]

    /// Makes an optimizer over `parameters`.
    public init(parameters: [Parameter], learningRate: Float, momentum: Float,
                weightDecay: Float, nesterov: Bool = false, decayAll: Bool = true) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        self.decayAll = decayAll
        buffers = Array(repeating: [], count: parameters.count)
    }

    /// Updates every parameter in place from its current gradient.
    public func step() {
        for (index, parameter) in parameters.enumerated() {
            let decay = decayAll || parameter.decays ? weightDecay : 0
            let count = parameter.count
            let first = buffers[index].isEmpty
            if momentum != 0 && first {
                buffers[index] = [Float](repeating: 0, count: count)
            }
            let momentum = self.momentum, nesterov = self.nesterov, rate = learningRate
            parameter.value.withUnsafeMutableBufferPointer { w in
                parameter.grad.withUnsafeBufferPointer { grad in
                    buffers[index].withUnsafeMutableBufferPointer { buffer in
                        for k in 0..<count {
                            var g = grad[k]
                            if decay != 0 { g += decay * w[k] }
                            if momentum != 0 {
                                buffer[k] = first ? g : momentum * buffer[k] + g
                                g = nesterov ? g + momentum * buffer[k] : buffer[k]
                            }
                            w[k] -= rate * g
                        }
                    }
                }
            }
        }
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

    /// The momentum buffers as `momentum.<parameter name>`.
    public var state: [String: [Float]] {
        get { OptimizerState.export("momentum", buffers, parameters) }
        set { OptimizerState.restore("momentum", from: newValue, into: &buffers, parameters) }
    }
}
