import CFFmpeg

// LIMITATION: EXIF orientation is read from JPEG files only; the rarer eXIf chunk of PNG and
// EXIF chunk of WebP are ignored.

/// Reads single pictures (JPEG, PNG, GIF first frame, WebP) as upright RGB at a fixed size.
///
/// The picture is decoded by libavcodec, turned upright by its EXIF orientation (JPEG) when
/// `exifOrientation` is on, then converted and scaled by libswscale exactly as video frames are
/// (`FrameScaler`: BT.601 unless tagged, full-range RGB out, alpha dropped). The decoded planes
/// are turned before scaling; a side-swapping orientation (5–8) of a JPEG whose chroma is
/// subsampled unequally (4:2:2, 4:1:1) is turned after a conversion to RGB at the coded size
/// instead (one extra rounding to 8 bits). Each instance owns its decoders and scaler; give
/// every thread its own.
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
            let rotation = config.exifOrientation ? decoder.orientation.rotation : .none
            scaler.rotation = rotation
            if rotation.swapsSides && !Self.hasSquareChroma(frame) {
                try convertThroughRGB(frame, path: path, into: &pixels)
            } else {
                try scaler.convert(frame, path: path, into: &pixels, at: 0)
            }
        }
        return pixels
    }

    /// Whether the frame's chroma planes are subsampled equally in both directions
    /// (av_pix_fmt_desc_get), as a plane-by-plane transpose needs.
    private static func hasSquareChroma(_ frame: UnsafeMutablePointer<AVFrame>) -> Bool {
        guard let descriptor = av_pix_fmt_desc_get(AVPixelFormat(rawValue: frame.pointee.format))
        else { return false }
        return descriptor.pointee.log2_chroma_w == descriptor.pointee.log2_chroma_h
    }

    /// Converts `frame` to RGB24 at its coded size, then turns and scales that
    /// (av_frame_alloc, av_frame_get_buffer, av_frame_free).
    private func convertThroughRGB(_ frame: UnsafeMutablePointer<AVFrame>, path: String,
                                   into pixels: inout [UInt8]) throws {
        let width = Int(frame.pointee.width), height = Int(frame.pointee.height)
        let toRGB = try FrameScaler(width: width, height: height, scaler: config.scaler)
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        try toRGB.convert(frame, path: path, into: &rgb, at: 0)

        var staged = av_frame_alloc()
        defer { av_frame_free(&staged) }
        guard let target = staged else {
            throw MediaError(path: path, code: "out-of-memory", reason: "cannot allocate a frame")
        }
        target.pointee.format = AV_PIX_FMT_RGB24.rawValue
        target.pointee.width = Int32(width)
        target.pointee.height = Int32(height)
        target.pointee.color_range = AVCOL_RANGE_JPEG
        try AVError.check(av_frame_get_buffer(target, 0), path: path, code: "out-of-memory",
                          call: "av_frame_get_buffer")
        guard let plane = target.pointee.data.0 else { return }
        let stride = Int(target.pointee.linesize.0)
        rgb.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            for row in 0..<height {
                (plane + row * stride).update(from: base + row * width * 3, count: width * 3)
            }
        }
        try scaler.convert(target, path: path, into: &pixels, at: 0)
    }

    /// The EXIF orientation of the last picture read (`.upright` when it had none).
    public var lastOrientation: ExifOrientation { decoder.orientation }

    /// Whether the last picture was a JPEG cut off before its end-of-image marker (decoded
    /// anyway, with the missing rows filled in by the decoder).
    public var lastWasTruncated: Bool { decoder.truncated }
}
