import Tensor

/// The uni-modal baseline: one ResNet-18 encoder (audio spectrograms or video frames) and a
/// linear head over its features.
///
/// The head is a one-block `ConcatFusion` (parameters `fusion.weight`, `fusion.bias`), so its
/// logits are the model's only uni-modal logits. The encoder gets the seed the audio–visual model
/// of the same `seed` gives its encoder of that modality, so both start from the same weights.
public final class UnimodalModel {
    /// The one encoder.
    public let encoder: ResNet18
    /// The linear head `W·f + b`.
    public let fusion: ConcatFusion

    private var framesPerClip = 1

    /// Makes the model for modality 0 (audio, one input channel) or 1 (visual, three).
    public init(modality: Int, classCount: Int, width: Double, seed: UInt64) {
        precondition(modality == 0 || modality == 1, "modality must be 0 or 1, got \(modality)")
        var generator = SeededGenerator(seed: seed)
        let audioSeed = generator.next(), visualSeed = generator.next()
        let headSeed = generator.next()
        encoder = modality == 0
            ? ResNet18(name: "audio", inputChannels: 1, width: width, modality: 0,
                       seed: audioSeed)
            : ResNet18(name: "visual", inputChannels: 3, width: width, modality: 1,
                       seed: visualSeed)
        fusion = ConcatFusion(featureCounts: [encoder.featureCount], classCount: classCount,
                              seed: headSeed)
    }
}

extension UnimodalModel: ClipClassifier {
    /// The one encoder.
    public var encoders: [ResNet18] { [encoder] }
    /// The linear head.
    public var head: ConcatFusion { fusion }
    /// The encoder's parameters, then the head's.
    public var parameters: [Parameter] { encoder.parameters + fusion.parameters }

    /// Encodes the modality's input only; the logits are also its uni-modal logits.
    public func forward(audio spectrograms: Tensor, frames: Tensor, framesPerClip: Int,
                        training: Bool) -> AudioVisualModel.Output {
        let features: Tensor
        if encoder.modality == 0 {
            features = encoder.forward(spectrograms, training: training)
        } else {
            let batch = spectrograms.shape.first ?? 0
            precondition(framesPerClip >= 1 && frames.shape.first == batch * framesPerClip,
                         "frames \(frames.shape) for \(batch) clips of \(framesPerClip) frames")
            self.framesPerClip = framesPerClip
            features = AudioVisualModel.averageOverTime(encoder.forward(frames,
                                                                        training: training),
                                                        framesPerClip: framesPerClip)
        }
        let logits = fusion.forward([features])
        return AudioVisualModel.Output(logits: logits, unimodal: [logits], features: [features])
    }

    /// Back-propagates through the head and the encoder.
    public func backward(gradLogits: Tensor) {
        let gradFeatures = fusion.backward(gradLogits)[0]
        if encoder.modality == 0 {
            encoder.backward(gradFeatures)
        } else {
            encoder.backward(AudioVisualModel.spreadOverTime(gradFeatures,
                                                             framesPerClip: framesPerClip))
        }
    }
}
