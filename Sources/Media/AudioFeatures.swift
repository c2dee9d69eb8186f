/// The audio stage's result for one file: the spectrogram, and what the pipeline should
/// record next to it.
public struct AudioFeatures: Equatable, Sendable {
    /// The stored spectrogram, `[rows, frames]`.
    public let spectrogram: Spectrogram
    /// Problems that did not stop decoding (a truncated data chunk, damaged packets).
    public let warnings: [AudioWarning]
    /// Source frames decoded: a long file is decoded only as far as the clip needs.
    public let framesRead: Int
    /// Whether the source was decoded to its end.
    public let readToEnd: Bool

    /// Makes a result.
    public init(spectrogram: Spectrogram, warnings: [AudioWarning], framesRead: Int,
                readToEnd: Bool) {
        self.spectrogram = spectrogram
        self.warnings = warnings
        self.framesRead = framesRead
        self.readToEnd = readToEnd
    }
}
