import CFFmpeg

/// The audio track of a media container (MP4, FLV, AVI, MKV and whatever else libavformat
/// demuxes), decoded with libavcodec and read as a mono `AudioStream`; `deinit` frees the
/// demuxer, decoder, packet and frame.
///
/// The track is the one `av_find_best_stream` picks (as PyAV's `streams.best("audio")` and the
/// ffmpeg CLI do). Decoded samples of any libavutil sample format, packed or planar, become
/// Float32 (`AudioTrackSamples`) and are averaged over channels; no libswresample is involved.
/// A damaged packet is skipped, as the ffmpeg CLI does; a read error ends the track like the
/// end of the file, with a `truncated` warning.
final class AudioTrack: AudioStream {
    private(set) var path = ""
    /// The rate of the decoded frames (HE-AAC reports its true rate only once decoding).
    private(set) var sampleRate = 0
    /// The channel count of the first decoded frame.
    private(set) var channels = 0
    let declaredFrames: Int? = nil
    private(set) var formatName = ""
    /// Seconds of audio the container declares for the track, 0 when it does not say.
    private(set) var declaredSeconds = 0.0

    private var format: UnsafeMutablePointer<AVFormatContext>?
    private var codec: UnsafeMutablePointer<AVCodecContext>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var frame: UnsafeMutablePointer<AVFrame>?
    private var streamIndex: Int32 = -1
    private var pending: [Float] = []
    private var pendingStart = 0
    private var demuxed = false
    private var drained = false
    private var packets = 0
    private var damagedPackets = 0
    private var readError: Int32?
    private var decodedFrames = 0
    private var endWarnings: [AudioWarning] = []

    /// Opens the container and its best audio stream and decodes up to the first audio frame
    /// (avformat_open_input, avformat_find_stream_info, av_find_best_stream,
    /// avcodec_parameters_to_context, avcodec_open2).
    ///
    /// Throws `missing`, `unreadable`, `empty-media`, `lfs-pointer`; `not-audio` when
    /// libavformat recognises no container or the container holds no audio stream;
    /// `unsupported-codec`; `empty-media` when the track has no packets and `decode-failed`
    /// when none of its packets decode.
    init(path: String) throws {
        AVLog.silence()
        self.path = path
        try AVSourceCheck.check(path: path)
        let opened = avformat_open_input(&format, path, nil, nil)
        guard opened >= 0, let format else {
            throw AVError.error(path: path, code: "not-audio", call: "avformat_open_input",
                                status: opened)
        }
        try AVError.check(avformat_find_stream_info(format, nil), path: path,
                          code: "unreadable", call: "avformat_find_stream_info")

        var decoder: UnsafePointer<AVCodec>?
        streamIndex = av_find_best_stream(format, AVMEDIA_TYPE_AUDIO, -1, -1, &decoder, 0)
        guard streamIndex >= 0, let stream = format.pointee.streams[Int(streamIndex)] else {
            throw noStreamError(format)
        }
        guard let decoder else {
            let name = String(cString: avcodec_get_name(stream.pointee.codecpar.pointee.codec_id))
            throw MediaError(path: path, code: "unsupported-codec",
                             reason: "no decoder for the audio codec \(name)")
        }
        try openDecoder(decoder, stream: stream)
        discardOtherStreams(format)
        declaredSeconds = AudioTrack.declaredSeconds(format, stream)
        let container = String(cString: format.pointee.iformat.pointee.name)
            .split(separator: ",").first.map(String.init) ?? "?"
        formatName = "\(container) \(String(cString: decoder.pointee.name))"

        try fill(upTo: 1)
        guard available > 0 else {
            throw MediaError(path: path, code: packets == 0 ? "empty-media" : "decode-failed",
                             reason: packets == 0 ? "the \(formatName) audio track holds no "
                                + "packets" : "none of the \(packets) packets of the "
                                + "\(formatName) audio track could be decoded")
        }
    }

    deinit {
        av_frame_free(&frame)
        av_packet_free(&packet)
        avcodec_free_context(&codec)
        avformat_close_input(&format)
    }

    var warnings: [AudioWarning] {
        guard damagedPackets > 0 else { return endWarnings }
        return endWarnings + [AudioWarning(path: path, code: "damaged-packets",
                                           message: "skipped \(damagedPackets) of \(packets) "
                                            + "audio packets the decoder rejected")]
    }

