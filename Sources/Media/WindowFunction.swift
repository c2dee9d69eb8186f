import Foundation

/// The STFT analysis windows, in their periodic ("DFT-even") form as `scipy.signal.get_window`
/// makes them with `fftbins=True`, which librosa uses.
enum WindowFunction: String, CaseIterable {
    /// `0.5 - 0.5 cos(2 pi n / N)`.
    case hann
    /// `0.54 - 0.46 cos(2 pi n / N)`.
    case hamming
    /// All ones.
    case rectangular

    /// The `length`-point periodic window, computed in Float64 and rounded once to Float32.
    func values(length: Int) -> [Float] {
        guard length > 0 else { return [] }
        let n = Double(length)
        return (0..<length).map { i in
            let phase = 2 * Double.pi * Double(i) / n
            switch self {
            case .hann: return Float(0.5 - 0.5 * cos(phase))
            case .hamming: return Float(0.54 - 0.46 * cos(phase))
            case .rectangular: return 1
            }
        }
    }

    /// The window of `winLength` points centred in `nFFT` points, zeros on both sides (the left
    /// side gets `(nFFT - winLength) / 2`, as librosa's `pad_center`).
    func padded(winLength: Int, nFFT: Int) -> [Float] {
        let core = values(length: winLength)
        let left = (nFFT - winLength) / 2
        var out = [Float](repeating: 0, count: nFFT)
        for (i, v) in core.enumerated() { out[left + i] = v }
        return out
    }
}
