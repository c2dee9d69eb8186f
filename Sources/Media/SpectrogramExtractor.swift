import Foundation

/// The audio stage: decode → mono → resample (libsoxr HQ) → fit → clamp → STFT → optional mel
/// filter bank → magnitude, power, log or dB.
///
/// Matches `librosa.load(path, sr=sampleRate)` followed by the fit, `np.clip`, and
/// `np.log(np.abs(librosa.stft(y, n_fft, hop_length, win_length, window, center, pad_mode))
/// + log_offset)` for the default `log` output (librosa 0.11); the other outputs follow
/// `AudioOutputKind`, the mel bank `librosa.filters.mel`. A long file is decoded only as far
/// as the clip needs (`AudioClipReader`). One extractor holds one FFTW plan, one resampler and
/// scratch space: make one per worker thread and do not share it across threads.
public final class SpectrogramExtractor {
    /// The configuration this extractor was made for.
    public let config: AudioConfig
    /// Seconds spent per step over every clip made so far.
    public internal(set) var timings = SpectrogramTimings()

    private let analysis: STFTAnalysis
    private let melBank: MelFilterBank?
    let reader: AudioClipReader
    private let spectrumScratch = AudioSampleBuffer(capacity: 1 << 16)
    private let melScratch = AudioSampleBuffer(capacity: 1 << 12)

    /// Validates `config`, plans its FFT and builds its mel filter bank; throws `bad-config`
    /// for an unusable configuration (non-positive sizes, a window longer than n_fft, unknown
    /// names, a bad mel bank or dB scale).
    ///
    /// The first extractor of the process raises glibc's malloc thresholds
    /// (`AudioHeapTuning`), so that per-clip buffers are not page-faulted afresh.
    public init(config: AudioConfig) throws {
        try SpectrogramExtractor.validate(config)
        AudioHeapTuning.apply()
        guard let shape = WindowFunction(rawValue: config.window) else {
            throw SpectrogramExtractor.badConfig("unknown window \"\(config.window)\"")
        }
        self.config = config
        self.analysis = try STFTAnalysis(nFFT: config.nFFT, hop: config.hopLength,
                                         winLength: config.effectiveWinLength, window: shape,
                                         center: config.center,
                                         reflect: config.padMode == "reflect")
        self.melBank = config.mel.map {
            MelFilterBank(config: $0, sampleRate: config.sampleRate, nFFT: config.nFFT)
        }
        self.reader = AudioClipReader(targetRate: config.sampleRate,
                                      clipSamples: config.clipSamples, rule: config.fit,
                                      clamp: config.clamp)
    }

    /// The whole recipe from a file path, with the warnings to record next to the sample (see
    /// `AudioFile` for the decoding errors).
    public func features(ofFile path: String) throws -> AudioFeatures {
        let started = SpectrogramTimings.now()
        let stream = try AudioFile.open(path: path)
        timings.decode += SpectrogramTimings.now() - started
        return try features(of: stream)
    }

    /// The spectrogram of a file (`features(ofFile:)` without the warnings).
    public func spectrogram(ofFile path: String) throws -> Spectrogram {
        try features(ofFile: path).spectrogram
    }

    /// From mono samples at `sampleRate` Hz: resample, fit, clamp, STFT, output. Throws
    /// `empty-media` for no samples and `non-finite` for NaN or infinite samples.
    public func spectrogram(ofSamples samples: [Float], sampleRate: Int) throws -> Spectrogram {
        let path = "(samples)"
        guard !samples.isEmpty else {
            throw MediaError(path: path, code: "empty-media", reason: "no audio samples")
        }
        if let bad = samples.firstIndex(where: { !$0.isFinite }) {
            throw MediaError(path: path, code: "non-finite",
                             reason: "sample \(bad) is \(samples[bad]); audio must be finite")
        }
        let stream = AudioSamplesStream(samples, sampleRate: sampleRate, path: path)
        return try features(of: stream).spectrogram
    }

    /// The configured output of already fitted (and clamped) samples.
    public func spectrogram(ofFitted samples: [Float]) -> Spectrogram {
        samples.withUnsafeBufferPointer { spectrogram(ofFitted: $0) }
    }

