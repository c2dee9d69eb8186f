import Foundation

/// Seconds an extractor spent in each step, summed over the clips it made (wall time on the
/// calling thread, from the monotonic clock).
public struct SpectrogramTimings: Equatable, Sendable {
    /// Clips finished.
    public var clips = 0
    /// Opening files and decoding samples to mono Float32.
    public var decode = 0.0
    /// libsoxr resampling.
    public var resample = 0.0
    /// Fitting to the clip length and clamping.
    public var fit = 0.0
    /// Windowing, FFT and magnitudes (and the mel filter bank).
    public var stft = 0.0
    /// Log or dB compression.
    public var scale = 0.0

    /// No clips, no time.
    public init() {}

    /// The sum of every step.
    public var total: Double { decode + resample + fit + stft + scale }

    /// Seconds since an arbitrary start, for differences.
    static func now() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) * 1e-9
    }
}
