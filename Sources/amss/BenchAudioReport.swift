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
    let amssStepsMsPerClip: [String: Double]
    let librosa: BenchAudioPython.Result?
    let speedUp: Double?
    let batch: Int
    private let recipe: String

    enum CodingKeys: String, CodingKey {
        case files, rejected, clips, shape, librosa, recipe, batch
        case amssClipsPerSecond = "amss_clips_per_second", amssMsPerClip = "amss_ms_per_clip"
        case amssStepsMsPerClip = "amss_steps_ms_per_clip", speedUp = "speed_up"
    }

    init(ours: BenchAudioRun.Result, python: BenchAudioPython.Result?, config: AudioConfig,
         batch: Int) {
        self.batch = batch
        files = ours.usable.count
        rejected = Dictionary(ours.rejected.map { ($0.path, $0.code) }) { first, _ in first }
        clips = ours.clips
        shape = ours.shape
        amssClipsPerSecond = Double(ours.clips) / ours.seconds
        amssMsPerClip = 1000 * ours.seconds / Double(ours.clips)
        let t = ours.timings
        let perClip = { (seconds: Double) in 1000 * seconds / Double(max(ours.clips, 1)) }
        amssStepsMsPerClip = [
            "decode": perClip(t.decode), "resample": perClip(t.resample), "fit": perClip(t.fit),
            "stft": perClip(t.stft), "log": perClip(t.scale),
            "other": perClip(max(0, ours.seconds - t.total)),
        ]
        librosa = python
        speedUp = python.map { $0.msPerClip / (1000 * ours.seconds / Double(ours.clips)) }
        recipe = "\(config.sampleRate) Hz, \(config.clipSeconds) s \(config.fit.rawValue), "
            + "n_fft \(config.nFFT), hop \(config.hopLength), \(config.output.rawValue)"
            + (config.mel.map { ", \($0.nMels) mels" } ?? "")
    }

    /// The human-readable report.
    var lines: [String] {
        var out = ["recipe: \(recipe) → \(shape[0])×\(shape[1]); \(files) files"
            + (rejected.isEmpty ? "" : " (\(rejected.count) rejected)") + ", \(clips) clips timed"
            + (batch > 1 ? ", batches of \(batch)" : ", one file per call")]
        let steps = ["decode", "resample", "fit", "stft", "log", "other"]
            .map { "\($0) \(format(amssStepsMsPerClip[$0] ?? 0, 3))" }.joined(separator: ", ")
        out.append("amss:     \(format(amssClipsPerSecond, 1)) clips/s, "
            + "\(format(amssMsPerClip, 3)) ms/clip (\(steps) ms)")
        if let librosa {
            let theirs = ["load", "fit", "stft", "log"]
                .map { "\($0) \(format(librosa.stepsMsPerClip[$0] ?? 0, 3))" }
                .joined(separator: ", ")
            out.append("librosa:  \(format(librosa.clipsPerSecond, 1)) clips/s, "
                + "\(format(librosa.msPerClip, 3)) ms/clip (\(theirs) ms)")
        }
        if let speedUp { out.append("speed-up: \(format(speedUp, 2)) ×") }
        return out
    }

    private func format(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }
}