    func readMono(into buffer: UnsafeMutablePointer<Float>, capacity: Int) throws -> Int {
        try fill(upTo: capacity)
        let count = min(capacity, available)
        pending.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            buffer.update(from: base + pendingStart, count: count)
        }
        pendingStart += count
        if pendingStart == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingStart = 0
        }
        return count
    }

    // LIMITATION: a track cut short is reported only when reading fails or the container
    // declares the track's own duration (MP4 does; Matroska, AVI and FLV usually do not) —
    // libavformat ends those files like complete ones.
    func noteEnd(framesRead: Int) {
        let decoded = Double(framesRead) / Double(max(sampleRate, 1))
        if let readError {
            endWarnings.append(AudioWarning(
                path: path, code: "truncated",
                message: "reading stopped after \(seconds(decoded)) s of audio: "
                    + "\(AVError.message(readError)); decoded the samples before it"))
        } else if declaredSeconds > 0,
                  decoded < declaredSeconds - max(0.05, 0.02 * declaredSeconds) {
            endWarnings.append(AudioWarning(
                path: path, code: "truncated",
                message: "the container declares \(seconds(declaredSeconds)) s of audio but "
                    + "only \(seconds(decoded)) s could be decoded"))
        }
    }

    /// Records a warning about the file found by the caller (such as another decoder's
    /// failure).
    func addWarning(_ warning: AudioWarning) {
        endWarnings.append(warning)
    }

    // MARK: - Decoding

    /// Mono frames decoded and not yet read.
    private var available: Int { pending.count - pendingStart }

    /// Demuxes and decodes until `count` frames are pending or the track ends
    /// (av_read_frame, avcodec_send_packet, avcodec_receive_frame).
    private func fill(upTo count: Int) throws {
        guard let format, let codec, let packet else { return }
        while available < count && !drained {
            if !demuxed {
                let status = av_read_frame(format, packet)
                if status < 0 {
                    demuxed = true
                    if status != AVError.endOfFile { readError = status }
                    _ = avcodec_send_packet(codec, nil)
                } else {
                    defer { av_packet_unref(packet) }
                    guard packet.pointee.stream_index == streamIndex else { continue }
                    packets += 1
                    let sent = avcodec_send_packet(codec, packet)
                    if sent < 0 && sent != AVError.again {
                        damagedPackets += 1
                        continue
                    }
                }
            }
            try receiveFrames()
        }
    }

    /// Takes every frame the decoder has ready into `pending`; marks the track drained at the
    /// decoder's end of stream (or at any error once the input is exhausted).
    private func receiveFrames() throws {
        guard let codec, let frame else { return }
        while true {
            let status = avcodec_receive_frame(codec, frame)
            if status == AVError.again { return }
            if status < 0 {
                if status == AVError.endOfFile || demuxed { drained = true }
                return
            }
            defer { av_frame_unref(frame) }
            try append(frame)
        }
    }

    /// Appends the frame's samples, averaged over its channels, to `pending`.
    private func append(_ frame: UnsafeMutablePointer<AVFrame>) throws {
        let rate = Int(frame.pointee.sample_rate)
        if sampleRate == 0 {
            sampleRate = rate
            channels = Int(frame.pointee.ch_layout.nb_channels)
        } else if rate != sampleRate {
            let at = seconds(Double(decodedFrames) / Double(sampleRate))
            throw MediaError(path: path, code: "decode-failed",
                             reason: "the sample rate changes from \(sampleRate) Hz to "
                                + "\(rate) Hz after \(at) s of audio")
        }
        let before = pending.count
        try AudioTrackSamples.appendMono(frame, to: &pending, path: path)
        decodedFrames += pending.count - before
    }

    // MARK: - Opening

    /// Makes and opens the decoder context for `stream`, single-threaded.
    private func openDecoder(_ decoder: UnsafePointer<AVCodec>,
                             stream: UnsafeMutablePointer<AVStream>) throws {
        codec = avcodec_alloc_context3(decoder)
        packet = av_packet_alloc()
        frame = av_frame_alloc()
        guard let codec, packet != nil, frame != nil else {
            throw MediaError(path: path, code: "out-of-memory", reason: "cannot allocate decoder")
        }
        try AVError.check(avcodec_parameters_to_context(codec, stream.pointee.codecpar),
                          path: path, code: "unreadable", call: "avcodec_parameters_to_context")
        codec.pointee.pkt_timebase = stream.pointee.time_base
        codec.pointee.thread_count = 1
        try AVError.check(avcodec_open2(codec, decoder, nil), path: path,
                          code: "unsupported-codec", call: "avcodec_open2")
    }

    /// Tells the demuxer to drop the packets of every other stream (AVDISCARD_ALL).
    private func discardOtherStreams(_ format: UnsafeMutablePointer<AVFormatContext>) {
        for i in 0..<Int(format.pointee.nb_streams) where i != Int(streamIndex) {
            format.pointee.streams[i]?.pointee.discard = AVDISCARD_ALL
        }
    }

    /// `not-audio` naming the streams there are, or `unsupported-codec` when an audio stream
    /// exists but libavcodec has no decoder for it.
    private func noStreamError(_ format: UnsafeMutablePointer<AVFormatContext>) -> MediaError {
        var kinds: [String] = []
        for i in 0..<Int(format.pointee.nb_streams) {
            guard let parameters = format.pointee.streams[i]?.pointee.codecpar else { continue }
            let codecName = String(cString: avcodec_get_name(parameters.pointee.codec_id))
            if parameters.pointee.codec_type == AVMEDIA_TYPE_AUDIO {
                return MediaError(path: path, code: "unsupported-codec",
                                  reason: "no decoder for the audio codec \(codecName)")
            }
            let kind = av_get_media_type_string(parameters.pointee.codec_type)
                .map { String(cString: $0) } ?? "unknown"
            kinds.append("\(kind) \(codecName)")
        }
        let streams = kinds.isEmpty ? "none" : kinds.joined(separator: ", ")
        return MediaError(path: path, code: "not-audio",
                          reason: "the container holds no audio stream (streams: \(streams))")
    }

    /// The track's own duration in seconds, or the container's when the track is its only
    /// stream; 0 when unknown (a container's duration is that of its longest stream).
    private static func declaredSeconds(_ format: UnsafeMutablePointer<AVFormatContext>,
                                        _ stream: UnsafeMutablePointer<AVStream>) -> Double {
        let none = amss_av_nopts_value()
        if stream.pointee.duration != none && stream.pointee.duration > 0 {
            return Double(stream.pointee.duration) * av_q2d(stream.pointee.time_base)
        }
        if format.pointee.nb_streams == 1 && format.pointee.duration != none
            && format.pointee.duration > 0 {
            return Double(format.pointee.duration) / Double(amss_av_time_base())
        }
        return 0
    }

    /// Seconds with three decimals, for messages.
    private func seconds(_ value: Double) -> String {
        String(Double((value * 1000).rounded()) / 1000)
    }
}
