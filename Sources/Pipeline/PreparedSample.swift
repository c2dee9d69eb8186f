import Cache
import Media
import Text

/// One sample's cached features: one value per input the configuration declares (nil for the
/// others).
struct PreparedSample {
    let id: String
    let label: Int
    /// The log-magnitude spectrogram, row-major [bins, frames].
    var audio: Spectrogram?
    /// The picked frames.
    var frames: FrameClip?
    /// The picture, height·width·3 bytes of row-major RGB.
    var image: [UInt8]?
    /// The token ids and attention mask, both of the configured length.
    var text: EncodedText?
    /// Problems the stages worked around (the record's code is the warning's).
    var warnings: [RejectedSample] = []

    init(id: String, label: Int) {
        self.id = id
        self.label = label
    }
}
