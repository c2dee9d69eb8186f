import Foundation

/// The audio stage: decode → mono → resample (libsoxr HQ) → fit → clamp → STFT → log|S|.
///
/// Matches `librosa.load(path, sr=sampleRate)` followed by `np.log(np.abs(librosa.stft(y,
/// n_fft, hop_length, win_length, window, center, pad_mode)) + log_offset)` (librosa 0.11).
/// One extractor holds one FFTW plan and scratch space: make one per worker thread and do not
/// share it across threads.
public final class SpectrogramExtractor {
    /// The configuration this extractor was made for.
    public let config: AudioConfig

    private let plan: STFTPlan
    private let window: [Float]
    private let reflect: Bool
    private let clipSamples: Int
    /// The resampler of the last source rate seen, reused while the rate stays the same.
    private var session: ResamplerSession?

    /// Validates `config` and plans its FFT; throws `bad-config` for an unusable
    /// configuration (non-positive sizes, a window longer than n_fft, unknown names).
    public init(config: AudioConfig) throws {
        try SpectrogramExtractor.validate(config)
        guard let shape = WindowFunction(rawValue: config.window) else {
            throw SpectrogramExtractor.badConfig("unknown window \"\(config.window)\"")
        }
        self.config = config
        self.plan = try STFTPlan(nFFT: config.nFFT)
        self.window = shape.padded(winLength: config.effectiveWinLength, nFFT: config.nFFT)
        self.reflect = config.padMode == "reflect"
        self.clipSamples = config.clipSamples
    }

    /// The whole recipe from a file path (see `AudioFile.readMono` for the decoding errors).
    public func spectrogram(ofFile path: String) throws -> Spectrogram {
        let decoded = try AudioFile.readMono(path: path)
        return try spectrogram(decoded.samples, sampleRate: decoded.sampleRate, path: path)
    }

    /// From mono samples at `sampleRate` Hz: resample, fit, clamp, STFT, log. Throws
    /// `empty-media` for no samples and `non-finite` for NaN or infinite samples.
    public func spectrogram(ofSamples samples: [Float], sampleRate: Int) throws -> Spectrogram {
        try spectrogram(samples, sampleRate: sampleRate, path: "(samples)")
    }

    /// The magnitude |STFT| of already fitted (and clamped) samples, for tests and diagnostics;
    /// 0 frames when the samples are too short for one uncentred frame.
    ///
    /// The transform is FFTW single precision; librosa transforms in Float64 and rounds to
    /// complex64, so values differ by float32 rounding (about 1e-7 × max|S| on speech).
    public func magnitude(ofFitted samples: [Float]) -> Spectrogram {
        let n = samples.count
        let nFFT = config.nFFT
        let hop = config.hopLength
        let frames = AudioConfig.frameCount(samples: n, nFFT: nFFT, hop: hop,
                                            center: config.center)
        let bins = plan.bins
        var values = [Float](repeating: 0, count: bins * frames)
        guard frames > 0 else { return Spectrogram(bins: bins, frames: 0, values: []) }
        let pad = config.center ? nFFT / 2 : 0

        samples.withUnsafeBufferPointer { x in
            window.withUnsafeBufferPointer { w in
                values.withUnsafeMutableBufferPointer { out in
                    for t in 0..<frames {
                        loadFrame(x, window: w, origin: t * hop - pad)

                        plan.execute()

                        storeMagnitudes(into: out, frame: t, frames: frames)
                    }
                }
            }
        }
        return Spectrogram(bins: bins, frames: frames, values: values)
    }

    // MARK: - Steps

