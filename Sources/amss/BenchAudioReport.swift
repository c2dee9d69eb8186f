import Console
import Foundation
import Media

/// What `amss bench audio` prints: both rates, the steps, the ratio.
struct BenchAudioReport: Encodable {
    let files: Int
    let rejected: [String: String]
    let clips: Int
    let shape: [Int]
    let amssClipsPerSecond: Double
    let amssMsPerClip: Double
    let amssCPUMsPerClip: Double
    /// Wall milliseconds per clip of each step (monotonic clock).
    let amssStepsMsPerClip: [String: Double]
    let librosa: BenchAudioPython.Result?
    /// librosa's wall time per clip over ours.
    let speedUp: Double?
    /// librosa's CPU time per clip over ours.
    let cpuSpeedUp: Double?
    let recipe: String

    enum CodingKeys: String, CodingKey {
        case files, rejected, clips, shape, librosa, recipe
        case amssClipsPerSecond = "amss_clips_per_second", amssMsPerClip = "amss_ms_per_clip"
        case amssCPUMsPerClip = "amss_cpu_ms_per_clip"
        case amssStepsMsPerClip = "amss_steps_ms_per_clip"
        case speedUp = "speed_up", cpuSpeedUp = "cpu_speed_up"
    }

    init(ours: BenchAudioRun.Result, python: BenchAudioPython.Result?, config: AudioConfig) {
        files = ours.usable.count
        rejected = Dictionary(ours.rejected.map { ($0.path, $0.code) }) { first, _ in first }
        clips = ours.clips
        shape = ours.shape
        let perClip = { (seconds: Double) in 1000 * seconds / Double(max(ours.clips, 1)) }
        amssClipsPerSecond = Double(ours.clips) / ours.seconds
        amssMsPerClip = perClip(ours.seconds)
        amssCPUMsPerClip = perClip(ours.cpuSeconds)
        let t = ours.timings
        amssStepsMsPerClip = [
            "decode": perClip(t.decode), "resample": perClip(t.resample), "fit": perClip(t.fit),
            "stft": perClip(t.stft), "log": perClip(t.scale),
            "other": perClip(max(0, ours.seconds - t.total)),
        ]
        librosa = python
        speedUp = python.map { $0.msPerClip / perClip(ours.seconds) }
        cpuSpeedUp = python.map { $0.cpuMsPerClip / perClip(ours.cpuSeconds) }
        recipe = "\(config.sampleRate) Hz, \(config.clipSeconds) s \(config.fit.rawValue), "
            + "n_fft \(config.nFFT), hop \(config.hopLength), \(config.output.rawValue)"
            + (config.mel.map { ", \($0.nMels) mels" } ?? "")
    }

    /// The human-readable report.
    var lines: [String] {
        var out = ["recipe: \(recipe) → \(shape[0])×\(shape[1]); \(files) files"
            + (rejected.isEmpty ? "" : " (\(rejected.count) rejected)") + ", \(clips) clips timed"]
        let steps = ["decode", "resample", "fit", "stft", "log", "other"]
            .map { "\($0) \(format(amssStepsMsPerClip[$0] ?? 0, 3))" }
            .joined(separator: ", ")
        out.append("amss:     \(format(amssClipsPerSecond, 1)) clips/s, "
            + "\(format(amssMsPerClip, 3)) ms/clip wall, \(format(amssCPUMsPerClip, 3)) ms/clip "
            + "CPU; wall per step: \(steps) ms")
        if let librosa {
            let theirs = ["load", "fit", "stft", "log", "other"]
                .map { "\($0) \(format(librosa.stepsMsPerClip[$0] ?? 0, 3))" }
                .joined(separator: ", ")
            out.append("librosa:  \(format(librosa.clipsPerSecond, 1)) clips/s, "
                + "\(format(librosa.msPerClip, 3)) ms/clip wall, "
                + "\(format(librosa.cpuMsPerClip, 3)) ms/clip CPU; wall per step: \(theirs) ms")
        }
        if let speedUp, let cpuSpeedUp {
            out.append("speed-up: \(format(speedUp, 2)) × wall, \(format(cpuSpeedUp, 2)) × CPU")
        }
        return out
    }

    private func format(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }
}
