import CFFmpeg

/// A YUV frame for an encoder, filled from RGB24 pixels with libswscale; owns the frame and
/// the conversion context.
final class AVEncoderFrame {
    /// The frame handed to avcodec_send_frame.
    let frame: UnsafeMutablePointer<AVFrame>
    /// Pixel width.
    let width: Int
    /// Pixel height.
    let height: Int

    private let context: OpaquePointer

    /// Allocates a `format` frame (av_frame_get_buffer) and an RGB24 → `format` converter
    /// (sws_getContext) with BT.601 coefficients and full (`fullRange`) or limited output range
    /// (sws_setColorspaceDetails). `conversionFormat` is the layout libswscale writes, for
    /// formats such as yuvj420p that it only knows as yuv420p plus a range flag.
    init(width: Int, height: Int, format: AVPixelFormat, conversionFormat: AVPixelFormat,
         fullRange: Bool, path: String) throws {
        guard let frame = av_frame_alloc() else {
            throw MediaError(path: path, code: "out-of-memory", reason: "cannot allocate a frame")
        }
        frame.pointee.format = format.rawValue
        frame.pointee.width = Int32(width)
        frame.pointee.height = Int32(height)
        frame.pointee.color_range = fullRange ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG
        frame.pointee.colorspace = AVCOL_SPC_SMPTE170M
        let allocated = av_frame_get_buffer(frame, 0)
        guard allocated >= 0,
              let context = sws_getContext(Int32(width), Int32(height), AV_PIX_FMT_RGB24,
                                           Int32(width), Int32(height), conversionFormat,
                                           SWS_BILINEAR, nil, nil, nil) else {
            var owned: UnsafeMutablePointer<AVFrame>? = frame
            av_frame_free(&owned)
            throw MediaError(path: path, code: "encode-failed",
                             reason: "cannot set up an RGB24 → YUV conversion")
        }
        if let table = sws_getCoefficients(SWS_CS_ITU601) {
            sws_setColorspaceDetails(context, table, 1, table, fullRange ? 1 : 0,
                                     0, 1 << 16, 1 << 16)
        }
        self.frame = frame
        self.context = context
        self.width = width
        self.height = height
    }

    deinit {
        sws_freeContext(context)
        var owned: UnsafeMutablePointer<AVFrame>? = frame
        av_frame_free(&owned)
    }

    /// Converts `rgb` (height·width·3 bytes) into the frame (av_frame_make_writable,
    /// sws_scale).
    func fill(rgb: [UInt8], path: String) throws {
        guard rgb.count == width * height * 3 else {
            throw MediaError(path: path, code: "bad-input",
                             reason: "expected \(width * height * 3) RGB bytes for "
                                + "\(width)×\(height), found \(rgb.count)")
        }
        try AVError.check(av_frame_make_writable(frame), path: path, code: "out-of-memory",
                          call: "av_frame_make_writable")
        var stride = Int32(width * 3)
        rgb.withUnsafeBufferPointer { source in
            var planes: [UnsafePointer<UInt8>?] = [source.baseAddress]
            withUnsafeMutablePointer(to: &frame.pointee.data) { data in
                data.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) {
                    target in
                    withUnsafePointer(to: &frame.pointee.linesize) { strides in
                        strides.withMemoryRebound(to: Int32.self, capacity: 8) { targetStrides in
                            _ = sws_scale(context, &planes, &stride, 0, Int32(height),
                                          target, targetStrides)
                        }
                    }
                }
            }
        }
    }
}
