import CFFTW
import Foundation

/// One FFTW single-precision plan for the real FFT of size `nFFT` with its own aligned buffers,
/// read out as magnitudes; `deinit` destroys the plan and frees the buffers.
///
/// An even `nFFT` is transformed as `nFFT / 2` complex points (even samples as real parts, odd
/// samples as imaginary parts) and the one-sided spectrum is split out of that half-size
/// transform with precomputed twiddles, fused with the magnitude: with `FFTW_ESTIMATE` plans,
/// which are deterministic, FFTW's own real-input plan for 512 points is about three times
/// slower than its complex plan for 256 points. An odd `nFFT` uses FFTW's real-input plan.
///
/// FFTW's planner is not thread-safe, so plan creation and destruction hold a process-wide
/// lock; executing a plan on its own buffers is thread-safe as long as each thread has its own
/// plan, which is why one `STFTPlan` belongs to one extractor and one extractor to one thread.
final class STFTPlan {
    /// Serialises every call into FFTW's planner (`fftwf_plan_*`, `fftwf_destroy_plan`).
    private static let plannerLock = NSLock()

    /// Transform size in samples.
    let nFFT: Int
    /// One-sided spectrum length, `nFFT / 2 + 1`.
    let bins: Int
    /// The `nFFT` real input samples of the next transform.
    let input: UnsafeMutablePointer<Float>
    /// The transform's output: `nFFT / 2` complex values of the half-size transform (even
    /// `nFFT`) or the `bins` values of the one-sided spectrum (odd `nFFT`), as (re, im) pairs.
    private let output: UnsafeMutablePointer<fftwf_complex>
    /// For even `nFFT`: `cos(2πk / nFFT) / 2` and `-sin(2πk / nFFT) / 2` for k in 0..<bins.
    private let twiddleRe: UnsafeMutablePointer<Float>
    private let twiddleIm: UnsafeMutablePointer<Float>
    /// For even `nFFT`: the half-size transform's real and imaginary parts, `nFFT / 2` each.
    private let planeRe: UnsafeMutablePointer<Float>
    private let planeIm: UnsafeMutablePointer<Float>
    private let plan: OpaquePointer

    /// Allocates the buffers (`fftwf_alloc_real`, `fftwf_alloc_complex`) and makes an
    /// `FFTW_ESTIMATE` plan under the planner lock: `fftwf_plan_dft_1d` of `nFFT / 2` points
    /// for an even `nFFT`, `fftwf_plan_dft_r2c_1d` for an odd one.
    init(nFFT: Int) throws {
        guard nFFT > 0, nFFT <= 1 << 24 else {
            throw MediaError(path: "(audio config)", code: "bad-config",
                             reason: "n_fft must be in 1...16777216, found \(nFFT)")
        }
        let bins = nFFT / 2 + 1
        let split = nFFT % 2 == 0
        guard let input = fftwf_alloc_real(nFFT), let output = fftwf_alloc_complex(bins) else {
            throw MediaError(path: "(audio config)", code: "bad-config",
                             reason: "cannot allocate FFT buffers for n_fft \(nFFT)")
        }
        input.initialize(repeating: 0, count: nFFT)

        STFTPlan.plannerLock.lock()
        let plan = split
            ? input.withMemoryRebound(to: fftwf_complex.self, capacity: nFFT / 2) {
                fftwf_plan_dft_1d(Int32(nFFT / 2), $0, output, FFTW_FORWARD,
                                  amss_fftw_estimate())
            }
            : fftwf_plan_dft_r2c_1d(Int32(nFFT), input, output, amss_fftw_estimate())
        STFTPlan.plannerLock.unlock()

        guard let plan else {
            fftwf_free(input)
            fftwf_free(output)
            throw MediaError(path: "(audio config)", code: "bad-config",
                             reason: "FFTW could not plan a real FFT of size \(nFFT)")
        }
        self.nFFT = nFFT
        self.bins = bins
        self.input = input
        self.output = output
        self.plan = plan
        twiddleRe = .allocate(capacity: bins)
        twiddleIm = .allocate(capacity: bins)
        planeRe = .allocate(capacity: bins)
        planeIm = .allocate(capacity: bins)
        for k in 0..<bins {
            let angle = 2 * Double.pi * Double(k) / Double(nFFT)
            twiddleRe[k] = Float(cos(angle) / 2)
            twiddleIm[k] = Float(-sin(angle) / 2)
        }
    }

    deinit {
        STFTPlan.plannerLock.lock()
        fftwf_destroy_plan(plan)
        STFTPlan.plannerLock.unlock()
        fftwf_free(input)
        fftwf_free(output)
        twiddleRe.deallocate()
        twiddleIm.deallocate()
        planeRe.deallocate()
        planeIm.deallocate()
    }

    /// Transforms `input` (calls `fftwf_execute`) and writes `|X_k|` (or `|X_k|²` when
    /// `power`) of the one-sided spectrum to `column[0..<bins]`.
    func transform(into column: UnsafeMutablePointer<Float>, power: Bool) {
        fftwf_execute(plan)

        let z = UnsafeRawPointer(output).assumingMemoryBound(to: Float.self)
        if nFFT % 2 == 0 {
            splitMagnitudes(z, into: column, power: power)
            return
        }
        for k in 0..<bins {
            let re = z[2 * k]
            let im = z[2 * k + 1]
            column[k] = power ? re * re + im * im : (re * re + im * im).squareRoot()
        }
    }

    /// The one-sided spectrum of `nFFT` real samples from the `h = nFFT / 2`-point transform
    /// `Z` of their even (real part) and odd (imaginary part) samples, as magnitudes:
    /// `X_k = E_k + w^k O_k` with `E_k = (Z_k + conj Z_{h-k}) / 2`,
    /// `O_k = (Z_k - conj Z_{h-k}) / 2i` and `w = exp(-2πi / nFFT)` (`Z_h = Z_0`). `Z` is first
    /// split into real and imaginary planes, so that the loops over bins vectorise.
    private func splitMagnitudes(_ z: UnsafePointer<Float>,
                                 into column: UnsafeMutablePointer<Float>, power: Bool) {
        let h = nFFT / 2
        let zr = planeRe
        let zi = planeIm
        for k in 0..<h {
            zr[k] = z[2 &* k]
            zi[k] = z[2 &* k &+ 1]
        }
        column[0] = (zr[0] + zi[0]) * (zr[0] + zi[0])
        column[h] = (zr[0] - zi[0]) * (zr[0] - zi[0])

        let wr = twiddleRe
        let wi = twiddleIm
        for k in 1..<max(1, h) {
            let ar = zr[k]
            let ai = zi[k]
            let br = zr[h &- k]
            let bi = zi[h &- k]
            // 2E = A + conj B and 2O = -i (A - conj B) with B = Z_{h-k}; the twiddles hold w / 2
            let or = ai + bi
            let oi = br - ar
            let xr = (ar + br) * 0.5 + (wr[k] * or - wi[k] * oi)
            let xi = (ai - bi) * 0.5 + (wr[k] * oi + wi[k] * or)
            column[k] = xr * xr + xi * xi
        }
        guard !power else { return }
        STFTPlan.squareRoots(column, count: bins)
    }

    /// `values[i] = √values[i]` for non-negative values, in SIMD lanes: the square root of a
    /// `magnitude` is known to need no `errno`, so it compiles to `sqrtps`, where a plain
    /// `squareRoot()` of a loaded value keeps a branch to libm's `sqrtf` for negative inputs
    /// (the same value for every input that is not negative).
    static func squareRoots(_ values: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { values[i] = values[i].magnitude.squareRoot() }
    }
}
