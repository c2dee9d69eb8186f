/// How much of a clip's source was decoded for it (the clip itself is
/// `AudioClipReader.fitted` until the next clip).
struct FittedClip {
    /// Source frames decoded.
    let framesRead: Int
    /// Whether the source was decoded to its end.
    let readToEnd: Bool
}

/// Decode → resample → fit → clamp for one clip, reading the source only as far as the fit
/// needs.
///
/// librosa decodes the whole file, resamples it with libsoxr HQ, fixes the length to
/// `ceil(n * to / from)` and then fits. libsoxr's output does not depend on how its input is
/// split, and a sample it returns before the final flush never changes, so once the first
/// `clipSamples` resampled samples exist (for `crop-centre`: up to the end of the centre
/// window, located from the header's frame count) they are exactly librosa's, and decoding
/// stops. Shorter sources are read to their end, flushed and length-fixed as librosa does.
/// Keeps one resampler per source rate; one reader per thread.
final class AudioClipReader {
    /// The rate clips are resampled to.
    let targetRate: Int
    /// Samples per fitted clip.
    let clipSamples: Int
    /// How a clip is brought to `clipSamples`.
    let rule: FitRule
    /// Whether fitted samples are clamped to [-1, 1].
    let clamp: Bool

    /// Mono frames asked of the stream at most per read.
    static let chunkFrames = 1 << 16
    /// Fewest frames asked per read, so that the last reads before the clip is complete do
    /// not crawl.
    static let minimumRead = 1024

    /// Scratch space for one read of mono frames.
    private var chunk = [Float](repeating: 0, count: AudioClipReader.chunkFrames)

    /// The resampled signal of the current clip.
    let resampled = AudioSampleBuffer(capacity: 1 << 17)
    /// Room for a clip that fitting has to build (looped, padded); a clip that is a window of
    /// the resampled signal stays there.
    private let built = AudioSampleBuffer(capacity: 1 << 17)
    /// The current clip, fitted and clamped: a window of `resampled` or the built clip (valid
    /// until the next clip).
    private(set) var fitted = UnsafeBufferPointer<Float>(start: nil, count: 0)

    private var session: ResamplerSession?
    /// The resampler of the last batch of clips (`fittedClips(from:timings:_:)`).
    var batchSession: ResamplerBatch?
    /// The resampled signals of a batch, one per clip.
    var batchSignals: [AudioSampleBuffer] = []
    /// Source frames the last batch fed each channel, its clips' and the zeros after them.
    var batchFed = 0
    /// One round of source frames of a batch, clip after clip.
    let batchInput = AudioSampleBuffer(capacity: 8 * AudioClipReader.batchFrames)

    /// Makes a reader for clips of `clipSamples` samples at `targetRate` Hz.
    init(targetRate: Int, clipSamples: Int, rule: FitRule, clamp: Bool) {
        self.targetRate = targetRate
        self.clipSamples = clipSamples
        self.rule = rule
        self.clamp = clamp
    }

