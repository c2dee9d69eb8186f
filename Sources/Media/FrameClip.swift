/// The frames sampled from one clip: RGB pixels plus where each frame came from.
public struct FrameClip {
    /// Number of frames.
    public let count: Int
    /// Frame height in pixels.
    public let height: Int
    /// Frame width in pixels.
    public let width: Int
    /// RGB bytes, shape [count, height, width, 3], row-major.
    public var pixels: [UInt8]
    /// For each frame, the 0-based index of the decoded source frame it shows (for a frame
    /// folder, the file's position in numeric order). Under `ffmpeg-fps` an index repeats when
    /// the source has a gap of more than a second, as FFmpeg's filter repeats the frame.
    public let sourceIndices: [Int]
    /// For each frame, its presentation time in seconds from the stream start (for a frame
    /// folder, position / fps).
    public let sourceTimes: [Double]
    /// A note on damage the decoder skipped over ("3 damaged packets skipped, last: …"), nil for
    /// a clean file; the frames are kept by time all the same, as the ffmpeg CLI keeps going.
    public var damage: String?

    /// Makes a clip; `pixels` must hold count·height·width·3 bytes.
    public init(count: Int, height: Int, width: Int, pixels: [UInt8],
                sourceIndices: [Int], sourceTimes: [Double]) {
        self.count = count
        self.height = height
        self.width = width
        self.pixels = pixels
        self.sourceIndices = sourceIndices
        self.sourceTimes = sourceTimes
    }

    /// Bytes of one frame (height·width·3).
    public var frameBytes: Int { height * width * 3 }

    /// The RGB bytes of frame `index`.
    public func frame(_ index: Int) -> ArraySlice<UInt8> {
        pixels[(index * frameBytes)..<((index + 1) * frameBytes)]
    }
}
