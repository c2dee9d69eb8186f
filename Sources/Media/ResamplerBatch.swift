import CSoxr

/// One multichannel libsoxr HQ resampler for a fixed pair of rates that resamples several clips
/// in lockstep, one clip per channel, so that libsoxr designs its HQ filter once for all of them
/// instead of once per clip (`soxr_clear` designs it again, and the design is about a quarter
/// of resampling a 3 s clip). Reusable: `begin` clears it for the next batch. `deinit` deletes
/// the handle. Not thread-safe: one batch resampler per thread.
///
/// libsoxr runs every channel through the same code with the same coefficients, and a channel's
/// output depends only on its own input. A clip that ends before the others is followed by
/// zeros, which is what libsoxr's flush feeds, so each channel gives the samples a one-channel
/// `ResamplerSession` gives for its clip: the first `flushCount` samples once the clip is read to
/// its end, and every sample returned while the clip is still being read.
final class ResamplerBatch {
    /// Input rate in Hz.
    let from: Int
    /// Output rate in Hz.
    let to: Int
    /// Clips resampled together.
    let channels: Int
    private let soxr: soxr_t
    private var used = false

    /// Creates the resampler (calls `soxr_create` with split-channel float32 io and
    /// `soxr_quality_spec(SOXR_HQ, 0)`, as `ResamplerSession` does for one channel); `path` is
    /// named in errors.
    init(from: Int, to: Int, channels: Int, path: String) throws {
        guard from > 0, to > 0 else {
            throw MediaError(path: path, code: "bad-sample-rate",
                             reason: "cannot resample from \(from) Hz to \(to) Hz")
        }
        var error: soxr_error_t?
        var io = soxr_io_spec(SOXR_FLOAT32_S, SOXR_FLOAT32_S)
        var quality = soxr_quality_spec(amss_soxr_hq(), 0)
        let handle = soxr_create(Double(from), Double(to), UInt32(max(1, channels)), &error, &io,
                                 &quality, nil)
        guard let handle, error == nil else {
            if let handle { soxr_delete(handle) }
            let message = error.map { String(cString: $0) } ?? "no resampler"
            throw MediaError(path: path, code: "resample-failed",
                             reason: "soxr_create failed: \(message)")
        }
        self.from = from
        self.to = to
        self.channels = max(1, channels)
        self.soxr = handle
    }

    deinit {
        soxr_delete(soxr)
    }

    /// How many samples libsoxr's flush leaves for a clip of `n` input samples in all:
    /// `(int64)(n / (from / to) + 0.5)`, its rounding of the exact count.
    static func flushCount(inputLength n: Int, from: Int, to: Int) -> Int {
        Int(Double(n) / (Double(from) / Double(to)) + 0.5)
    }

    /// Starts a new batch (calls `soxr_clear` when the resampler was used before).
    func begin(path: String) throws {
        if used {
            try check(soxr_clear(soxr), call: "soxr_clear", path: path)
        }
        used = true
    }

    /// Feeds `frames` samples to every channel, channel `c`'s from `input + c * frames`, and
    /// appends the samples libsoxr has ready to `outputs[c]` (calls `soxr_process`, then again
    /// with no new input while the output room comes back full); every output gets the same
    /// number of samples.
    func push(_ input: UnsafePointer<Float>, frames: Int, into outputs: [AudioSampleBuffer],
              path: String) throws {
        let room = Int(Double(frames) * Double(to) / Double(from)) + 256
        var inputs = (0..<channels).map { Optional(UnsafeRawPointer(input + $0 * frames)) }
        var targets = [UnsafeMutableRawPointer?](repeating: nil, count: channels)
        var feed = frames
        while true {
            for c in 0..<channels { targets[c] = UnsafeMutableRawPointer(outputs[c].reserve(room)) }
            var done = 0
            let error = inputs.withUnsafeMutableBufferPointer { ins in
                targets.withUnsafeMutableBufferPointer { outs in
                    soxr_process(soxr, UnsafeRawPointer(ins.baseAddress), feed, nil,
                                 UnsafeMutableRawPointer(outs.baseAddress), room, &done)
                }
            }
            try check(error, call: "soxr_process", path: path)
            for c in 0..<channels { outputs[c].commit(done) }
            feed = 0
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
