import CFFmpeg
import Foundation

/// Writes RGB images as baseline JPEG files with libavcodec's mjpeg encoder.
public enum JPEGWriter {
    /// The mjpeg quantiser scale for a JPEG quality: 100 → 1 (finest), 1 → 31 (coarsest),
    /// linear in between and rounded: qscale = round(1 + 30·(100 − quality) / 99).
    public static func qscale(quality: Int) -> Int {
        let clamped = min(100, max(1, quality))
        return Int((1 + 30 * Double(100 - clamped) / 99).rounded())
    }

    /// Encodes RGB24 pixels as a baseline JPEG file (4:2:0, full-range BT.601 YCbCr as JFIF
    /// says) with libavcodec's mjpeg encoder, quality 1–100 mapped by `qscale(quality:)`
    /// (avcodec_open2, avcodec_send_frame, avcodec_receive_packet). Used by `amss demo` to
    /// write frame folders.
    public static func write(path: String, rgb: [UInt8], width: Int, height: Int,
                             quality: Int) throws {
        AVLog.silence()
        guard width > 0, height > 0, (1...100).contains(quality) else {
            throw MediaError(path: path, code: "bad-input",
                             reason: "need a positive size and quality 1–100, found "
                                + "\(width)×\(height), quality \(quality)")
        }
        let image = try AVEncoderFrame(width: width, height: height, format: AV_PIX_FMT_YUVJ420P,
                                       conversionFormat: AV_PIX_FMT_YUV420P, fullRange: true,
                                       path: path)
        try image.fill(rgb: rgb, path: path)

        guard let encoder = avcodec_find_encoder(AV_CODEC_ID_MJPEG) else {
            throw MediaError(path: path, code: "encode-failed", reason: "no mjpeg encoder")
        }
        var codec = avcodec_alloc_context3(encoder)
        defer { avcodec_free_context(&codec) }
        guard let codec else {
            throw MediaError(path: path, code: "out-of-memory", reason: "cannot allocate encoder")
        }
        let lambda = Int32(qscale(quality: quality)) * FF_QP2LAMBDA
        codec.pointee.width = Int32(width)
        codec.pointee.height = Int32(height)
        codec.pointee.pix_fmt = AV_PIX_FMT_YUVJ420P
        codec.pointee.color_range = AVCOL_RANGE_JPEG
        codec.pointee.time_base = AVRational(num: 1, den: 25)
        codec.pointee.flags |= AV_CODEC_FLAG_QSCALE
        codec.pointee.global_quality = lambda
        try AVError.check(avcodec_open2(codec, encoder, nil), path: path,
                          code: "encode-failed", call: "avcodec_open2")

        image.frame.pointee.quality = lambda
        image.frame.pointee.pts = 0
        try AVError.check(avcodec_send_frame(codec, image.frame), path: path,
                          code: "encode-failed", call: "avcodec_send_frame")
        try AVError.check(avcodec_send_frame(codec, nil), path: path,
                          code: "encode-failed", call: "avcodec_send_frame")
        var packet = av_packet_alloc()
        defer { av_packet_free(&packet) }
        guard let packet else {
            throw MediaError(path: path, code: "out-of-memory", reason: "cannot allocate packet")
        }
        try AVError.check(avcodec_receive_packet(codec, packet), path: path,
                          code: "encode-failed", call: "avcodec_receive_packet")
        defer { av_packet_unref(packet) }

        guard let data = packet.pointee.data else {
            throw MediaError(path: path, code: "encode-failed", reason: "empty JPEG packet")
        }
        do {
            try Data(bytes: data, count: Int(packet.pointee.size))
                .write(to: URL(fileURLWithPath: path))
        } catch {
            throw MediaError(path: path, code: "write-failed",
                             reason: "cannot write the JPEG: \(error.localizedDescription)")
        }
    }
}
