import Models
import Tensor

/// A collated batch, ready for `MultimodalModel.forward`: one input per modality.
public struct ClipBatch {
    /// One input per modality of the source, in its modality order.
    public var inputs: [ModalityBatch]
    /// Class indices, one per clip.
    public var labels: [Int]
    /// Sample ids, one per clip.
    public var ids: [String]

    /// Makes a batch.
    public init(inputs: [ModalityBatch], labels: [Int], ids: [String]) {
        self.inputs = inputs
        self.labels = labels
        self.ids = ids
    }

    /// Makes an audio–visual batch: spectrograms `[B, 1, F, T]` and frames `[B·n, 3, H, W]`.
    public init(audio: Tensor, frames: Tensor, framesPerClip: Int = 1, labels: [Int],
                ids: [String]) {
        self.init(inputs: [.spectrogram(audio), .frames(frames, perClip: framesPerClip)],
                  labels: labels, ids: ids)
    }

    /// The first spectrogram input (an empty tensor when there is none).
    public var audio: Tensor {
        for case .spectrogram(let x) in inputs { return x }
        return Tensor(zeros: [0])
    }

    /// The first picture input (an empty tensor when there is none).
    public var frames: Tensor {
        for case .frames(let x, _) in inputs { return x }
        return Tensor(zeros: [0])
    }

    /// The number of clips.
    public var count: Int { labels.count }
}
