import Tensor

/// The rectified linear unit max(0, x) elementwise, keeping which inputs were positive.
final class Rectifier {
    private var positive: [Bool] = []

    /// y = max(0, x), same shape.
    func forward(_ x: Tensor) -> Tensor {
        positive = x.data.map { $0 > 0 }
        var y = x
        for k in y.data.indices where !positive[k] { y.data[k] = 0 }
        return y
    }

    /// dx = dy where x > 0, else 0 (PyTorch's convention at x = 0).
    func backward(_ dy: Tensor) -> Tensor {
        precondition(dy.count == positive.count, "ReLU: gradient of \(dy.count) values, "
                     + "input of \(positive.count)")
        var dx = dy
        for k in dx.data.indices where !positive[k] { dx.data[k] = 0 }
        return dx
    }
}
