/// Parameters of the audio stage: resampling, clip fitting, STFT, optional mel filter bank and
/// the stored quantity (magnitude, power, log or dB).
///
/// The defaults are the CREMA-D recipe: 22 050 Hz, 3 s clips looped until long enough, STFT
/// with n_fft 512, hop 353, a periodic Hann window and zero centre padding, log(|S| + 1e-7),
/// giving a `[257, 188]` spectrogram.
public struct AudioConfig: Codable, Equatable, Sendable {
    /// Target sample rate in Hz (JSON `sample_rate`).
    public var sampleRate: Int
    /// Clip length in seconds (JSON `clip_seconds`).
    public var clipSeconds: Double
    /// How clips are brought to the clip length (JSON `fit`).
    public var fit: FitRule
    /// FFT size in samples (JSON `n_fft`).
    public var nFFT: Int
    /// Samples between frame starts (JSON `hop_length`).
    public var hopLength: Int
    /// Window length in samples, centred inside `nFFT`; `nil` means `nFFT` (JSON `win_length`).
    public var winLength: Int?
    /// Window name: `hann` or `hamming` (both periodic), or `rectangular` (JSON `window`).
    public var window: String
    /// Whether frames are centred on their time, by padding `nFFT / 2` on both sides (JSON
    /// `center`).
    public var center: Bool
    /// Centre padding: `constant` (zeros) or `reflect` (JSON `pad_mode`).
    public var padMode: String
    /// Added to the magnitude before the natural log (JSON `log_offset`).
    public var logOffset: Double
    /// Whether fitted samples are clamped to [-1, 1] before the STFT (JSON `clamp`).
    public var clamp: Bool
    /// What is stored for each cell (JSON `output`), the log-magnitude by default.
    public var output: AudioOutputKind
    /// An optional mel filter bank applied before the compression (JSON `mel`).
    public var mel: MelConfig?
    /// The decibel scale of the `db` output (JSON `db`).
    public var decibels: AudioDecibels

    /// The window names the STFT understands.
    public static let windows = ["hann", "hamming", "rectangular"]
    /// The centre padding modes the STFT understands.
    public static let padModes = ["constant", "reflect"]

    /// The CREMA-D defaults.
    public init() {
        sampleRate = 22_050
        clipSeconds = 3
        fit = .repeat
        nFFT = 512
        hopLength = 353
        winLength = nil
        window = "hann"
        center = true
        padMode = "constant"
        logOffset = 1e-7
        clamp = true
        output = .log
        mel = nil
        decibels = AudioDecibels()
    }

    /// Samples per fitted clip, `round(sampleRate * clipSeconds)`; 0 when that is not a
    /// positive finite count.
    public var clipSamples: Int {
        let exact = (Double(sampleRate) * clipSeconds).rounded()
        guard exact.isFinite, exact >= 1, exact <= Double(AudioConfig.maxClipSamples) else {
            return 0
        }
        return Int(exact)
    }

    /// Rows of the stored spectrogram: `n_mels` with a mel filter bank, else the frequency
    /// bins of the one-sided spectrum, `nFFT / 2 + 1`.
    public var binCount: Int {
        if let mel { return mel.nMels }
        return nFFT > 0 ? nFFT / 2 + 1 : 0
    }

    /// STFT frames of a clip of `clipSamples` samples (188 for the defaults); with the `tile3`
    /// rule a clip shorter than a third of the clip length gives fewer.
    public var frameCount: Int { AudioConfig.frameCount(samples: clipSamples, nFFT: nFFT,
                                                        hop: hopLength, center: center) }

    /// The effective window length: `winLength`, or `nFFT` when it is not set.
    public var effectiveWinLength: Int { winLength ?? nFFT }

    /// The largest clip the stage accepts (about 100 minutes at 22 050 Hz).
    public static let maxClipSamples = 1 << 27

