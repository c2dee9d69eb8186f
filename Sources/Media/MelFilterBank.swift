import Foundation

/// The `[nMels, nFFT / 2 + 1]` triangular filter bank of `librosa.filters.mel`, stored as one
/// run of non-zero weights per filter, and its product with a spectrogram.
///
/// Construction follows librosa 0.11 in Float64: `nMels + 2` band edges equally spaced in mel
/// between `fmin` and `fmax`, each filter the positive part of the smaller of its rising and
/// falling slopes at the FFT bin frequencies (numpy's `rfftfreq`), rounded to Float32;
/// Slaney normalisation then multiplies each filter by `2 / (upper edge - lower edge)` in Hz
/// and rounds again (librosa keeps the weights in a Float32 array throughout).
struct MelFilterBank {
    /// Filter count.
    let nMels: Int
    /// FFT bins each filter spans.
    let bins: Int
    /// Per filter: the first bin with a non-zero weight and the weights from there on.
    let filters: [(first: Int, weights: [Float])]

    /// Builds the bank for an `nFFT`-point FFT at `sampleRate` Hz.
    init(config: MelConfig, sampleRate: Int, nFFT: Int) {
        let bins = nFFT / 2 + 1
        let edges = MelFilterBank.bandEdges(count: config.nMels + 2, low: config.fmin,
                                            high: config.upperHz(sampleRate: sampleRate),
                                            htk: config.htk)
        // numpy's rfftfreq(n_fft, d=1/sr): k * (1 / (n_fft * (1 / sr)))
        let binStep = 1 / (Double(nFFT) * (1 / Double(sampleRate)))
        let binHz = (0..<bins).map { Double($0) * binStep }
        var filters: [(first: Int, weights: [Float])] = []

        for m in 0..<config.nMels {
            let lowWidth = edges[m + 1] - edges[m]
            let highWidth = edges[m + 2] - edges[m + 1]
            let scale = config.norm == "slaney" ? 2 / (edges[m + 2] - edges[m]) : nil
            var row = [Float](repeating: 0, count: bins)
            for k in 0..<bins {
                let rising = (binHz[k] - edges[m]) / lowWidth
                let falling = (edges[m + 2] - binHz[k]) / highWidth
                var w = Float(max(0, min(rising, falling)))
                if let scale { w = Float(Double(w) * scale) }
                row[k] = w
            }
            let first = row.firstIndex { $0 != 0 } ?? 0
            let last = row.lastIndex { $0 != 0 } ?? -1
            filters.append((first, last >= first ? Array(row[first...last]) : []))
        }
        self.nMels = config.nMels
        self.bins = bins
        self.filters = filters
    }

    /// The dense `[nMels, bins]` weights, row-major (for tests).
    var dense: [Float] {
        var out = [Float](repeating: 0, count: nMels * bins)
        for (m, filter) in filters.enumerated() {
            for (j, w) in filter.weights.enumerated() { out[m * bins + filter.first + j] = w }
        }
        return out
    }

    /// `weights · spectrum` frame by frame: `source` holds `frames × bins` values (frame `t`
    /// from `t * bins`), `out` (emptied first) receives `frames × nMels`; each mel value is a
    /// Float32 sum over the filter's bins in bin order, starting from zero.
    func apply(frameMajor source: UnsafePointer<Float>, frames: Int, into out: AudioSampleBuffer) {
        out.removeAll()
        let destination = out.reserve(frames * nMels)
        for t in 0..<frames {
            let spectrum = source + t * bins
            let row = destination + t * nMels
            for (m, filter) in filters.enumerated() {
                var sum: Float = 0
                let start = spectrum + filter.first
                for (j, w) in filter.weights.enumerated() { sum += w * start[j] }
                row[m] = sum
            }
        }
        out.commit(frames * nMels)
    }

    // MARK: - Mel scales

    /// `count` frequencies in Hz equally spaced in mel from `low` to `high` Hz (librosa's
    /// `mel_frequencies`: numpy `linspace` in mel, then back to Hz).
    static func bandEdges(count: Int, low: Double, high: Double, htk: Bool) -> [Double] {
        let a = hzToMel(low, htk: htk)
        let b = hzToMel(high, htk: htk)
        guard count > 1 else { return [melToHz(a, htk: htk)] }
        let step = (b - a) / Double(count - 1)
        return (0..<count).map { i in
            // numpy's linspace: start + i * step, with the last point set to stop exactly
            melToHz(i == count - 1 ? b : a + Double(i) * step, htk: htk)
        }
    }

    /// Hz to mel: HTK `2595 log10(1 + f / 700)`; Slaney linear below 1 kHz (`3 f / 200`),
    /// logarithmic above it (`15 + 27 ln(f / 1000) / ln 6.4`).
    static func hzToMel(_ hz: Double, htk: Bool) -> Double {
        if htk { return 2595 * log10(1 + hz / 700) }
        let linearStep = 200.0 / 3
        let breakHz = 1000.0
        let breakMel = breakHz / linearStep
        let logStep = log(6.4) / 27
        return hz >= breakHz ? breakMel + log(hz / breakHz) / logStep : hz / linearStep
    }

    /// Mel to Hz, the inverse of `hzToMel`.
    static func melToHz(_ mel: Double, htk: Bool) -> Double {
        if htk { return 700 * (pow(10, mel / 2595) - 1) }
        let linearStep = 200.0 / 3
        let breakHz = 1000.0
        let breakMel = breakHz / linearStep
        let logStep = log(6.4) / 27
        return mel >= breakMel ? breakHz * exp(logStep * (mel - breakMel)) : linearStep * mel
    }
}
