import Tensor

/// A picture or spectrogram encoder: a convolutional backbone, with a clip's frames encoded as
/// separate pictures and their features averaged over time.
public final class ConvolutionalEncoder: ModalityEncoder {
    /// The backbone (ResNet-18 or ResNet-50).
    public let backbone: any ConvolutionalBackbone

    private var framesPerClip = 1

    /// Wraps `backbone`; its name and modality index are the encoder's.
    public init(_ backbone: any ConvolutionalBackbone) {
        self.backbone = backbone
    }

    /// The backbone's name prefix.
    public var name: String { backbone.name }
    /// The backbone's modality index.
    public var modality: Int { backbone.modality }
    /// The backbone's feature length.
    public var featureCount: Int { backbone.featureCount }
    /// The backbone's parameters.
    public var parameters: [Parameter] { backbone.parameters }
    /// The backbone's residual-stage filters.
    public var maskableGroups: [MaskableGroup] { backbone.maskableGroups }
    /// Every convolution weight (the 4-D parameters: stem, residual stages, shortcuts).
    public var modulatedWeights: [Parameter] { parameters.filter { $0.shape.count == 4 } }
    /// None: the backbone draws nothing at random.
    public var generators: [SeededGenerator] {
        get { [] }
        set {}
    }
    /// The backbone's BN running statistics.
    public var buffers: [String: [Float]] { backbone.buffers }

    /// Spectrograms `[B, 1, F, T]` → `[B, F]`; frames `[B·n, C, H, W]` → the mean over each
    /// clip's n frame features, `[B, F]`.
    public func forward(_ input: ModalityBatch, training: Bool) throws -> Tensor {
        switch input {
        case .spectrogram(let spectrograms):
            framesPerClip = 1
            return backbone.forward(spectrograms, training: training)
        case .frames(let frames, let perClip):
            guard perClip >= 1, (frames.shape.first ?? 0) % perClip == 0 else {
                throw ModelInputError(encoder: name, reason: "frames \(frames.shape) do not "
                                      + "split into clips of \(perClip)")
            }
            framesPerClip = perClip
            let features = backbone.forward(frames, training: training)
            return Self.averageOverTime(features, framesPerClip: perClip)
        case .tokens:
            throw ModelInputError(encoder: name, reason: "a convolutional encoder cannot "
                                  + "read tokens")
        }
    }

    /// Back-propagates d(features) `[B, F]` through the time average and the backbone.
    public func backward(_ gradFeatures: Tensor) {
        backbone.backward(framesPerClip == 1
            ? gradFeatures : Self.spreadOverTime(gradFeatures, framesPerClip: framesPerClip))
    }

    /// Sets the backbone's BN running statistics.
    public func loadBuffers(_ values: [String: [Float]]) throws {
        try backbone.loadBuffers(values)
    }

    /// [B·T, F] → [B, F]: out[b] = (1/T)·Σ_t x[b·T + t].
    public static func averageOverTime(_ x: Tensor, framesPerClip t: Int) -> Tensor {
        guard t > 1 else { return x }
        let width = x.shape[1], batch = x.shape[0] / t
        var out = Tensor(zeros: [batch, width])
        let scale = 1 / Float(t)
        for b in 0..<batch {
            for frame in 0..<t {
                let row = (b * t + frame) * width
                for k in 0..<width { out.data[b * width + k] += x.data[row + k] * scale }
            }
        }
        return out
    }

    /// The adjoint of `averageOverTime`: dx[b·T + t] = dy[b]/T.
    public static func spreadOverTime(_ dy: Tensor, framesPerClip t: Int) -> Tensor {
        guard t > 1 else { return dy }
        let width = dy.shape[1], batch = dy.shape[0]
        let scale = 1 / Float(t)
        var dx = Tensor(zeros: [batch * t, width])
        for b in 0..<batch {
            for frame in 0..<t {
                let row = (b * t + frame) * width
                for k in 0..<width { dx.data[row + k] = dy.data[b * width + k] * scale }
            }
        }
        return dx
    }
}
