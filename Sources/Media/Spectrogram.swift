/// A magnitude or log-magnitude spectrogram: `bins` frequency rows by `frames` time columns.
public struct Spectrogram: Equatable, Sendable {
    /// Frequency bins, `nFFT / 2 + 1`.
    public let bins: Int
    /// Time frames.
    public let frames: Int
    /// The values, row-major `[bins, frames]`: bin `k` of frame `t` is `values[k * frames + t]`.
    public var values: [Float]

    /// Makes a spectrogram; `values.count` must be `bins * frames`.
    public init(bins: Int, frames: Int, values: [Float]) {
        precondition(values.count == bins * frames, "spectrogram values must be bins * frames")
        self.bins = bins
        self.frames = frames
        self.values = values
    }

    /// The value of bin `bin` in frame `frame`.
    public subscript(bin: Int, frame: Int) -> Float {
        values[bin * frames + frame]
    }
}
