/// Which decoded frame stands for each output tick k (time k / fps) when sampling a video.
///
/// Times are presentation times measured from the video stream's start time; frame counts and
/// the container's nominal frame rate are never used.
public enum FrameRule: String, Codable, CaseIterable {
    /// The first frame whose time is at or after k / fps. At 1 FPS and an integer frame rate r
    /// this is frames 0, r, 2r, …: what the OGM-GE CREMA-D extractor keeps. A frame is picked
    /// at most once: a gap of several seconds yields one frame, not copies.
    case firstOfSecond = "first-of-second"
    /// What `ffmpeg -vf fps=…` outputs: for each tick k from round(t₀·fps), the last frame
    /// whose time rounds (half away from zero) to at most k, i.e. time < (k + ½) / fps,
    /// repeated over gaps; ticks stop before round(end·fps), end being the last frame's time
    /// plus its duration.
    case ffmpegFPS = "ffmpeg-fps"
    /// The OGM-GE extractor's own index rule, to reproduce the reference (`"rule":
    /// "reference-index"` in the frames config): decoded frame i is kept when
    /// i % int(rate / fps) == 0, rate being the stream's average frame rate. At 29.97 fps this
    /// keeps every 29th frame and drifts ahead of the clock (a 10.5 s clip gives frame 290 at
    /// 9.68 s for second 10); for variable-rate input it follows the count, not the time.
    case referenceIndex = "reference-index"
}
