import Tensor

/// Inverted dropout: in training each value is zeroed with probability p and the others are
/// scaled by 1/(1 − p); at evaluation it is the identity.
///
/// The keep/drop draws come from the layer's own `SeededGenerator`, so the same seed gives
/// the same masks call after call.
// LIMITATION: the masks are not PyTorch's (its Philox/MT streams are not reproduced) — a seeded
// run is reproducible here, not bit-identical to a PyTorch run with the same seed.
public final class Dropout {
    /// The probability of zeroing a value, in [0, 1).
    public let probability: Float

    private var generator: SeededGenerator
    private var scales: [Float]?

    /// The generator of the keep/drop draws (saved in checkpoints so that a resumed run draws
    /// the masks an uninterrupted one draws).
    public var generatorState: SeededGenerator {
        get { generator }
        set { generator = newValue }
    }

    /// Makes a layer that zeroes values with `probability`, its draws seeded by `seed`.
    public init(probability: Float, seed: UInt64) {
        precondition(probability >= 0 && probability < 1,
                     "dropout probability \(probability) is not in [0, 1)")
        self.probability = probability
        generator = SeededGenerator(seed: seed)
    }

    /// x → x ⊙ m/(1 − p) with m ~ Bernoulli(1 − p) when `training` (and p > 0), else x.
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        guard training, probability > 0 else {
            scales = nil
            return x
        }

        let keep = 1 / (1 - probability)
        let mask = (0..<x.count).map { _ in
            generator.nextFloat() < probability ? Float(0) : keep
        }
        scales = mask
        var y = x
        for k in y.data.indices { y.data[k] *= mask[k] }
        return y
    }

    /// dx = dy ⊙ m/(1 − p) with the mask of the last forward (dy itself after an evaluation
    /// forward).
    public func backward(_ dy: Tensor) -> Tensor {
        guard let mask = scales else { return dy }
        precondition(mask.count == dy.count, "dropout: gradient of \(dy.count) values, "
                     + "mask of \(mask.count)")
        var dx = dy
        for k in dx.data.indices { dx.data[k] *= mask[k] }
        return dx
    }

    /// The scale factors (0 or 1/(1 − p)) of the last training forward, nil after an
    /// evaluation forward.
    public var lastMask: [Float]? { scales }
}
