import Tensor

/// A first-order optimizer over a fixed list of parameters, with a saveable state.
///
/// `SGD` and `Adam` follow PyTorch's update rules; the trainer and checkpoints work through
/// this protocol, so a resumed run continues the same trajectory whichever is used.
public protocol Optimizer: AnyObject {
    /// The parameters updated by `step`.
    var parameters: [Parameter] { get }
    /// The step size of the next `step`.
    var learningRate: Float { get set }
    /// Updates every parameter in place from its current gradient.
    func step()
    /// The running state by name (`<kind>.<parameter name>`, e.g. `momentum.fc.weight`) plus
    /// the step counter under `steps`, for checkpoints. Setting applies every entry whose name
    /// and length match.
    var state: [String: [Float]] { get set }
}

extension Optimizer {
    /// Sets every parameter's gradient to zero.
    public func zeroGrad() {
        for parameter in parameters { parameter.zeroGrad() }
    }
}

/// Helpers shared by the optimizers' state accessors.
enum OptimizerState {
    /// Named buffers `<kind>.<parameter name>` of the non-empty entries of `buffers`.
    static func export(_ kind: String, _ buffers: [[Float]],
                       _ parameters: [Parameter]) -> [String: [Float]] {
        var values: [String: [Float]] = [:]
        for (index, parameter) in parameters.enumerated() where !buffers[index].isEmpty {
            values["\(kind).\(parameter.name)"] = buffers[index]
        }
        return values
    }

    /// Buffers of `kind` taken from `state` where the name and length match a parameter.
    static func restore(_ kind: String, from state: [String: [Float]],
                        into buffers: inout [[Float]],
                        _ parameters: [Parameter]) {
        for (index, parameter) in parameters.enumerated() {
            if let value = state["\(kind).\(parameter.name)"], value.count == parameter.count {
                buffers[index] = value
            }
        }
    }
}
