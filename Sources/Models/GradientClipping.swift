import Foundation
import Tensor

/// Gradient clipping by the global L2 norm, as `torch.nn.utils.clip_grad_norm_`.
public enum GradientClipping {
    /// Scales every gradient by min(1, maxNorm / (‖g‖ + 1e-6)), where ‖g‖ is the L2 norm of
    /// all gradients together (accumulated in Float64).
    ///
    /// - Returns: the norm before clipping.
    @discardableResult
    public static func clip(_ parameters: [Parameter], maxNorm: Double) -> Double {
        var squares = 0.0
        for parameter in parameters {
            parameter.grad.withUnsafeBufferPointer { grad in
                var sum = 0.0
                for value in grad { sum += Double(value) * Double(value) }
                squares += sum
            }
        }
        let norm = squares.squareRoot()

        let coefficient = Float(min(1, maxNorm / (norm + 1e-6)))
        guard coefficient < 1 else { return norm }
        for parameter in parameters {
            parameter.grad.withUnsafeMutableBufferPointer { grad in
                for k in grad.indices { grad[k] *= coefficient }
            }
        }
        return norm
    }
}
