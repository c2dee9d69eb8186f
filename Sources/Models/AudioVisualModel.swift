import Tensor

/// Two ResNet-18 encoders (audio spectrograms, video frames) joined by concatenation fusion:
/// the model of the audio–visual datasets (METHOD.md §7).
public final class AudioVisualModel: MultimodalModel {
    /// The spectrogram encoder: modality 0, one input channel.
    public let audio: ResNet18
    /// The frame encoder: modality 1, three input channels.
    public let visual: ResNet18
    /// The fusion head over [audio features; visual features].
    public let fusion: ConcatFusion

    /// Makes the model; the encoders and the fusion head get seeds drawn from `seed`, in that
    /// order.
    public init(classCount: Int, width: Double, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        audio = ResNet18(name: "audio", inputChannels: 1, width: width, modality: 0,
                         seed: generator.next())
        visual = ResNet18(name: "visual", inputChannels: 3, width: width, modality: 1,
                          seed: generator.next())
        fusion = ConcatFusion(featureCounts: [audio.featureCount, visual.featureCount],
                              classCount: classCount, seed: generator.next())
        super.init(encoders: [ConvolutionalEncoder(audio), ConvolutionalEncoder(visual)],
                   head: fusion)
    }
}
