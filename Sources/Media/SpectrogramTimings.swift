import Foundation

/// Seconds an extractor spent in each step, summed over the clips it made, by the monotonic
/// clock (`CLOCK_MONOTONIC`, read in user space in about 20 ns).
///
/// The thread's CPU clock would not count time lost to other processes on a busy machine, but
/// on virtual machines each read of it is a system call of about 4 µs: some 20 reads per clip
/// would add a tenth to the stage's time. Callers that want CPU time read `cpuNow()` around
/// many clips.
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

    /// Seconds since an arbitrary start, for differences (calls
    /// `clock_gettime(CLOCK_MONOTONIC)`).
    public static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// CPU seconds of the calling thread since an arbitrary start, for differences (calls
    /// `clock_gettime(CLOCK_THREAD_CPUTIME_ID)`, a system call on virtual machines).
    public static func cpuNow() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
