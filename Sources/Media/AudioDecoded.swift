/// A decoded audio signal: mono Float32 samples with what is known about their source.
public struct AudioDecoded: Equatable, Sendable {
    /// Mono samples, each the mean of its frame's channels.
    public let samples: [Float]
    /// Samples per second.
    public let sampleRate: Int
    /// Channels averaged into each sample.
    public let channels: Int
    /// Container and encoding, such as `WAV PCM_16`, `FLAC PCM_24` or `mov aac`.
    public let format: String
    /// Whether the signal was read to its end (false when a frame limit stopped reading).
    public let complete: Bool
    /// Problems that did not stop decoding, such as a truncated data chunk.
    public let warnings: [AudioWarning]

    /// Makes a decoded signal.
    public init(samples: [Float], sampleRate: Int, channels: Int, format: String,
                complete: Bool, warnings: [AudioWarning]) {
        self.samples = samples
        self.sampleRate = sampleRate
        self.channels = channels
        self.format = format
        self.complete = complete
        self.warnings = warnings
    }
}
