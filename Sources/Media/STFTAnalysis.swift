/// The short-time Fourier transform of a fitted clip as librosa 0.11's `stft` frames it:
/// frame `t` starts at sample `t * hop - pad` (`pad = nFFT / 2` when centred), is multiplied by
/// the window and transformed with one FFTW plan (`STFTPlan`); outside the signal the centre
/// padding holds zeros (`constant`) or numpy's `reflect`. Owns its plan: one analysis per
/// thread.
final class STFTAnalysis {
    /// FFT size.
    let nFFT: Int
    /// Samples between frame starts.
    let hop: Int
    /// Whether frames are centred (padding `nFFT / 2` on both sides).
    let center: Bool
    /// Whether the centre padding reflects the signal instead of holding zeros.
    let reflect: Bool
    /// One-sided spectrum length, `nFFT / 2 + 1`.
    var bins: Int { plan.bins }

    private let plan: STFTPlan
    private let window: [Float]

    /// Plans the FFT and builds the `winLength`-point window centred in `nFFT` points.
    init(nFFT: Int, hop: Int, winLength: Int, window shape: WindowFunction, center: Bool,
         reflect: Bool) throws {
        self.nFFT = nFFT
        self.hop = hop
        self.center = center
        self.reflect = reflect
        self.plan = try STFTPlan(nFFT: nFFT)
        self.window = shape.padded(winLength: winLength, nFFT: nFFT)
    }

    /// `|X|` (or `|X|²` when `power`) of every frame of `samples`, row-major `[bins, frames]`;
    /// 0 frames when the samples are too short for one uncentred frame.
    ///
    /// The transform is FFTW single precision; librosa transforms in Float64 and rounds to
    /// complex64, so values differ by float32 rounding (about 1e-7 × max|S| on speech).
    func spectrum(of samples: [Float], power: Bool) -> Spectrogram {
        let scratch = AudioSampleBuffer()
        let frames = samples.withUnsafeBufferPointer {
            frameMajor(of: $0, power: power, into: scratch)
        }
        var values = [Float](repeating: 0, count: bins * frames)
        values.withUnsafeMutableBufferPointer { out in
            guard let base = out.baseAddress else { return }
            SpectrogramMath.transpose(scratch.base, rows: bins, columns: frames, into: base)
        }
        return Spectrogram(bins: bins, frames: frames, values: values)
    }

    /// The same values frame by frame: `out` (emptied first) receives `frames × bins` values,
    /// frame `t`'s bins contiguous from `t * bins`; returns the frame count.
    func frameMajor(of samples: UnsafeBufferPointer<Float>, power: Bool,
                    into out: AudioSampleBuffer) -> Int {
        let frames = AudioConfig.frameCount(samples: samples.count, nFFT: nFFT, hop: hop,
                                            center: center)
        out.removeAll()
        guard frames > 0 else { return 0 }
        let pad = center ? nFFT / 2 : 0
        let bins = self.bins
        let destination = out.reserve(frames * bins)

        window.withUnsafeBufferPointer { w in
            for t in 0..<frames {
                loadFrame(samples, window: w, origin: t * hop - pad)

                plan.transform(into: destination + t * bins, power: power)
            }
        }
        out.commit(frames * bins)
        return frames
    }

    /// Fills the plan's input with `nFFT` windowed samples starting at signal index `origin`
    /// (negative or past the end inside the centre padding: zeros, or numpy's "reflect").
    private func loadFrame(_ x: UnsafeBufferPointer<Float>, window w: UnsafeBufferPointer<Float>,
                           origin: Int) {
        let n = x.count
        let input = plan.input
        guard let xs = x.baseAddress, let ws = w.baseAddress else { return }
        if origin >= 0 && origin + nFFT <= n {
            let frame = xs + origin
            for i in 0..<nFFT { input[i] = frame[i] * ws[i] }
            return
        }
        for i in 0..<nFFT {
            let j = origin + i
            let sample: Float
            if j >= 0 && j < n {
                sample = xs[j]
            } else {
                sample = reflect ? xs[STFTAnalysis.reflectIndex(j, count: n)] : 0
            }
            input[i] = sample * ws[i]
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
}
