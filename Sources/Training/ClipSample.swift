/// One clip as a cache shard stores it: a spectrogram, its frames and its label.
public struct ClipSample: Sendable {
    /// The sample id.
    public var id: String
    /// The class index.
    public var label: Int
    /// The log-magnitude spectrogram, row-major `[F, T]`.
    public var audio: [Float]
    /// RGB frames, row-major `[frameSlots, H, W, 3]`; only the first `frameCount` are real.
    public var frames: [UInt8]
    /// The number of real frames.
    public var frameCount: Int

    /// Makes a clip.
    public init(id: String, label: Int, audio: [Float], frames: [UInt8], frameCount: Int) {
        self.id = id
        self.label = label
        self.audio = audio
        self.frames = frames
        self.frameCount = frameCount
    }
}