    /// Frame count of an STFT over `samples` samples: `1 + samples / hop` when centred (padding
    /// `nFFT / 2` on each side), `1 + (samples - nFFT) / hop` otherwise (0 if too short).
    public static func frameCount(samples: Int, nFFT: Int, hop: Int, center: Bool) -> Int {
        guard samples > 0, nFFT > 0, hop > 0 else { return 0 }
        let padded = center ? samples + 2 * (nFFT / 2) : samples
        guard padded >= nFFT else { return 0 }
        return 1 + (padded - nFFT) / hop
    }
}

// MARK: - Codable

extension AudioConfig {
    enum CodingKeys: String, CodingKey {
        case sampleRate = "sample_rate"
        case clipSeconds = "clip_seconds"
        case fit
        case nFFT = "n_fft"
        case hopLength = "hop_length"
        case winLength = "win_length"
        case window
        case center
        case padMode = "pad_mode"
        case logOffset = "log_offset"
        case clamp
        case output
        case mel
        case decibels = "db"
    }

    /// Decodes a configuration; missing keys keep their defaults, unknown window, pad-mode and
    /// fit names are rejected with a `DecodingError` that lists the accepted names.
    public init(from decoder: Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sampleRate = try c.decodeIfPresent(Int.self, forKey: .sampleRate) ?? sampleRate
        clipSeconds = try c.decodeIfPresent(Double.self, forKey: .clipSeconds) ?? clipSeconds
        fit = try c.decodeIfPresent(FitRule.self, forKey: .fit) ?? fit
        nFFT = try c.decodeIfPresent(Int.self, forKey: .nFFT) ?? nFFT
        hopLength = try c.decodeIfPresent(Int.self, forKey: .hopLength) ?? hopLength
        winLength = try c.decodeIfPresent(Int.self, forKey: .winLength)
        window = try c.decodeIfPresent(String.self, forKey: .window) ?? window
        center = try c.decodeIfPresent(Bool.self, forKey: .center) ?? center
        padMode = try c.decodeIfPresent(String.self, forKey: .padMode) ?? padMode
        logOffset = try c.decodeIfPresent(Double.self, forKey: .logOffset) ?? logOffset
        clamp = try c.decodeIfPresent(Bool.self, forKey: .clamp) ?? clamp
        output = try c.decodeIfPresent(AudioOutputKind.self, forKey: .output) ?? output
        mel = try c.decodeIfPresent(MelConfig.self, forKey: .mel)
        decibels = try c.decodeIfPresent(AudioDecibels.self, forKey: .decibels) ?? decibels

        guard AudioConfig.windows.contains(window) else {
            throw DecodingError.dataCorruptedError(
                forKey: .window, in: c,
                debugDescription: "unknown window \"\(window)\"; expected one of "
                    + AudioConfig.windows.joined(separator: ", "))
        }
        guard AudioConfig.padModes.contains(padMode) else {
            throw DecodingError.dataCorruptedError(
                forKey: .padMode, in: c,
                debugDescription: "unknown pad_mode \"\(padMode)\"; expected one of "
                    + AudioConfig.padModes.joined(separator: ", "))
        }
    }

    /// Encodes every key (`mel` as `null` without a filter bank, so that configuration files
    /// may set it); `win_length` only when set.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sampleRate, forKey: .sampleRate)
        try c.encode(clipSeconds, forKey: .clipSeconds)
        try c.encode(fit, forKey: .fit)
        try c.encode(nFFT, forKey: .nFFT)
        try c.encode(hopLength, forKey: .hopLength)
        try c.encodeIfPresent(winLength, forKey: .winLength)
        try c.encode(window, forKey: .window)
        try c.encode(center, forKey: .center)
        try c.encode(padMode, forKey: .padMode)
        try c.encode(logOffset, forKey: .logOffset)
        try c.encode(clamp, forKey: .clamp)
        try c.encode(output, forKey: .output)
        if let mel { try c.encode(mel, forKey: .mel) } else { try c.encodeNil(forKey: .mel) }
        try c.encode(decibels, forKey: .decibels)
    }
}
