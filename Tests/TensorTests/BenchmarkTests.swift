import Foundation
import Models
import Tensor
import XCTest

/// Forward + backward time of the audio–visual model on CREMA-D shapes (spectrogram
/// [1, 257, 188], one 224×224 frame per clip). Skipped unless AMSS_BENCH is set, e.g.
/// `AMSS_BENCH=0.125x16,0.25x16,1x4 swift test -c release --filter BenchmarkTests`
/// (width × batch pairs; AMSS_BENCH_THREADS sets the OpenBLAS threads, default 2).
final class BenchmarkTests: XCTestCase {
    /// User + system CPU time of the whole process so far (getrusage).
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    func testModelStepTime() throws {
        guard let spec = ProcessInfo.processInfo.environment["AMSS_BENCH"] else {
            throw XCTSkip("set AMSS_BENCH to time the model")
        }
        let threads = Int(ProcessInfo.processInfo.environment["AMSS_BENCH_THREADS"] ?? "") ?? 2
        BLAS.setThreads(threads)
        let repeats = Int(ProcessInfo.processInfo.environment["AMSS_BENCH_REPEATS"] ?? "") ?? 3

        for pair in spec.split(separator: ",") {
            let parts = pair.split(separator: "x")
            let width = try XCTUnwrap(Double(parts[0])), batch = try XCTUnwrap(Int(parts[1]))
            let model = AudioVisualModel(classCount: 6, width: width, seed: 1)
            var generator = SeededGenerator(seed: 2)
            let audio = Tensor(shape: [batch, 1, 257, 188], data: (0..<(batch * 257 * 188))
                .map { _ in generator.nextNormal() })
            let frames = Tensor(shape: [batch, 3, 224, 224], data: (0..<(batch * 3 * 224 * 224))
                .map { _ in generator.nextNormal() })
            let labels = (0..<batch).map { $0 % 6 }

            var times: [(Double, Double)] = []
            var cpu: [Double] = []
            for _ in 0..<(repeats + 1) {
                let cpuStart = Self.processCPUSeconds()
                let start = DispatchTime.now().uptimeNanoseconds
                let output = model.forward(audio: audio, frames: frames, framesPerClip: 1,
                                           training: true)
                let (loss, grad) = CrossEntropy.forward(logits: output.logits, labels: labels)
                let middle = DispatchTime.now().uptimeNanoseconds
                model.backward(gradLogits: grad)
                let end = DispatchTime.now().uptimeNanoseconds
                XCTAssertTrue(loss.isFinite)
                times.append((Double(middle - start) / 1e6, Double(end - middle) / 1e6))
                cpu.append((Self.processCPUSeconds() - cpuStart) * 1e3)
            }
            let measured = times.dropFirst().sorted { $0.0 + $0.1 < $1.0 + $1.1 }
            let median = measured[measured.count / 2]
            let fastest = measured[0]
            let line = String(format: "bench width %.4g batch %d threads %d: forward %.0f ms, "
                              + "backward %.0f ms, step %.0f ms (median of %d; fastest %.0f ms; "
                              + "CPU %.0f ms per step)", width, batch, threads, median.0,
                              median.1, median.0 + median.1, measured.count,
                              fastest.0 + fastest.1, cpu.dropFirst().sorted()[cpu.count / 2])
            print(line)
        }
    }
}
