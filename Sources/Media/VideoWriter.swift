import CFFmpeg

/// Writes RGB frames as short video files with libavformat and libavcodec.
public enum VideoWriter {
    /// The FLV1 quantiser scale used: 2 of 1–31, fine enough that a round trip stays within a
    /// few grey levels.
    public static let qscale: Int32 = 2

    /// Encodes RGB24 frames as an FLV (codec flv1, limited-range BT.601 yuv420p) at `fps`,
    /// frame i at time i / fps, for `amss demo` and tests (avformat_alloc_output_context2,
    /// avcodec_open2, avformat_write_header, av_interleaved_write_frame, av_write_trailer).
    public static func writeFLV(path: String, frames: [[UInt8]], width: Int, height: Int,
                                fps: Int) throws {
        AVLog.silence()
        guard width > 0, height > 0, width % 2 == 0, height % 2 == 0, fps > 0,
              !frames.isEmpty else {
            throw MediaError(path: path, code: "bad-input",
                             reason: "need even positive sizes, fps > 0 and at least one frame, "
                                + "found \(width)×\(height) at \(fps) fps, \(frames.count) frames")
        }
        var output: UnsafeMutablePointer<AVFormatContext>?
        try AVError.check(avformat_alloc_output_context2(&output, nil, "flv", path),
                          path: path, code: "write-failed", call: "avformat_alloc_output_context2")
        defer { avformat_free_context(output) }
        guard let output else {
            throw MediaError(path: path, code: "write-failed", reason: "no FLV muxer")
        }
        let codec = try openEncoder(output: output, width: width, height: height, fps: fps,
                                    path: path)
        defer {
            var owned: UnsafeMutablePointer<AVCodecContext>? = codec.context
            avcodec_free_context(&owned)
        }

        try AVError.check(avio_open(&output.pointee.pb, path, AVIO_FLAG_WRITE), path: path,
                          code: "write-failed", call: "avio_open")
        defer { avio_closep(&output.pointee.pb) }
        try AVError.check(avformat_write_header(output, nil), path: path,
                          code: "write-failed", call: "avformat_write_header")

        let image = try AVEncoderFrame(width: width, height: height, format: AV_PIX_FMT_YUV420P,
                                       conversionFormat: AV_PIX_FMT_YUV420P, fullRange: false,
                                       path: path)
        for (i, rgb) in frames.enumerated() {
            try image.fill(rgb: rgb, path: path)
            image.frame.pointee.pts = Int64(i)
            image.frame.pointee.quality = codec.context.pointee.global_quality
            try send(image.frame, codec: codec, output: output, path: path)
        }
        try send(nil, codec: codec, output: output, path: path)
        try AVError.check(av_write_trailer(output), path: path, code: "write-failed",
                          call: "av_write_trailer")
    }

    // MARK: - Internals

    /// An open encoder and the stream it feeds.
    private struct Encoder {
        let context: UnsafeMutablePointer<AVCodecContext>
        let stream: UnsafeMutablePointer<AVStream>
    }

    /// Adds the video stream and opens the flv1 encoder for it (avformat_new_stream,
    /// avcodec_alloc_context3, avcodec_open2, avcodec_parameters_from_context).
    private static func openEncoder(output: UnsafeMutablePointer<AVFormatContext>, width: Int,
                                    height: Int, fps: Int, path: String) throws -> Encoder {
        guard let encoder = avcodec_find_encoder(AV_CODEC_ID_FLV1),
              let stream = avformat_new_stream(output, nil) else {
            throw MediaError(path: path, code: "encode-failed", reason: "no flv1 encoder")
        }
        guard let context = avcodec_alloc_context3(encoder) else {
            throw MediaError(path: path, code: "out-of-memory", reason: "cannot allocate encoder")
        }
        context.pointee.width = Int32(width)
        context.pointee.height = Int32(height)
        context.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        context.pointee.time_base = AVRational(num: 1, den: Int32(fps))
        context.pointee.framerate = AVRational(num: Int32(fps), den: 1)
        context.pointee.gop_size = Int32(fps)
        context.pointee.flags |= AV_CODEC_FLAG_QSCALE
        context.pointee.global_quality = qscale * FF_QP2LAMBDA
        if output.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0 {
            context.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER
        }
        do {
            try AVError.check(avcodec_open2(context, encoder, nil), path: path,
                              code: "encode-failed", call: "avcodec_open2")
            try AVError.check(avcodec_parameters_from_context(stream.pointee.codecpar, context),
                              path: path, code: "encode-failed",
                              call: "avcodec_parameters_from_context")
        } catch {
            var owned: UnsafeMutablePointer<AVCodecContext>? = context
            avcodec_free_context(&owned)
            throw error
        }
        stream.pointee.time_base = context.pointee.time_base
        return Encoder(context: context, stream: stream)
    }

    /// Sends one frame (nil = flush) and writes every packet that comes out
    /// (avcodec_send_frame, avcodec_receive_packet, av_interleaved_write_frame).
    private static func send(_ frame: UnsafeMutablePointer<AVFrame>?, codec: Encoder,
                             output: UnsafeMutablePointer<AVFormatContext>,
                             path: String) throws {
        try AVError.check(avcodec_send_frame(codec.context, frame), path: path,
                          code: "encode-failed", call: "avcodec_send_frame")
        var packet = av_packet_alloc()
        defer { av_packet_free(&packet) }
        guard let packet else {
            throw MediaError(path: path, code: "out-of-memory", reason: "cannot allocate packet")
        }
        while true {
            let status = avcodec_receive_packet(codec.context, packet)
            if status == AVError.again || status == AVError.endOfFile { return }
            try AVError.check(status, path: path, code: "encode-failed",
                              call: "avcodec_receive_packet")
            av_packet_rescale_ts(packet, codec.context.pointee.time_base,
                                 codec.stream.pointee.time_base)
            packet.pointee.stream_index = codec.stream.pointee.index
            let written = av_interleaved_write_frame(output, packet)
            av_packet_unref(packet)
            try AVError.check(written, path: path, code: "write-failed",
                              call: "av_interleaved_write_frame")
        }
    }
}
