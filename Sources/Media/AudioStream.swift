/// A decoded audio signal read front to back as mono Float32 frames, whatever the file: a
/// libsndfile handle (`AudioSoundFile`) or the audio track of a container (`AudioTrack`).
///
/// Readers pull as many frames as they need and stop, so a long file is decoded only as far as
/// the clip needs. Not thread-safe: one stream belongs to one reader.
protocol AudioStream: AnyObject {
    /// The file being read, for messages.
    var path: String { get }
    /// Samples per second per channel.
    var sampleRate: Int { get }
    /// Channels averaged into each mono frame.
    var channels: Int { get }
    /// Frames per channel the header declares, when the format declares them; nil for a
    /// container track, whose length is known only once it is decoded.
    var declaredFrames: Int? { get }
    /// Container and encoding, such as `WAV PCM_16` or `MP4 aac`.
    var formatName: String { get }
    /// Problems met so far that did not stop decoding.
    var warnings: [AudioWarning] { get }
    /// Whether every decoded sample is finite by construction (integer PCM scaled to floats),
    /// so that readers need not look for NaN and infinity.
    var samplesAlwaysFinite: Bool { get }

    /// Decodes up to `capacity` frames into `buffer`, each the mean of its channels (their sum
    /// in channel order divided by the count, as numpy's float32 mean); returns the number of
    /// frames written, 0 at the end of the signal.
    func readMono(into buffer: UnsafeMutablePointer<Float>, capacity: Int) throws -> Int

    /// Called once the signal was read to its end with `framesRead` frames: records a
    /// `truncated` warning when fewer frames were decodable than the file declares.
    func noteEnd(framesRead: Int)
}

extension AudioStream {
    /// Not known to be finite unless the stream says so.
    var samplesAlwaysFinite: Bool { false }
}
