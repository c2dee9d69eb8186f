import CFFmpeg

// LIMITATION: an EXIF orientation that swaps the sides (5–8) on a JPEG with unequal horizontal
// and vertical chroma subsampling (4:2:2, 4:1:1) fails with `unsupported-codec` — the planes are
// turned before scaling, which needs square chroma; such files are rare among phone and web
// pictures (4:2:0 or 4:4:4).
// LIMITATION: EXIF orientation is read from JPEG files only; the rarer eXIf chunk of PNG and
// EXIF chunk of WebP are ignored.

/// Reads single pictures (JPEG, PNG, GIF first frame, WebP) as upright RGB at a fixed size.
///
/// The picture is decoded by libavcodec, turned upright by its EXIF orientation (JPEG) when
/// `exifOrientation` is on, then converted and scaled by libswscale exactly as video frames are
/// (`FrameScaler`: BT.601 unless tagged, full-range RGB out, alpha dropped). Each instance owns
/// its decoders and scaler; give every thread its own.
public final class ImageReader {
    /// The configuration.
    public let config: ImageConfig
    private let decoder: ImageDecoder
    private let scaler: FrameScaler

    /// Makes a reader; throws `bad-config` for an unusable configuration.
    public init(config: ImageConfig) throws {
        if let problem = config.problem {
            throw MediaError(path: "", code: "bad-config", reason: problem)
        }
        self.config = config
        decoder = try ImageDecoder()
        scaler = try FrameScaler(width: config.width, height: config.height,
                                 scaler: config.scaler, resize: config.resize)
    }

    /// The picture at `path` as `height·width·3` bytes of row-major RGB.
    ///
    /// Throws the `ImageDecoder` codes (`missing`, `unreadable`, `empty-media`, `lfs-pointer`,
    /// `not-image`, `decode-failed`) and `unsupported-codec`.
    public func pixels(ofFile path: String) throws -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: config.width * config.height * 3)
        try decoder.decode(path: path) { frame in
            scaler.rotation = config.exifOrientation ? decoder.orientation.rotation : .none
            try scaler.convert(frame, path: path, into: &pixels, at: 0)
        }
        return pixels
    }

    /// The EXIF orientation of the last picture read (`.upright` when it had none).
    public var lastOrientation: ExifOrientation { decoder.orientation }
}
