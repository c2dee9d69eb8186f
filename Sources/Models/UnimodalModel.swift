import Tensor

/// The uni-modal baseline: one ResNet-18 encoder (audio spectrograms or video frames) and a
/// linear head over its features.
///
/// The head is a one-block `ConcatFusion` (parameters `fusion.weight`, `fusion.bias`), so its
/// logits are the model's only uni-modal logits. The encoder gets the seed the audio–visual model
/// of the same `seed` gives its encoder of that modality, so both start from the same weights.
public final class UnimodalModel: MultimodalModel {
    /// The one encoder.
    public let encoder: ResNet18
    /// The linear head `W·f + b`.
    public let fusion: ConcatFusion

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
        super.init(encoders: [ConvolutionalEncoder(encoder)], head: fusion)
    }
}
