import Tensor

/// One modality's inputs for a batch of clips, as the encoders take them.
public enum ModalityBatch {
    /// Spectrograms `[B, 1, F, T]`.
    case spectrogram(Tensor)
    /// Normalised pictures `[B·n, C, H, W]`, clip-major (picture b·n + t is frame t of clip b);
    /// `perClip` is n. Still images are clips of one frame.
    case frames(Tensor, perClip: Int)
    /// Token ids and attention mask, row-major `[B, L]` (mask non-zero for real tokens).
    case tokens(ids: [Int32], mask: [UInt8], length: Int)

    /// The number of clips.
    public var clipCount: Int {
        switch self {
        case .spectrogram(let x): return x.shape.first ?? 0
        case .frames(let x, let perClip): return (x.shape.first ?? 0) / max(1, perClip)
        case .tokens(let ids, _, let length): return length > 0 ? ids.count / length : 0
        }
    }

    /// A word for the kind of input, for error messages.
    public var kindName: String {
        switch self {
        case .spectrogram: return "spectrogram"
        case .frames: return "frames"
        case .tokens: return "tokens"
        }
    }
}
