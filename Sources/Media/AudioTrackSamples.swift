import CFFmpeg

/// Decoded libavcodec frames to mono Float32, for every libavutil sample format, packed or
/// planar, without libswresample.
///
/// Integers scale as libsndfile and numpy conversions do: unsigned 8-bit `(x - 128) / 128`,
/// signed `x / 2^(bits - 1)` (the integer first rounded to Float32, then scaled by a power of
/// two, which is exact); doubles round once to Float32; floats pass unchanged (unclipped).
/// Channels are summed in channel order and divided by the channel count.
enum AudioTrackSamples {
    /// Appends the frame's `nb_samples` mono samples to `output`; throws `decode-failed` for a
    /// sample format it does not know or a frame without channels.
    static func appendMono(_ frame: UnsafeMutablePointer<AVFrame>, to output: inout [Float],
                           path: String) throws {
        let count = Int(frame.pointee.nb_samples)
        let channels = Int(frame.pointee.ch_layout.nb_channels)
        let format = AVSampleFormat(rawValue: frame.pointee.format)
        guard channels > 0, count >= 0, let data = frame.pointee.extended_data else {
            throw MediaError(path: path, code: "decode-failed",
                             reason: "a decoded frame has \(channels) channels")
        }
        guard let layout = Layout(format) else {
            let name = av_get_sample_fmt_name(format).map { String(cString: $0) } ?? "?"
            throw MediaError(path: path, code: "decode-failed",
                             reason: "unsupported decoded sample format \(name)")
        }
        guard count > 0 else { return }

        let start = output.count
        output.append(contentsOf: repeatElement(0, count: count))
        output.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let out = base + start
            for channel in 0..<channels {
                // planar: one plane per channel; packed: every channel in plane 0
                let plane = layout.planar ? data[channel] : data[0]
                guard let plane else { continue }
                let offset = layout.planar ? 0 : channel
                let stride = layout.planar ? 1 : channels
                accumulate(plane, kind: layout.kind, offset: offset, stride: stride,
                           count: count, into: out, first: channel == 0)
            }
            if channels > 1 {
                let divisor = Float(channels)
                for i in 0..<count { out[i] /= divisor }
            }
        }
    }

    /// Adds (or, for the first channel, stores) `count` samples of one channel, read from
    /// `plane` at `offset + i * stride` in the element type of `kind`.
    private static func accumulate(_ plane: UnsafeMutablePointer<UInt8>, kind: Kind,
                                   offset: Int, stride: Int, count: Int,
                                   into out: UnsafeMutablePointer<Float>, first: Bool) {
        let raw = UnsafeRawPointer(plane)
        switch kind {
        case .u8:
            let p = raw.assumingMemoryBound(to: UInt8.self)
            add(count, into: out, first: first) { (Float(p[offset + $0 * stride]) - 128) / 128 }
        case .s16:
            let p = raw.assumingMemoryBound(to: Int16.self)
            add(count, into: out, first: first) { Float(p[offset + $0 * stride]) / 32_768 }
        case .s32:
            let p = raw.assumingMemoryBound(to: Int32.self)
            add(count, into: out, first: first) {
                Float(p[offset + $0 * stride]) / 2_147_483_648
            }
        case .s64:
            let p = raw.assumingMemoryBound(to: Int64.self)
            add(count, into: out, first: first) {
                Float(p[offset + $0 * stride]) / 9_223_372_036_854_775_808
            }
        case .f32:
            let p = raw.assumingMemoryBound(to: Float.self)
            add(count, into: out, first: first) { p[offset + $0 * stride] }
        case .f64:
            let p = raw.assumingMemoryBound(to: Double.self)
            add(count, into: out, first: first) { Float(p[offset + $0 * stride]) }
        }
    }

    /// `out[i] = value(i)` for the first channel, `out[i] += value(i)` after it.
    @inline(__always)
    private static func add(_ count: Int, into out: UnsafeMutablePointer<Float>, first: Bool,
                            _ value: (Int) -> Float) {
        if first {
            for i in 0..<count { out[i] = value(i) }
        } else {
            for i in 0..<count { out[i] += value(i) }
        }
    }

    /// The element type of a sample.
    enum Kind { case u8, s16, s32, s64, f32, f64 }

    /// A sample format as element type and planarity.
    struct Layout {
        let kind: Kind
        let planar: Bool

        /// The layout of a libavutil sample format, nil for AV_SAMPLE_FMT_NONE and unknowns.
        init?(_ format: AVSampleFormat) {
            let table: [(AVSampleFormat, Kind, Bool)] = [
                (AV_SAMPLE_FMT_U8, .u8, false), (AV_SAMPLE_FMT_S16, .s16, false),
                (AV_SAMPLE_FMT_S32, .s32, false), (AV_SAMPLE_FMT_S64, .s64, false),
                (AV_SAMPLE_FMT_FLT, .f32, false), (AV_SAMPLE_FMT_DBL, .f64, false),
                (AV_SAMPLE_FMT_U8P, .u8, true), (AV_SAMPLE_FMT_S16P, .s16, true),
                (AV_SAMPLE_FMT_S32P, .s32, true), (AV_SAMPLE_FMT_S64P, .s64, true),
                (AV_SAMPLE_FMT_FLTP, .f32, true), (AV_SAMPLE_FMT_DBLP, .f64, true),
            ]
            guard let entry = table.first(where: { $0.0 == format }) else { return nil }
            kind = entry.1
            planar = entry.2
        }
    }
}
