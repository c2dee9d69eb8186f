/// Frames of one sensor recording of a gesture: `count` frames of height×width×channels bytes.
public struct GestureFrames: Equatable {
    /// Frames kept.
    public let count: Int
    /// Frame height in pixels.
    public let height: Int
    /// Frame width in pixels.
    public let width: Int
    /// 3 (RGB) or 1 (gray).
    public let channels: Int
    /// Row-major bytes, frame after frame.
    public var pixels: [UInt8]
    /// The 0-based decode index of each kept frame in the video.
    public let sourceIndices: [Int]
    /// Why fewer frames than asked were available, or nil.
    public var note: String?

    /// Bytes of one frame.
    public var frameBytes: Int { height * width * channels }

    /// The bytes of frame `index`.
    public func frame(_ index: Int) -> ArraySlice<UInt8> {
        pixels[(index * frameBytes)..<((index + 1) * frameBytes)]
    }
}
