import CFFmpeg

/// Converts decoded frames to RGB24 at a fixed size with libswscale; owns its context.
///
/// Colour: the YUV→RGB matrix comes from the frame's `colorspace` (BT.709, FCC, SMPTE 240M,
/// BT.2020; BT.601 for BT.470BG/SMPTE 170M and for "unspecified", as libswscale and the ffmpeg
/// CLI assume) and the input range from `color_range` (full for JPEG range, for the deprecated
/// yuvj* formats and for grey images without a range tag; limited otherwise). Output is
/// full-range RGB. Alpha is dropped, not blended.
/// Geometry: `rotation` turns the frame upright first (as the ffmpeg CLI's autorotation), then
/// `stretch` scales to width×height, or `shorter-side-crop` scales by one factor so the frame
/// covers width×height (the other side rounded to nearest) and keeps the centre (offset
/// excess / 2 rounded half to even), as the CLI's `scale=…,crop=W:H` (its lrint).
/// SWS_ACCURATE_RND and SWS_FULL_CHR_H_INT are set (the CLI's
/// `flags=<scaler>+accurate_rnd+full_chroma_int`): without them libswscale's fast YUV→RGB path
/// is off by up to 2 levels (limited-range white 235 gives 253); only kept frames are converted,
/// so the cost does not matter.
final class FrameScaler {
    /// Output width in pixels.
    let width: Int
    /// Output height in pixels.
    let height: Int
    /// The libswscale filter flag (SWS_BILINEAR, SWS_BICUBIC or SWS_AREA).
    let filter: Int32
    /// Whether the frame is scaled to cover width×height and centre-cropped.
    let crops: Bool
    /// The transform applied before scaling (set per video).
    var rotation: FrameRotation = .none

    private var context: OpaquePointer?
    private var contextKey: [Int32] = []
    private var scratch: [UnsafeMutablePointer<UInt8>?] = [nil, nil, nil, nil]
    private var scratchStrides: [Int32] = [0, 0, 0, 0]
    private var scratchSize = (width: 0, height: 0)
    private let upright: UnsafeMutablePointer<AVFrame>

    /// Makes a scaler to `width`×`height` RGB24 with the named filter ("bilinear", "bicubic",
    /// "area") and resize mode ("stretch", "shorter-side-crop").
    init(width: Int, height: Int, scaler: String, resize: String = "stretch") throws {
        self.width = width
        self.height = height
        switch resize {
        case "stretch": crops = false
        case "shorter-side-crop": crops = true
        default:
            throw MediaError(path: "", code: "bad-config", reason: "unknown resize \(resize)")
        }
        switch scaler {
        case "bilinear": filter = SWS_BILINEAR
        case "bicubic": filter = SWS_BICUBIC
        case "area": filter = SWS_AREA
        default:
            throw MediaError(path: "", code: "bad-config", reason: "unknown scaler \(scaler)")
        }
        guard let upright = av_frame_alloc() else {
            throw MediaError(path: "", code: "out-of-memory", reason: "cannot allocate a frame")
        }
        self.upright = upright
    }

    deinit {
        sws_freeContext(context)
        av_freep(&scratch)
        var frame: UnsafeMutablePointer<AVFrame>? = upright
        av_frame_free(&frame)
    }

    /// The size the frame is scaled to before cropping: width×height for `stretch`, else the
    /// smallest one-factor scaling of `sourceWidth`×`sourceHeight` covering width×height.
    func scaledSize(sourceWidth: Int, sourceHeight: Int) -> (width: Int, height: Int) {
        guard crops, sourceWidth > 0, sourceHeight > 0 else { return (width, height) }
        let byWidth = Double(width) / Double(sourceWidth)
        let byHeight = Double(height) / Double(sourceHeight)
        if byWidth >= byHeight {
            let other = Int((Double(sourceHeight) * byWidth).rounded())
            return (width, max(height, other))
        }
        let other = Int((Double(sourceWidth) * byHeight).rounded())
        return (max(width, other), height)
    }

    /// Turns `frame` upright, scales it and writes width×height RGB into
    /// `pixels[offset ..< offset + height·width·3]` (sws_getCachedContext,
    /// sws_setColorspaceDetails, sws_scale).
    func convert(_ source: UnsafeMutablePointer<AVFrame>, path: String,
                 into pixels: inout [UInt8], at offset: Int) throws {
        var frame = source
        if rotation != .none {
            av_frame_unref(upright)
            try rotation.apply(source, into: upright, path: path)
            frame = upright
        }
        defer { av_frame_unref(upright) }
        let size = scaledSize(sourceWidth: Int(frame.pointee.width),
                              sourceHeight: Int(frame.pointee.height))
        try prepare(for: frame.pointee, size: size, path: path)

        let rows = withUnsafePointer(to: &frame.pointee.data) { data in
            data.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { source in
                withUnsafePointer(to: &frame.pointee.linesize) { strides in
                    strides.withMemoryRebound(to: Int32.self, capacity: 8) { sourceStrides in
                        sws_scale(context, source, sourceStrides, 0, frame.pointee.height,
                                  scratch, scratchStrides)
                    }
                }
            }
        }
        guard rows == Int32(size.height) else {
            throw MediaError(path: path, code: "decode-failed",
                             reason: "sws_scale wrote \(rows) of \(size.height) rows")
        }

        let rowBytes = width * 3
        let stride = Int(scratchStrides[0])
        let left = Self.centreOffset(excess: size.width - width) * 3
        let top = Self.centreOffset(excess: size.height - height)
        guard let base = scratch[0] else { return }
        pixels.withUnsafeMutableBufferPointer { out in
            guard let target = out.baseAddress else { return }
            for y in 0..<height {
                (target + offset + y * rowBytes).update(from: base + (top + y) * stride + left,
                                                        count: rowBytes)
            }
        }
    }

