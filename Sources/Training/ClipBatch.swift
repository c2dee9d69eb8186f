import Tensor

/// A collated batch, ready for `AudioVisualModel.forward`.
public struct ClipBatch {
    /// Spectrograms `[B, 1, F, T]`.
    public var audio: Tensor
    /// Normalised frames `[B·framesPerClip, 3, H, W]`, clip-major.
    public var frames: Tensor
    /// Class indices, one per clip.
    public var labels: [Int]
    /// Sample ids, one per clip.
    public var ids: [String]

    /// Makes a batch.
    public init(audio: Tensor, frames: Tensor, labels: [Int], ids: [String]) {
        self.audio = audio
        self.frames = frames
        self.labels = labels
        self.ids = ids
    }

    /// The number of clips.
    public var count: Int { labels.count }
}