    /// The configured output of fitted samples: spectrum and mel bank frame by frame into
    /// scratch space, compression over it, then one transposition into the result.
    func spectrogram(ofFitted samples: UnsafeBufferPointer<Float>) -> Spectrogram {
        var started = SpectrogramTimings.now()
        let frames = analysis.frameMajor(of: samples, power: config.output.usesPower,
                                         into: spectrumScratch)
        var data = spectrumScratch
        if let melBank {
            melBank.apply(frameMajor: spectrumScratch.base, frames: frames, into: melScratch)
            data = melScratch
        }
        let rows = melBank?.nMels ?? analysis.bins
        timings.stft += SpectrogramTimings.now() - started

        started = SpectrogramTimings.now()
        compress(UnsafeMutableBufferPointer(start: data.base, count: data.count))
        let values = [Float](unsafeUninitializedCapacity: rows * frames) { buffer, count in
            if let base = buffer.baseAddress {
                SpectrogramMath.transpose(data.base, rows: rows, columns: frames, into: base)
            }
            count = rows * frames
        }
        timings.scale += SpectrogramTimings.now() - started
        return Spectrogram(bins: rows, frames: frames, values: values)
    }

    /// The magnitude |STFT| of already fitted (and clamped) samples, whatever the configured
    /// output, for tests and diagnostics; 0 frames when the samples are too short for one
    /// uncentred frame.
    public func magnitude(ofFitted samples: [Float]) -> Spectrogram {
        analysis.spectrum(of: samples, power: false)
    }

    /// The mel filter bank as a dense row-major `[n_mels, n_fft / 2 + 1]` matrix, or nil
    /// without one.
    public var melWeights: [Float]? { melBank?.dense }

    /// Forgets the step timings.
    public func resetTimings() {
        timings = SpectrogramTimings()
    }

    // MARK: - Steps

    /// Fit the stream's clip, then transform it.
    func features(of stream: AudioStream) throws -> AudioFeatures {
        let fitted = try reader.fittedClip(from: stream, timings: &timings)
        return try features(of: fitted, path: stream.path, warnings: stream.warnings)
    }

    /// Transform the reader's current clip.
    func features(of fitted: FittedClip, path: String, warnings: [AudioWarning]) throws
        -> AudioFeatures {
        let spectrogram = spectrogram(ofFitted: reader.fitted)
        guard spectrogram.frames > 0 else {
            throw MediaError(path: path, code: "too-short",
                             reason: "\(reader.fitted.count) samples give no frame of n_fft "
                                + "\(config.nFFT) without centring")
        }
        if !config.clamp { try SpectrogramExtractor.checkOverflow(spectrogram, path: path) }
        timings.clips += 1
        return AudioFeatures(spectrogram: spectrogram, warnings: warnings,
                             framesRead: fitted.framesRead, readToEnd: fitted.readToEnd)
    }

    // LIMITATION: without the clamp, a bin whose |S| passes about 1.8e19 (samples above about
    // 1e17) is rejected: the magnitude is √(re² + im²) in Float32, whose square overflows,
    // where numpy's `abs` (a scaled hypot) stays finite up to 3.4e38. A hypot in the STFT's
    // vector loop would cost every clip for inputs no recording holds.
    /// Throws `non-finite` when a spectrogram of an unclamped clip holds NaN or +infinity
    /// (samples so large that the transform or its square overflows float32); -infinity,
    /// the log of a zero bin with `log_offset` 0, is what librosa gives too.
    static func checkOverflow(_ spectrogram: Spectrogram, path: String) throws {
        guard let bad = spectrogram.values.firstIndex(where: { $0.isNaN || $0 == .infinity })
        else { return }
        throw MediaError(path: path, code: "non-finite",
                         reason: "the spectrogram is \(spectrogram.values[bad]) at bin "
                            + "\(bad / spectrogram.frames), frame \(bad % spectrogram.frames): "
                            + "the unclamped clip's samples are too large (|S|² must stay within "
                            + "float32, so |S| below about 1.8e19)")
    }

    /// The output kind's compression, in place: `ln(x + log_offset)` in Float32 as numpy
    /// computes `np.log(S + offset)`, or the dB scale.
    private func compress(_ values: UnsafeMutableBufferPointer<Float>) {
        switch config.output {
        case .magnitude, .power:
            return
        case .log, .logPower:
            // clamped samples give finite magnitudes (at most n_fft), so with a normal offset
            // every log argument is normal and positive
            let offset = Float(config.logOffset)
            let safe = config.clamp && offset >= Float.leastNormalMagnitude && offset.isFinite
            SpectrogramMath.log(values, offset: offset, checked: !safe)
        case .db:
            config.decibels.apply(to: values)
        }
    }

    /// numpy's `pad(mode="reflect")` index (see `STFTAnalysis.reflectIndex`).
    static func reflectIndex(_ j: Int, count n: Int) -> Int {
        STFTAnalysis.reflectIndex(j, count: n)
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
        if let problem = config.mel?.problem(sampleRate: config.sampleRate) {
            throw badConfig(problem)
        }
        if let problem = config.decibels.problem { throw badConfig(problem) }
    }

    static func badConfig(_ reason: String) -> MediaError {
        MediaError(path: "(audio config)", code: "bad-config", reason: reason)
    }
}