    /// Fits (and clamps) the clip of `stream` into `clip`; returns how much was decoded.
    ///
    /// Throws `bad-sample-rate`, `decode-failed` when no frame decodes, `non-finite` for a
    /// NaN or infinite sample among those read, and the stream's own errors.
    func fittedClip(from stream: AudioStream, timings: inout SpectrogramTimings) throws
        -> FittedClip {
        let from = stream.sampleRate
        let path = stream.path
        guard from > 0 else {
            throw MediaError(path: path, code: "bad-sample-rate",
                             reason: "cannot resample from \(from) Hz to \(targetRate) Hz")
        }
        let designStart = SpectrogramTimings.now()
        let resampler = try resampler(from: from, path: path)
        timings.resample += SpectrogramTimings.now() - designStart
        let centreStart = self.centreStart(declaredFrames: stream.declaredFrames, from: from)
        let needed = (centreStart ?? 0) + clipSamples

        resampled.removeAll()
        var read = 0
        var ended = false
        while resampled.count < needed {
            let capacity = readSize(remaining: needed - resampled.count, from: from)
            var started = SpectrogramTimings.now()
            let got = try chunk.withUnsafeMutableBufferPointer { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return try stream.readMono(into: base, capacity: capacity)
            }
            if !stream.samplesAlwaysFinite {
                try checkFinite(got, firstIndex: read, path: path)
            }
            timings.decode += SpectrogramTimings.now() - started
            if got == 0 {
                ended = true
                break
            }
            read += got

            started = SpectrogramTimings.now()
            try append(got, resampler: resampler, path: path)
            timings.resample += SpectrogramTimings.now() - started
        }
        guard read > 0 else { throw AudioFile.nothingDecoded(stream) }

        let started = SpectrogramTimings.now()
        if ended {
            stream.noteEnd(framesRead: read)
            try resampler?.finish(into: resampled, path: path)
            fixLength(resampled, sourceFrames: read, from: from)
        }
        timings.resample += SpectrogramTimings.now() - started

        let fitStart = SpectrogramTimings.now()
        try fit(resampled, ended: ended, centreStart: centreStart,
                checked: !stream.samplesAlwaysFinite, path: path)
        timings.fit += SpectrogramTimings.now() - fitStart
        return FittedClip(framesRead: read, readToEnd: ended)
    }

    /// Fits (and clamps) the resampled signal `signal` into `fitted`, which then points into
    /// `signal` or into the reader's own scratch space. `ended` says whether the source was
    /// read to its end (else `signal` holds at least `centreStart + clipSamples` samples).
    /// With `checked`, throws `non-finite` when the clip holds NaN or infinity
    /// (`checkResampled`); integer sources, whose samples are bounded, need no check.
    func fit(_ signal: AudioSampleBuffer, ended: Bool, centreStart: Int?, checked: Bool,
             path: String) throws {
        if signal.count >= clipSamples {
            // a window of the resampled signal, as `AudioFit` takes it from a long clip
            let start = ended ? (rule == .cropCentre ? (signal.count - clipSamples) / 2 : 0)
                : centreStart ?? 0
            fitted = UnsafeBufferPointer(start: signal.base + start, count: clipSamples)
        } else {
            AudioFit.fit(signal.samples, length: clipSamples, rule: rule, into: built)
            fitted = built.samples
        }
        if checked { try AudioClipReader.checkResampled(fitted, path: path) }
        clampIfAsked(fitted)
    }

    /// Throws `non-finite` when a clip fitted from finite samples holds NaN or infinity:
    /// float samples near the float32 limit (|x| around 1e36 and above) overflow the
    /// resampler's filter sums, and the clamp would keep a NaN.
    static func checkResampled(_ samples: UnsafeBufferPointer<Float>, path: String) throws {
        guard let bad = firstNonFinite(samples) else { return }
        throw MediaError(path: path, code: "non-finite",
                         reason: "the resampled clip is \(samples[bad]) at sample \(bad): the "
                            + "decoded samples are finite but too large for the resampling "
                            + "filter to stay within float32")
    }

    /// Clamps `samples` (the reader's own scratch space) to [-1, 1] in place when the
    /// configuration asks for it.
    private func clampIfAsked(_ samples: UnsafeBufferPointer<Float>) {
        guard clamp, let base = samples.baseAddress else { return }
        let values = UnsafeMutablePointer(mutating: base)
        for i in 0..<samples.count { values[i] = min(max(values[i], -1), 1) }
    }

    // MARK: - Steps

    /// The session for `from` Hz, cleared for a new clip; nil when no resampling is needed.
    private func resampler(from: Int, path: String) throws -> ResamplerSession? {
        guard from != targetRate else { return nil }
        if session?.from != from {
            session = try ResamplerSession(from: from, to: targetRate, path: path)
        }
        try session?.begin(path: path)
        return session
    }

