import Tensor

/// A classifier of clips built from our layers: one ResNet-18 encoder per modality it sees and
/// a linear head over their concatenated features.
///
/// The trainer, the evaluation and checkpoints work through this protocol, so the audio–visual
/// model and the single-encoder baseline share them.
public protocol ClipClassifier: AnyObject {
    /// The encoders, in feature order; each knows its modality index (0 audio, 1 visual).
    var encoders: [ResNet18] { get }
    /// The linear head over `[f_1; …; f_M]` (concat fusion; one block for a single encoder).
    var head: ConcatFusion { get }
    /// Every trainable parameter, encoders first, then the head.
    var parameters: [Parameter] { get }

    /// audio [B, 1, F, T]; frames [B·framesPerClip, 3, H, W], clip-major. An encoder that is
    /// absent ignores its input.
    func forward(audio spectrograms: Tensor, frames: Tensor, framesPerClip: Int,
                 training: Bool) -> AudioVisualModel.Output

    /// Back-propagates d(logits) [B, K], accumulating every parameter gradient.
    func backward(gradLogits: Tensor)
}

extension ClipClassifier {
    /// The modality index of each encoder, in feature order.
    public var modalities: [Int] { encoders.map(\.modality) }

    /// The maskable groups of the encoders (residual-stage convolution filters).
    public var backboneGroups: [MaskableGroup] { encoders.flatMap(\.maskableGroups) }

    /// The maskable groups of the head (one column block per modality).
    public var fusionGroups: [MaskableGroup] { head.maskableGroups }

    /// Per encoder, every convolution weight (the 4-D parameters: stem, residual stages and
    /// downsample shortcuts), the tensors gradient modulation acts on.
    public var convolutionWeights: [[Parameter]] {
        encoders.map { encoder in encoder.parameters.filter { $0.shape.count == 4 } }
    }
}

extension AudioVisualModel: ClipClassifier {
    /// The audio encoder, then the visual encoder.
    public var encoders: [ResNet18] { [audio, visual] }
    /// The concat fusion layer.
    public var head: ConcatFusion { fusion }
}
