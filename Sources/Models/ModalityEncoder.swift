import Tensor

/// An encoder of one modality: its batch input → features `[B, F]`.
///
/// The multimodal model runs one encoder per modality it sees and joins their features in a
/// fusion head. Every encoder names its parameters with its own prefix (e.g. `audio.`), so
/// checkpoints hold them by name, and declares its maskable units for AMSS.
public protocol ModalityEncoder: AnyObject {
    /// The parameter-name prefix, also the modality's name (`audio`, `visual`, `text`, …).
    var name: String { get }
    /// The modality index: which of the batch's inputs this encoder reads.
    var modality: Int { get }
    /// Length of the feature vector.
    var featureCount: Int { get }
    /// Every trainable parameter.
    var parameters: [Parameter] { get }
    /// The maskable unit groups (residual-stage filters, attention heads).
    var maskableGroups: [MaskableGroup] { get }
    /// The weights gradient modulation (OGM, OGM-GE) scales and perturbs.
    var modulatedWeights: [Parameter] { get }
    /// The generators of the encoder's random draws (dropout), for checkpoints.
    var generators: [SeededGenerator] { get set }
    /// Running statistics by name (BN `running_mean`/`running_var`), for checkpoints.
    var buffers: [String: [Float]] { get }

    /// Encodes the batch input; keeps what `backward` needs.
    func forward(_ input: ModalityBatch, training: Bool) throws -> Tensor
    /// Accumulates every parameter's gradient from d(features) `[B, F]`.
    func backward(_ gradFeatures: Tensor)
    /// Sets every running statistic from `values`, which must hold each of them with the
    /// right length; nothing is changed when one is missing or wrong.
    func loadBuffers(_ values: [String: [Float]]) throws
}
