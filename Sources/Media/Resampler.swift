/// Sample-rate conversion with libsoxr at "high quality", as `librosa.load(path, sr=...)` does.
///
/// librosa 0.11 resamples with python-soxr's `resample(y, orig_sr, target_sr, 'soxr_hq')`: one
/// `soxr_create` with `soxr_quality_spec(SOXR_HQ, 0)` and float32 io, the input fed in chunks
/// of `max(1000, 48000 * from / to)` samples into an output buffer of
/// `floor(n * to / from) + 1` samples, then a flush; librosa then zero-pads or cuts the result
/// to `ceil(n * (to / from))` samples, the ratio taken in Float64 as librosa does. This type
/// repeats those steps (the libsoxr calls are in `ResamplerSession`).
public enum Resampler {
    /// Resamples mono `samples` from `from` Hz to `to` Hz with libsoxr HQ; the output has
    /// `ceil(n * to / from)` samples; the input is returned unchanged when `from == to`.
    public static func resample(_ samples: [Float], from: Int, to: Int) throws -> [Float] {
        try resample(samples, from: from, to: to, path: "")
    }

    /// The output length librosa fixes the resampled signal to: `ceil(n * (to / from))` with
    /// the ratio in Float64 (this is one more than the exact ceiling in rare cases where
    /// `n * to` is a multiple of `from` and the Float64 product rounds up).
    public static func outputLength(inputLength n: Int, from: Int, to: Int) -> Int {
        guard n > 0, from > 0, to > 0 else { return 0 }
        if from == to { return n }
        return Int((Double(n) * (Double(to) / Double(from))).rounded(.up))
    }

    /// `resample(_:from:to:)` with `path` named in errors, reusing `session` when it is for
    /// the same pair of rates.
    static func resample(_ samples: [Float], from: Int, to: Int, path: String,
                         session: ResamplerSession? = nil) throws -> [Float] {
        guard from > 0, to > 0 else {
            throw MediaError(path: path, code: "bad-sample-rate",
                             reason: "cannot resample from \(from) Hz to \(to) Hz")
        }
        if from == to || samples.isEmpty { return samples }
        let target = outputLength(inputLength: samples.count, from: from, to: to)

        let soxr = try session.flatMap { $0.from == from && $0.to == to ? $0 : nil }
            ?? ResamplerSession(from: from, to: to, path: path)
        var out = try soxr.process(samples, path: path)

        if out.count > target {
            out.removeLast(out.count - target)
        } else if out.count < target {
            out.append(contentsOf: repeatElement(0, count: target - out.count))
        }
        return out
    }
}
