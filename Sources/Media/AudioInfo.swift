/// What an audio file's header says, read without decoding samples.
public struct AudioInfo: Equatable, Sendable {
    /// Sample frames per channel.
    public let frames: Int
    /// Samples per second per channel.
    public let sampleRate: Int
    /// Channel count.
    public let channels: Int
    /// Container and encoding, such as `WAV PCM_16` or `FLAC PCM_24`.
    public let format: String

    /// Duration in seconds (`frames / sampleRate`).
    public var seconds: Double { sampleRate > 0 ? Double(frames) / Double(sampleRate) : 0 }

    /// Makes an info value.
    public init(frames: Int, sampleRate: Int, channels: Int, format: String) {
        self.frames = frames
        self.sampleRate = sampleRate
        self.channels = channels
        self.format = format
    }
}