    /// The crop offset for `excess` surplus pixels: excess / 2 rounded half to even, as the
    /// `crop` filter's default x = (in_w − out_w) / 2 through lrint.
    static func centreOffset(excess: Int) -> Int {
        Int((Double(excess) / 2).rounded(.toNearestOrEven))
    }

    // MARK: - Internals

    /// Makes or reuses the context for this frame's size and format and the scaled `size`
    /// (with its output image, av_image_alloc), then sets its colour matrix and ranges when
    /// they change.
    private func prepare(for frame: AVFrame, size: (width: Int, height: Int),
                         path: String) throws {
        if size != scratchSize {
            av_freep(&scratch)
            let status = av_image_alloc(&scratch, &scratchStrides, Int32(size.width),
                                        Int32(size.height), AV_PIX_FMT_RGB24, 32)
            try AVError.check(status, path: path, code: "out-of-memory", call: "av_image_alloc")
            scratchSize = size
        }
        let (format, fullRange) = Self.sourceFormat(frame)
        let matrix = Self.matrix(frame.colorspace)
        context = sws_getCachedContext(context, frame.width, frame.height, format,
                                       Int32(size.width), Int32(size.height), AV_PIX_FMT_RGB24,
                                       filter | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT,
                                       nil, nil, nil)
        guard context != nil else {
            let name = av_get_pix_fmt_name(format).map { String(cString: $0) } ?? "unknown"
            throw MediaError(path: path, code: "decode-failed",
                             reason: "libswscale cannot convert \(name) "
                                + "\(frame.width)×\(frame.height) to RGB24")
        }

        let key = [frame.width, frame.height, format.rawValue, fullRange ? 1 : 0, matrix,
                   Int32(size.width), Int32(size.height)]
        guard key != contextKey else { return }
        contextKey = key
        guard Self.isYUV(format), let coefficients = sws_getCoefficients(matrix) else { return }
        sws_setColorspaceDetails(context, coefficients, fullRange ? 1 : 0,
                                 coefficients, 1, 0, 1 << 16, 1 << 16)
    }

    /// The frame's pixel format with yuvj* mapped to yuv* plus a full-range flag.
    static func sourceFormat(_ frame: AVFrame) -> (AVPixelFormat, Bool) {
        let format = AVPixelFormat(rawValue: frame.format)
        let tagged = frame.color_range == AVCOL_RANGE_JPEG
        switch format {
        case AV_PIX_FMT_YUVJ420P: return (AV_PIX_FMT_YUV420P, true)
        case AV_PIX_FMT_YUVJ422P: return (AV_PIX_FMT_YUV422P, true)
        case AV_PIX_FMT_YUVJ444P: return (AV_PIX_FMT_YUV444P, true)
        case AV_PIX_FMT_YUVJ440P: return (AV_PIX_FMT_YUV440P, true)
        case AV_PIX_FMT_YUVJ411P: return (AV_PIX_FMT_YUV411P, true)
        default:
            let grey = av_pix_fmt_desc_get(format).map { $0.pointee.nb_components <= 2 } ?? false
            let untagged = frame.color_range == AVCOL_RANGE_UNSPECIFIED
            return (format, tagged || (grey && untagged))
        }
    }

    /// The libswscale coefficient table for a colour space (SWS_CS_*).
    static func matrix(_ space: AVColorSpace) -> Int32 {
        switch space {
        case AVCOL_SPC_BT709: return SWS_CS_ITU709
        case AVCOL_SPC_FCC: return SWS_CS_FCC
        case AVCOL_SPC_SMPTE240M: return SWS_CS_SMPTE240M
        case AVCOL_SPC_BT2020_NCL, AVCOL_SPC_BT2020_CL: return SWS_CS_BT2020
        default: return SWS_CS_DEFAULT
        }
    }

    /// Whether a pixel format stores luma/chroma (not RGB, not palette).
    private static func isYUV(_ format: AVPixelFormat) -> Bool {
        guard let descriptor = av_pix_fmt_desc_get(format) else { return false }
        let flags = descriptor.pointee.flags
        return flags & UInt64(AV_PIX_FMT_FLAG_RGB) == 0 && flags & UInt64(AV_PIX_FMT_FLAG_PAL) == 0
    }
}
