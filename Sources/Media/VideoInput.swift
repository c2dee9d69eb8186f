import CFFmpeg

/// An opened media container and its chosen video stream; frees the demuxer on deinit.
final class VideoInput {
    /// The file this input reads.
    let path: String
    /// The demuxer context (owned).
    let format: UnsafeMutablePointer<AVFormatContext>
    /// The chosen video stream (owned by `format`).
    let stream: UnsafeMutablePointer<AVStream>
    /// The decoder for the stream's codec.
    let decoder: UnsafePointer<AVCodec>

    /// Opens `path` and picks its first video stream that is not cover art
    /// (avformat_open_input, avformat_find_stream_info, avcodec_find_decoder).
    ///
    /// Throws `missing`, `unreadable`, `empty-media`, `lfs-pointer`; `not-video` when no
    /// container is recognised or it holds no video stream; `unreadable` when a recognised
    /// container cannot be opened (a truncated MP4 without its moov atom); `unsupported-codec`.
    init(path: String) throws {
        AVLog.silence()
        try AVSourceCheck.check(path: path)
        self.path = path

        var context: UnsafeMutablePointer<AVFormatContext>?
        let opened = avformat_open_input(&context, path, nil, nil)
        guard opened >= 0, let format = context else {
            throw Self.openError(path: path, status: opened)
        }
        let found = avformat_find_stream_info(format, nil)
        if found < 0 {
            avformat_close_input(&context)
            throw AVError.error(path: path, code: "unreadable",
                                call: "avformat_find_stream_info", status: found)
        }

        guard let stream = Self.videoStream(in: format) else {
            let kinds = Self.streamKinds(in: format)
            avformat_close_input(&context)
            throw MediaError(path: path, code: "not-video",
                             reason: "no video stream (streams: \(kinds))")
        }
        guard let decoder = avcodec_find_decoder(stream.pointee.codecpar.pointee.codec_id) else {
            let name = String(cString: avcodec_get_name(stream.pointee.codecpar.pointee.codec_id))
            avformat_close_input(&context)
            throw MediaError(path: path, code: "unsupported-codec",
                             reason: "no decoder for video codec \(name)")
        }
        self.format = format
        self.stream = stream
        self.decoder = decoder
    }

    deinit {
        var context: UnsafeMutablePointer<AVFormatContext>? = format
        avformat_close_input(&context)
    }

    /// The stream's time base (seconds per tick).
    var timeBase: AVRational { stream.pointee.time_base }

    /// The stream's start time in ticks, or nil when the container does not say.
    var startTicks: Int64? {
        let start = stream.pointee.start_time
        return start == amss_av_nopts_value() ? nil : start
    }

    /// The average frame rate, else the guessed base rate, else 0/1.
    var frameRate: AVRational {
        let average = stream.pointee.avg_frame_rate
        if average.num > 0 && average.den > 0 { return average }
        let base = stream.pointee.r_frame_rate
        if base.num > 0 && base.den > 0 { return base }
        return AVRational(num: 0, den: 1)
    }

    /// The container's view of the video stream.
    var info: VideoInfo {
        var duration = 0.0
        if format.pointee.duration != amss_av_nopts_value() && format.pointee.duration > 0 {
            duration = Double(format.pointee.duration) / Double(amss_av_time_base())
        } else if stream.pointee.duration != amss_av_nopts_value() && stream.pointee.duration > 0 {
            duration = Double(stream.pointee.duration) * av_q2d(timeBase)
        }
        let rate = frameRate
        let parameters = stream.pointee.codecpar.pointee
        return VideoInfo(duration: duration,
                         frameRate: rate.num > 0 ? av_q2d(rate) : 0,
                         width: Int(parameters.width), height: Int(parameters.height))
    }

    // MARK: - Internals

    /// The first video stream that is not an attached picture (cover art).
    private static func videoStream(
        in format: UnsafeMutablePointer<AVFormatContext>
    ) -> UnsafeMutablePointer<AVStream>? {
        for i in 0..<Int(format.pointee.nb_streams) {
            guard let stream = format.pointee.streams[i] else { continue }
            let isVideo = stream.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO
            let isCover = stream.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC != 0
            if isVideo && !isCover { return stream }
        }
        return nil
    }

    /// "audio mp3, data none": the kinds and codecs of every stream, for error messages.
    private static func streamKinds(in format: UnsafeMutablePointer<AVFormatContext>) -> String {
        var kinds: [String] = []
        for i in 0..<Int(format.pointee.nb_streams) {
            guard let parameters = format.pointee.streams[i]?.pointee.codecpar else { continue }
            let kind = av_get_media_type_string(parameters.pointee.codec_type)
                .map { String(cString: $0) } ?? "unknown"
            let codec = String(cString: avcodec_get_name(parameters.pointee.codec_id))
            kinds.append("\(kind) \(codec)")
        }
        return kinds.isEmpty ? "none" : kinds.joined(separator: ", ")
    }

    /// Tells "no container recognised" (`not-video`) from "a recognised container that cannot be
    /// opened" (`unreadable`) by probing the first bytes by content alone
    /// (av_probe_input_format3 without the file name, so the extension gives no score).
    private static func openError(path: String, status: Int32) -> MediaError {
        let message = AVError.message(status)
        if status != AVError.invalidData {
            return MediaError(path: path, code: "unreadable",
                              reason: "avformat_open_input failed: \(message)")
        }
        if let name = recognisedFormat(path: path) {
            return MediaError(path: path, code: "unreadable",
                              reason: "looks like \(name) but cannot be opened: \(message)"
                                + " (truncated or damaged?)")
        }
        return MediaError(path: path, code: "not-video",
                          reason: "not a media container libavformat recognises: \(message)")
    }

    /// The long name of the container format the file's first 64 KiB look like, if any.
    private static func recognisedFormat(path: String) -> String? {
        let probeBytes = 1 << 16
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: probeBytes + Int(AVPROBE_PADDING_SIZE))
        let count = fread(&buffer, 1, probeBytes, file)
        var score: Int32 = 0
        let format: UnsafePointer<AVInputFormat>? = buffer.withUnsafeMutableBufferPointer {
            bytes in
            "".withCString { name in
                var probe = AVProbeData(filename: name, buf: bytes.baseAddress,
                                        buf_size: Int32(count), mime_type: nil)
                return av_probe_input_format3(&probe, 1, &score)
            }
        }
        guard let format, score > AVPROBE_SCORE_MAX / 4 else { return nil }
        return String(cString: format.pointee.long_name ?? format.pointee.name)
    }
}
