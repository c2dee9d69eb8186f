import Foundation
import Tensor

/// Adam and AdamW with PyTorch's update rule (no amsgrad).
///
/// Per parameter at step t (from 1): g = grad (+ wd·w for Adam's L2 penalty);
/// m = β₁·m + (1 − β₁)·g; v = β₂·v + (1 − β₂)·g²;
/// w −= lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε). AdamW instead decays the weight directly,
/// w ·= 1 − lr·wd, before the update.
public final class Adam: Optimizer {
    /// The parameters updated by `step`.
    public let parameters: [Parameter]
    /// The step size.
    public var learningRate: Float
    /// The first-moment decay β₁.
    public let beta1: Float
    /// The second-moment decay β₂.
    public let beta2: Float
    /// Added to the denominator.
    public let epsilon: Float
    /// The weight-decay factor.
    public let weightDecay: Float
    /// AdamW (decoupled decay) instead of Adam's L2 penalty.
    public let decoupled: Bool
    /// Whether weight decay applies to every parameter, ignoring `Parameter.decays`.
    public var decayAll: Bool

    private var steps = 0
    private var first: [[Float]]
    private var second: [[Float]]

    /// Makes an optimizer over `parameters` (PyTorch's defaults: β 0.9/0.999, ε 1e-8).
    public init(parameters: [Parameter], learningRate: Float, beta1: Float = 0.9,
                beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0,
                decoupled: Bool = false, decayAll: Bool = true) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
        self.decayAll = decayAll
        first = parameters.map { [Float](repeating: 0, count: $0.count) }
        second = parameters.map { [Float](repeating: 0, count: $0.count) }
    }

    /// Updates every parameter in place from its current gradient.
    public func step() {
        steps += 1
        let t = Float(steps)
        let correction1 = 1 - powf(beta1, t)
        let correction2Root = (1 - powf(beta2, t)).squareRoot()
        let stepSize = learningRate / correction1
        let beta1 = self.beta1, beta2 = self.beta2, epsilon = self.epsilon
        let decoupled = self.decoupled, rate = learningRate

        for (index, parameter) in parameters.enumerated() {
            let decay = decayAll || parameter.decays ? weightDecay : 0
            let count = parameter.count
            parameter.value.withUnsafeMutableBufferPointer { w in
                parameter.grad.withUnsafeBufferPointer { grad in
                    first[index].withUnsafeMutableBufferPointer { m in
                        second[index].withUnsafeMutableBufferPointer { v in
                            for k in 0..<count {
                                var g = grad[k]
                                if decay != 0 {
                                    if decoupled { w[k] *= 1 - rate * decay } else {
                                        g += decay * w[k]
                                    }
                                }
                                m[k] = beta1 * m[k] + (1 - beta1) * g
                                v[k] = beta2 * v[k] + (1 - beta2) * g * g
                                let denominator = v[k].squareRoot() / correction2Root + epsilon
                                w[k] -= stepSize * m[k] / denominator
                            }
                        }
                    }
                }
            }
        }
    }

    /// The moments as `exp_avg.<name>` and `exp_avg_sq.<name>`, and the step count as `steps`.
    public var state: [String: [Float]] {
        get {
            OptimizerState.export("exp_avg", first, parameters)
                .merging(OptimizerState.export("exp_avg_sq", second, parameters)) { a, _ in a }
                .merging(["steps": [Float(steps)]]) { a, _ in a }
        }
        set {
            OptimizerState.restore("exp_avg", from: newValue, into: &first, parameters)
            OptimizerState.restore("exp_avg_sq", from: newValue, into: &second, parameters)
            if let saved = newValue["steps"]?.first { steps = Int(saved) }
        }
    }
}
