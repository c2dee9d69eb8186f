import CFFmpeg

/// Demuxes and decodes the video stream of one file, frame by frame in presentation order;
/// owns the decoder context, packet and frame.
final class VideoDecoder {
    /// One decoded frame as the decoder hands it out.
    struct Decoded {
        /// 0-based index among the frames the decoder has output.
        let index: Int
        /// Presentation time in stream ticks from the stream start.
        let ticks: Int64
        /// The frame (valid only during the callback).
        let frame: UnsafeMutablePointer<AVFrame>
    }

    /// The opened container.
    let input: VideoInput
    /// Frames output so far.
    private(set) var decodedCount = 0
    /// The duration in ticks of the last frame output (its own, else one frame period).
    private(set) var lastDurationTicks: Int64 = 0
    /// The last decoding error that was skipped over (a damaged packet), if any.
    private(set) var lastSkippedError: Int32?
    /// How many packets or frames the decoder refused and were skipped over.
    private(set) var skippedErrors = 0

    private var codec: UnsafeMutablePointer<AVCodecContext>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var frame: UnsafeMutablePointer<AVFrame>?
    private var startTicks: Int64?
    private var previousTicks: Int64?

    /// Opens `path` and its video decoder with `threads` threads, 0 = as many as libavcodec
    /// finds useful (avcodec_alloc_context3, avcodec_parameters_to_context, avcodec_open2).
    init(path: String, threads: Int) throws {
        input = try VideoInput(path: path)
        codec = avcodec_alloc_context3(input.decoder)
        packet = av_packet_alloc()
        frame = av_frame_alloc()
        guard let codec, packet != nil, frame != nil else {
            throw MediaError(path: path, code: "out-of-memory", reason: "cannot allocate decoder")
        }
        try AVError.check(avcodec_parameters_to_context(codec, input.stream.pointee.codecpar),
                          path: path, code: "unreadable", call: "avcodec_parameters_to_context")
        codec.pointee.pkt_timebase = input.timeBase
        codec.pointee.thread_count = Int32(max(0, threads))
        codec.pointee.thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE
        try AVError.check(avcodec_open2(codec, input.decoder, nil),
                          path: path, code: "unsupported-codec", call: "avcodec_open2")
        startTicks = input.startTicks
    }

    deinit {
        av_frame_free(&frame)
        av_packet_free(&packet)
        avcodec_free_context(&codec)
    }

    /// Calls `body` for each decoded frame until it returns false or the stream ends
    /// (av_read_frame, avcodec_send_packet, avcodec_receive_frame).
    ///
    /// A damaged packet is skipped, as the ffmpeg CLI does; a read error ends the stream like
    /// end of file (a truncated file yields the frames before the cut). Returns whether the
    /// stream was read to its end.
    @discardableResult
    func forEachFrame(_ body: (Decoded) throws -> Bool) throws -> Bool {
        guard let codec, let packet else { return true }
        let streamIndex = input.stream.pointee.index
        while av_read_frame(input.format, packet) >= 0 {
            defer { av_packet_unref(packet) }
            guard packet.pointee.stream_index == streamIndex else { continue }
            let sent = avcodec_send_packet(codec, packet)
            if sent < 0 && sent != AVError.again {
                lastSkippedError = sent
                skippedErrors += 1
                continue
            }
            guard try drain(body) else { return false }
        }

        _ = avcodec_send_packet(codec, nil)
        return try drain(body)
    }

    // MARK: - Internals

    /// Receives every frame the decoder has ready; false when `body` asked to stop.
    private func drain(_ body: (Decoded) throws -> Bool) throws -> Bool {
        guard let codec, let frame else { return true }
        while true {
            let status = avcodec_receive_frame(codec, frame)
            if status == AVError.again || status == AVError.endOfFile { return true }
            if status < 0 {
                lastSkippedError = status
                skippedErrors += 1
                return true
            }
            defer { av_frame_unref(frame) }
            let ticks = presentationTicks(frame)
            let decoded = Decoded(index: decodedCount, ticks: ticks, frame: frame)
            decodedCount += 1
            lastDurationTicks = durationTicks(frame)
            if try !body(decoded) { return false }
        }
    }

    /// The frame's time from the stream start: best-effort timestamp, else pts, else the
    /// previous time plus one frame period.
    private func presentationTicks(_ frame: UnsafeMutablePointer<AVFrame>) -> Int64 {
        let none = amss_av_nopts_value()
        var ticks = frame.pointee.best_effort_timestamp
        if ticks == none { ticks = frame.pointee.pts }
        if ticks == none { ticks = previousTicks.map { $0 + period } ?? 0 }
        previousTicks = ticks
        if startTicks == nil { startTicks = ticks }
        return ticks - (startTicks ?? 0)
    }

    /// The frame's own duration, else one period of the stream's frame rate.
    private func durationTicks(_ frame: UnsafeMutablePointer<AVFrame>) -> Int64 {
        let own = amss_frame_duration(frame)
        return own > 0 ? own : period
    }

    /// One frame period of the average frame rate in stream ticks (0 when unknown).
    private var period: Int64 {
        let rate = input.frameRate
        guard rate.num > 0 else { return 0 }
        let perTick = AVRational(num: rate.den, den: rate.num)
        return av_rescale_q(1, perTick, input.timeBase)
    }
}
