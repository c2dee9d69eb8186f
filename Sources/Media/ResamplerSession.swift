import CSoxr

/// One libsoxr HQ resampler for a fixed pair of rates, reusable for many clips: designing the
/// HQ filter costs about a third of resampling a 3 s clip, so an extractor keeps its session
/// and clears it between clips (`soxr_clear` gives the same output as a fresh `soxr_create`).
/// `deinit` deletes the handle. Not thread-safe: one session per thread.
///
/// One libsoxr kept running across clips (silence between them, each clip aligned to the rate
/// pair's period, the start-up difference from a fresh resampler added back) would skip the
/// design, and was measured 35 % faster per clip; it is not used because its float32 rounding
/// depends on the clips before: libsoxr's DFT stage works in blocks counted from the stream's
/// start (a 13 120-sample period at 16 → 22.05 kHz), so the cached bytes would depend on which
/// worker took which clip.
final class ResamplerSession {
    /// Input rate in Hz.
    let from: Int
    /// Output rate in Hz.
    let to: Int
    private let soxr: soxr_t
    private var used = false

    /// Creates the resampler (calls `soxr_create` with float32 io and
    /// `soxr_quality_spec(SOXR_HQ, 0)`, the default runtime spec: one thread); `path` is
    /// named in errors.
    init(from: Int, to: Int, path: String = "") throws {
        guard from > 0, to > 0 else {
            throw MediaError(path: path, code: "bad-sample-rate",
                             reason: "cannot resample from \(from) Hz to \(to) Hz")
        }
        var error: soxr_error_t?
        var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var quality = soxr_quality_spec(amss_soxr_hq(), 0)
        let handle = soxr_create(Double(from), Double(to), 1, &error, &io, &quality, nil)
        guard let handle, error == nil else {
            if let handle { soxr_delete(handle) }
            let message = error.map { String(cString: $0) } ?? "no resampler"
            throw MediaError(path: path, code: "resample-failed",
                             reason: "soxr_create failed: \(message)")
        }
        self.from = from
        self.to = to
        self.soxr = handle
    }

    deinit {
        soxr_delete(soxr)
    }

    /// The engine libsoxr chose, such as `cr32s` (calls `soxr_engine`).
    var engine: String { String(cString: soxr_engine(soxr)) }

    /// Resamples one whole clip the way python-soxr's `resample` does: the input fed with
    /// `soxr_process` in chunks of `max(1000, 48000 * from / to)` samples into a buffer of
    /// `floor(n * to / from) + 1` samples, then one flushing `soxr_process`. Returns what
    /// libsoxr produced (librosa's length fix is the caller's step). Calls `soxr_clear` first
    /// when the session was used before.
    func process(_ samples: [Float], path: String) throws -> [Float] {
        if used {
            try check(soxr_clear(soxr), call: "soxr_clear", path: path)
        }
        used = true

        let n = samples.count
        let capacity = Int(Double(n) * Double(to) / Double(from) + 1)
        let chunk = Int(max(1000, 48000 * Double(from) / Double(to)))
        var out = [Float](repeating: 0, count: capacity)
        var produced = 0

        try samples.withUnsafeBufferPointer { input in
            try out.withUnsafeMutableBufferPointer { output in
                guard let inBase = input.baseAddress, let outBase = output.baseAddress else {
                    return
                }
                var done = 0
                var start = 0
                while start < n {
                    let count = min(chunk, n - start)
                    try check(soxr_process(soxr, inBase + start, count, nil, outBase + produced,
                                           capacity - produced, &done),
                              call: "soxr_process", path: path)
                    produced += done
                    start += count
                }
                try check(soxr_process(soxr, nil, 0, nil, outBase + produced,
                                       capacity - produced, &done),
                          call: "soxr_process", path: path)
                produced += done
            }
        }

        out.removeLast(out.count - produced)
        return out
    }

    // MARK: - Streaming

    /// Starts a new clip: clears the state of the previous one (calls `soxr_clear` when the
    /// session was used before).
    func begin(path: String) throws {
        if used {
            try check(soxr_clear(soxr), call: "soxr_clear", path: path)
        }
        used = true
    }

    /// Feeds `input` and appends every output sample libsoxr has ready to `output` (calls
    /// `soxr_process`, then again with no new input while the output buffer comes back full).
    ///
    /// libsoxr's output does not depend on how the input is split into calls (its stages read
    /// from FIFOs), so a clip fed in pieces gives the samples of one `process` call; samples
    /// returned before `finish` are final.
    func push(_ input: UnsafeBufferPointer<Float>, into output: AudioSampleBuffer,
              path: String) throws {
        guard let base = input.baseAddress, !input.isEmpty else { return }
        let room = Int(Double(input.count) * Double(to) / Double(from)) + 256
        var nothing: Float = 0
        try drain(into: output, room: room, path: path) { first, out, olen, odone in
            first ? soxr_process(self.soxr, base, input.count, nil, out, olen, odone)
                : soxr_process(self.soxr, &nothing, 0, nil, out, olen, odone)
        }
    }

    /// Ends the clip: flushes the filter and appends the last samples (calls `soxr_process`
    /// with no input until it returns nothing more).
    func finish(into output: AudioSampleBuffer, path: String) throws {
        let room = Int(Double(from + to) / Double(from) * 1024) + 4096
        try drain(into: output, room: room, path: path) { _, out, olen, odone in
            soxr_process(self.soxr, nil, 0, nil, out, olen, odone)
        }
    }

    /// Runs `call` (told whether it is the first call) into `room` free samples at the end of
    /// `output`, again and again while a call fills the room completely.
    private func drain(into output: AudioSampleBuffer, room: Int, path: String,
                       _ call: (Bool, UnsafeMutablePointer<Float>, Int,
                                UnsafeMutablePointer<Int>) -> soxr_error_t?) throws {
        var first = true
        while true {
            let out = output.reserve(room)
            var done = 0
            try check(call(first, out, room, &done), call: "soxr_process", path: path)
            output.commit(done)
            first = false
            if done < room { return }
        }
    }

    /// Throws `resample-failed` with libsoxr's message when `error` is set.
    private func check(_ error: soxr_error_t?, call: String, path: String) throws {
        guard let error else { return }
        throw MediaError(path: path, code: "resample-failed",
                         reason: "\(call) failed: " + String(cString: error))
    }
}
