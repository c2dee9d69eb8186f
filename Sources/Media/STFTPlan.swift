import CFFTW
import Foundation

/// One FFTW single-precision real-to-complex plan of size `nFFT` with its own aligned input and
/// output buffers; `deinit` destroys the plan and frees the buffers.
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
    /// The `bins` complex outputs of the last transform, as (re, im) pairs.
    let output: UnsafeMutablePointer<fftwf_complex>
    private let plan: OpaquePointer

    /// Allocates the buffers (`fftwf_alloc_real`, `fftwf_alloc_complex`) and makes an
    /// `FFTW_ESTIMATE` plan (`fftwf_plan_dft_r2c_1d`) under the planner lock.
    init(nFFT: Int) throws {
        guard nFFT > 0, nFFT <= 1 << 24 else {
            throw MediaError(path: "(audio config)", code: "bad-config",
                             reason: "n_fft must be in 1...16777216, found \(nFFT)")
        }
        let bins = nFFT / 2 + 1
        guard let input = fftwf_alloc_real(nFFT), let output = fftwf_alloc_complex(bins) else {
            throw MediaError(path: "(audio config)", code: "bad-config",
                             reason: "cannot allocate FFT buffers for n_fft \(nFFT)")
        }
        input.initialize(repeating: 0, count: nFFT)

        STFTPlan.plannerLock.lock()
        let plan = fftwf_plan_dft_r2c_1d(Int32(nFFT), input, output, amss_fftw_estimate())
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
    }

    deinit {
        STFTPlan.plannerLock.lock()
        fftwf_destroy_plan(plan)
        STFTPlan.plannerLock.unlock()
        fftwf_free(input)
        fftwf_free(output)
    }

    /// Transforms `input` into `output` (calls `fftwf_execute`).
    func execute() {
        fftwf_execute(plan)
    }
}
