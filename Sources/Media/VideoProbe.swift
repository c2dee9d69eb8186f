/// Reads what a video file's container says without decoding frames.
public enum VideoProbe {
    /// Opens `path` and describes its video stream (avformat_open_input +
    /// avformat_find_stream_info).
    ///
    /// Throws `MediaError` with code `missing`, `unreadable`, `lfs-pointer` (the file's text
    /// starts "version https://git-lfs"), `not-video` (no video stream, or not a container),
    /// `empty-media` (0 bytes) or `unsupported-codec`.
    public static func probe(path: String) throws -> VideoInfo {
        try VideoInput(path: path).info
    }
}
