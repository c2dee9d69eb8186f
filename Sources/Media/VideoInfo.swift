/// What a video file's container says about its video stream.
public struct VideoInfo: Equatable {
    /// Duration in seconds (the container's, else the stream's; 0 when neither is known).
    public let duration: Double
    /// Average frame rate in frames per second (0 when unknown).
    public let frameRate: Double
    /// Coded width in pixels.
    public let width: Int
    /// Coded height in pixels.
    public let height: Int

    /// Makes the description of one video stream.
    public init(duration: Double, frameRate: Double, width: Int, height: Int) {
        self.duration = duration
        self.frameRate = frameRate
        self.width = width
        self.height = height
    }
}
