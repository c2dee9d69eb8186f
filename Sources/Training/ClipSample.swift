/// One clip as a cache shard stores it: one value per modality and its label.
public struct ClipSample: Sendable {
    /// The sample id.
    public var id: String
    /// The class index.
    public var label: Int
    /// One value per modality, in the source's modality order.
    public var values: [ModalityValue]

    /// Makes a clip.
    public init(id: String, label: Int, values: [ModalityValue]) {
        self.id = id
        self.label = label
        self.values = values
    }

    /// Makes an audio–visual clip: a spectrogram `[F, T]` and RGB frames `[slots, H, W, 3]` of
    /// which the first `frameCount` are real.
    public init(id: String, label: Int, audio: [Float], frames: [UInt8], frameCount: Int) {
        self.init(id: id, label: label,
                  values: [.spectrogram(audio), .frames(frames, count: frameCount)])
    }

    /// The first spectrogram (empty when there is none).
    public var audio: [Float] {
        for case .spectrogram(let values) in values { return values }
        return []
    }

    /// The first uint8 pictures (empty when there are none).
    public var frames: [UInt8] {
        for case .frames(let bytes, _) in values { return bytes }
        return []
    }

    /// The number of real frames of the first uint8 pictures (0 when there are none).
    public var frameCount: Int {
        for case .frames(_, let count) in values { return count }
        return 0
    }
}
