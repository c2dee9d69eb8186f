import Tensor

/// Two ResNet-18 encoders (audio spectrograms, video frames) joined by concatenation fusion.
///
/// A clip's frames are encoded as separate images and their features averaged over time.
public final class AudioVisualModel {
    /// The spectrogram encoder: modality 0, one input channel.
    public let audio: ResNet18
    /// The frame encoder: modality 1, three input channels.
    public let visual: ResNet18
    /// The fusion head over [audio features; visual features].
    public let fusion: ConcatFusion

    private var framesPerClip = 1

    /// What one forward pass gives.
    public struct Output {
        /// Fused logits [B, K].
        public let logits: Tensor
        /// Uni-modal logits [B, K] per modality (audio, visual), from the fusion weight.
        public let unimodal: [Tensor]
        /// Features per modality: audio [B, Fa], visual [B, Fv] averaged over each clip's frames.
        public let features: [Tensor]
    }

    /// Makes the model; the encoders and the fusion head get seeds drawn from `seed`.
    public init(classCount: Int, width: Double, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        audio = ResNet18(name: "audio", inputChannels: 1, width: width, modality: 0,
                         seed: generator.next())
        visual = ResNet18(name: "visual", inputChannels: 3, width: width, modality: 1,
                          seed: generator.next())
        fusion = ConcatFusion(featureCounts: [audio.featureCount, visual.featureCount],
                              classCount: classCount, seed: generator.next())
    }

    /// audio [B, 1, F, T]; frames [B·framesPerClip, 3, H, W], clip-major (image b·T + t).
    public func forward(audio spectrograms: Tensor, frames: Tensor, framesPerClip: Int,
                        training: Bool) -> Output {
        let batch = spectrograms.shape.first ?? 0
        precondition(framesPerClip >= 1 && frames.shape.first == batch * framesPerClip,
                     "frames \(frames.shape) for \(batch) clips of \(framesPerClip) frames")
        self.framesPerClip = framesPerClip

        let audioFeatures = audio.forward(spectrograms, training: training)
        let frameFeatures = visual.forward(frames, training: training)
        let visualFeatures = Self.averageOverTime(frameFeatures, framesPerClip: framesPerClip)

        let features = [audioFeatures, visualFeatures]
        let logits = fusion.forward(features)
        return Output(logits: logits, unimodal: fusion.unimodalLogits(features),
                      features: features)
    }

    /// Back-propagates d(logits) [B, K] through the fusion head and both encoders,
    /// accumulating every parameter gradient.
    public func backward(gradLogits: Tensor) {
        let gradFeatures = fusion.backward(gradLogits)

        audio.backward(gradFeatures[0])
        visual.backward(Self.spreadOverTime(gradFeatures[1], framesPerClip: framesPerClip))
    }

    /// Audio, visual, then fusion parameters.
    public var parameters: [Parameter] {
        audio.parameters + visual.parameters + fusion.parameters
    }

    /// Both encoders' residual-stage convolutions, then the fusion column blocks.
    public var maskableGroups: [MaskableGroup] {
        audio.maskableGroups + visual.maskableGroups + fusion.maskableGroups
    }

    /// [B·T, F] → [B, F]: out[b] = (1/T)·Σ_t x[b·T + t].
    static func averageOverTime(_ x: Tensor, framesPerClip t: Int) -> Tensor {
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
    static func spreadOverTime(_ dy: Tensor, framesPerClip t: Int) -> Tensor {
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