    /// For `crop-centre` on a source whose header declares a length giving at least a clip,
    /// where the centre window of the length-fixed resampled signal starts.
    // LIMITATION: a FLAC or Ogg file that decodes to fewer frames than its header declares,
    // yet still to more than the centre window's end, is cropped around the declared centre
    // — librosa would crop around the centre of what decodes; WAV headers are checked
    // against the file size by libsndfile, so WAV files are exact.
    // LIMITATION: a container track declares no frame count, so crop-centre decodes it to the
    // end before cropping — its length is known only then.
    func centreStart(declaredFrames: Int?, from: Int) -> Int? {
        guard rule == .cropCentre, let declared = declaredFrames, declared > 0 else { return nil }
        let length = Resampler.outputLength(inputLength: declared, from: from, to: targetRate)
        guard length > clipSamples else { return nil }
        return (length - clipSamples) / 2
    }

    /// How many source frames to ask for when `remaining` resampled samples are still missing:
    /// their span at the source rate, at least `minimumRead`, at most `chunkFrames`.
    private func readSize(remaining: Int, from: Int) -> Int {
        let span = Int((Double(remaining) * Double(from) / Double(targetRate)).rounded(.up)) + 1
        return min(AudioClipReader.chunkFrames, max(AudioClipReader.minimumRead, span))
    }

    /// Throws `non-finite` naming the first NaN or infinite sample among the `count` just read.
    private func checkFinite(_ count: Int, firstIndex: Int, path: String) throws {
        try chunk.withUnsafeBufferPointer {
            try AudioClipReader.checkFinite(UnsafeBufferPointer(rebasing: $0[0..<count]),
                                            firstIndex: firstIndex, path: path)
        }
    }

    /// Throws `non-finite` naming the first NaN or infinite sample among `samples`, the frames
    /// read from `firstIndex` on.
    static func checkFinite(_ samples: UnsafeBufferPointer<Float>, firstIndex: Int,
                            path: String) throws {
        guard let bad = firstNonFinite(samples) else { return }
        throw MediaError(path: path, code: "non-finite",
                         reason: nonFiniteReason(firstIndex + bad, samples[bad]))
    }

    /// The index of the first NaN or infinite value of `samples`, found by a vector scan first
    /// (`SpectrogramMath.containsNonFinite`); nil when every value is finite.
    static func firstNonFinite(_ samples: UnsafeBufferPointer<Float>) -> Int? {
        guard SpectrogramMath.containsNonFinite(samples) else { return nil }
        return samples.firstIndex { !$0.isFinite }
    }

    /// Why decoded mono sample `index`, `value`, is refused: the file holds a NaN or an
    /// infinity, or a value that Float32 cannot hold once decoded (a double beyond 3.4e38, or
    /// channels whose sum for the mean overflows).
    static func nonFiniteReason(_ index: Int, _ value: Float) -> String {
        "mono sample \(index) is \(value); audio must be finite (a NaN or infinite sample, or "
            + "a double or a sum of channels beyond float32)"
    }

    /// Resamples (or, at the target rate, copies) the first `count` samples of the chunk
    /// into `resampled`.
    private func append(_ count: Int, resampler: ResamplerSession?, path: String) throws {
        try chunk.withUnsafeBufferPointer { buffer in
            let part = UnsafeBufferPointer(rebasing: buffer[0..<count])
            guard let resampler else { return resampled.append(part) }
            try resampler.push(part, into: resampled, path: path)
        }
    }

    /// librosa's length fix after resampling: zero-pad or cut to `ceil(n * to / from)`.
    func fixLength(_ resampled: AudioSampleBuffer, sourceFrames: Int, from: Int) {
        guard from != targetRate else { return }
        let target = Resampler.outputLength(inputLength: sourceFrames, from: from, to: targetRate)
        if resampled.count > target {
            resampled.truncate(to: target)
        } else {
            resampled.appendZeros(target - resampled.count)
        }
    }
}