    /// Resample, fit, clamp, magnitude, log, with `path` named in errors.
    func spectrogram(_ samples: [Float], sampleRate: Int, path: String) throws -> Spectrogram {
        guard !samples.isEmpty else {
            throw MediaError(path: path, code: "empty-media", reason: "no audio samples")
        }
        if let bad = samples.firstIndex(where: { !$0.isFinite }) {
            throw MediaError(path: path, code: "non-finite",
                             reason: "sample \(bad) is \(samples[bad]); audio must be finite")
        }

        if sampleRate > 0, sampleRate != config.sampleRate, session?.from != sampleRate {
            session = try ResamplerSession(from: sampleRate, to: config.sampleRate, path: path)
        }
        let resampled = try Resampler.resample(samples, from: sampleRate, to: config.sampleRate,
                                               path: path, session: session)

        var fitted = AudioFit.fit(resampled, length: clipSamples, rule: config.fit)
        if config.clamp {
            for i in fitted.indices { fitted[i] = min(max(fitted[i], -1), 1) }
        }

        var spectrogram = magnitude(ofFitted: fitted)
        guard spectrogram.frames > 0 else {
            throw MediaError(path: path, code: "too-short",
                             reason: "\(fitted.count) samples give no frame of n_fft "
                                + "\(config.nFFT) without centring")
        }

        let offset = Float(config.logOffset)
        for i in spectrogram.values.indices {
            spectrogram.values[i] = log(spectrogram.values[i] + offset)
        }
        return spectrogram
    }

    /// Fills the plan's input with `nFFT` windowed samples starting at signal index `origin`
    /// (negative or past the end inside the centre padding: zeros, or numpy's "reflect").
    private func loadFrame(_ x: UnsafeBufferPointer<Float>, window w: UnsafeBufferPointer<Float>,
                           origin: Int) {
        let nFFT = config.nFFT
        let n = x.count
        let input = plan.input
        if origin >= 0 && origin + nFFT <= n {
            for i in 0..<nFFT { input[i] = x[origin + i] * w[i] }
            return
        }
        for i in 0..<nFFT {
            let j = origin + i
            let sample: Float
            if j >= 0 && j < n {
                sample = x[j]
            } else {
                sample = reflect ? x[SpectrogramExtractor.reflectIndex(j, count: n)] : 0
            }
            input[i] = sample * w[i]
        }
    }

    /// Writes |X_k| of the plan's output into column `frame` of the row-major output.
    private func storeMagnitudes(into out: UnsafeMutableBufferPointer<Float>, frame: Int,
                                 frames: Int) {
        let spectrum = plan.output
        for k in 0..<plan.bins {
            let (re, im) = spectrum[k]
            out[k * frames + frame] = (re * re + im * im).squareRoot()
        }
    }

    /// numpy's `pad(mode="reflect")` index: reflect about the first and last sample without
    /// repeating them, folding again for pads longer than the signal.
    static func reflectIndex(_ j: Int, count n: Int) -> Int {
        guard n > 1 else { return 0 }
        let period = 2 * (n - 1)
        var m = j % period
        if m < 0 { m += period }
        return m < n ? m : period - m
    }

    // MARK: - Validation

    static func validate(_ config: AudioConfig) throws {
        guard config.sampleRate > 0 else {
            throw badConfig("sample_rate must be positive, found \(config.sampleRate)")
        }
        guard config.clipSamples > 0 else {
            throw badConfig("clip_seconds \(config.clipSeconds) at \(config.sampleRate) Hz "
                + "must give 1...\(AudioConfig.maxClipSamples) samples")
        }
        guard config.nFFT > 0, config.nFFT <= 1 << 20 else {
            throw badConfig("n_fft must be in 1...1048576, found \(config.nFFT)")
        }
        guard config.hopLength > 0 else {
            throw badConfig("hop_length must be positive, found \(config.hopLength)")
        }
        let win = config.effectiveWinLength
        guard win > 0, win <= config.nFFT else {
            throw badConfig("win_length must be in 1...n_fft (\(config.nFFT)), found \(win)")
        }
        guard AudioConfig.windows.contains(config.window) else {
            throw badConfig("window must be one of " + AudioConfig.windows.joined(separator: ", ")
                + ", found \"\(config.window)\"")
        }
        guard AudioConfig.padModes.contains(config.padMode) else {
            throw badConfig("pad_mode must be one of "
                + AudioConfig.padModes.joined(separator: ", ") + ", found \"\(config.padMode)\"")
        }
        guard config.logOffset.isFinite, config.logOffset >= 0 else {
            throw badConfig("log_offset must be finite and non-negative, found \(config.logOffset)")
        }
    }

    static func badConfig(_ reason: String) -> MediaError {
        MediaError(path: "(audio config)", code: "bad-config", reason: reason)
    }
}
