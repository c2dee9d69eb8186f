import Tensor

/// A classifier of clips: one encoder per modality it sees and a fusion head over their
/// features.
///
/// The batch gives one input per modality of the data, in modality order; each encoder reads
/// the input at its modality index, so a model may see all of them (the multimodal methods)
/// or one (the uni-modal baseline). The trainer, the evaluation and checkpoints work through
/// this class whatever the encoders are.
public class MultimodalModel {
    /// What one forward pass gives.
    public struct Output {
        /// Fused logits `[B, K]`.
        public let logits: Tensor
        /// Uni-modal logits `[B, K]` per encoder, from the fusion head (METHOD.md §1).
        public let unimodal: [Tensor]
        /// Features `[B, F_m]` per encoder.
        public let features: [Tensor]
    }

    /// The encoders, in feature order.
    public let encoders: [any ModalityEncoder]
    /// The fusion head over the encoders' features.
    public let head: any FusionHead

    /// Joins `encoders` (feature order) with `head`, whose feature counts must be theirs.
    public init(encoders: [any ModalityEncoder], head: any FusionHead) {
        precondition(!encoders.isEmpty && head.featureCounts == encoders.map(\.featureCount),
                     "head features \(head.featureCounts) for encoders of "
                     + "\(encoders.map(\.featureCount))")
        self.encoders = encoders
        self.head = head
    }

    /// Encodes each encoder's input and fuses the features.
    ///
    /// - Throws: `ModelInputError` when an input is missing or of the wrong kind or size.
    public func forward(_ inputs: [ModalityBatch], training: Bool) throws -> Output {
        var features: [Tensor] = []
        var clips: Int?
        for encoder in encoders {
            guard inputs.indices.contains(encoder.modality) else {
                throw ModelInputError(encoder: encoder.name, reason: "the batch has "
                                      + "\(inputs.count) inputs, no modality "
                                      + "\(encoder.modality)")
            }
            let input = inputs[encoder.modality]
            if let clips, input.clipCount != clips {
                throw ModelInputError(encoder: encoder.name, reason: "\(input.clipCount) "
                                      + "clips, the other inputs have \(clips)")
            }
            clips = input.clipCount
            features.append(try encoder.forward(input, training: training))
        }

        let logits = head.forward(features)
        return Output(logits: logits, unimodal: head.unimodalLogits(features),
                      features: features)
    }

    /// audio `[B, 1, F, T]`; frames `[B·framesPerClip, 3, H, W]`, clip-major: the inputs of an
    /// audio–visual batch (modality 0 audio, 1 visual).
    public func forward(audio spectrograms: Tensor, frames: Tensor, framesPerClip: Int,
                        training: Bool) throws -> Output {
        try forward([.spectrogram(spectrograms), .frames(frames, perClip: framesPerClip)],
                    training: training)
    }

    /// Back-propagates d(logits) `[B, K]` through the head and every encoder, accumulating
    /// every parameter gradient.
    public func backward(gradLogits: Tensor) {
        let gradFeatures = head.backward(gradLogits)
        for (encoder, gradient) in zip(encoders, gradFeatures) { encoder.backward(gradient) }
    }

    /// The encoders' parameters in feature order, then the head's.
    public var parameters: [Parameter] {
        encoders.flatMap(\.parameters) + head.parameters
    }

    /// Every maskable group: the encoders', then the head's.
    public var maskableGroups: [MaskableGroup] { backboneGroups + fusionGroups }

    /// The modality index of each encoder, in feature order.
    public var modalities: [Int] { encoders.map(\.modality) }

    /// The maskable groups of the encoders (residual-stage filters, attention heads).
    public var backboneGroups: [MaskableGroup] { encoders.flatMap(\.maskableGroups) }

    /// The maskable groups of the head.
    public var fusionGroups: [MaskableGroup] { head.maskableGroups }

    /// Per encoder, the weights gradient modulation acts on.
    public var convolutionWeights: [[Parameter]] { encoders.map(\.modulatedWeights) }
}
