import Console
import Foundation
import Media

/// What `amss bench audio` prints: the rates, the steps, the ratios.
struct BenchAudioReport: Encodable {
    /// One way of running our stage, measured.
    struct Ours: Encodable {
        /// Clips resampled together (1: file by file).
        let batch: Int
        let clipsPerSecond: Double
        let msPerClip: Double
        let cpuMsPerClip: Double
        /// Wall milliseconds per clip of each step (monotonic clock).
        let stepsMsPerClip: [String: Double]
        /// librosa's wall time per clip over ours.
        let speedUp: Double?
        /// librosa's CPU time per clip over ours.
        let cpuSpeedUp: Double?

        enum CodingKeys: String, CodingKey {
            case batch
            case clipsPerSecond = "clips_per_second", msPerClip = "ms_per_clip"
            case cpuMsPerClip = "cpu_ms_per_clip", stepsMsPerClip = "steps_ms_per_clip"
            case speedUp = "speed_up", cpuSpeedUp = "cpu_speed_up"
        }

        init(_ run: BenchAudioRun.Result, batch: Int, python: BenchAudioPython.Result?) {
            let perClip = { (seconds: Double) in 1000 * seconds / Double(max(run.clips, 1)) }
            self.batch = batch
            clipsPerSecond = Double(run.clips) / run.seconds
            msPerClip = perClip(run.seconds)
            cpuMsPerClip = perClip(run.cpuSeconds)
            let t = run.timings
            stepsMsPerClip = [
                "decode": perClip(t.decode), "resample": perClip(t.resample),
                "fit": perClip(t.fit), "stft": perClip(t.stft), "log": perClip(t.scale),
                "other": perClip(max(0, run.seconds - t.total)),
            ]
            speedUp = python.map { $0.msPerClip / perClip(run.seconds) }
            cpuSpeedUp = python.map { $0.cpuMsPerClip / perClip(run.cpuSeconds) }
        }
    }

    let files: Int
    /// The files that gave a spectrogram, in the order given.
    let usable: [String]
    let rejected: [String: String]
    /// Each rejected file's error message, in the order the files were given.
    private let rejectedMessages: [String]
    let clips: Int
    let shape: [Int]
    /// File by file, as `amss prep` runs the sources it does not batch.
    let amss: Ours
    /// Several clips resampled together (`features(ofFiles:)`), when measured.
    let amssBatched: Ours?
    let librosa: BenchAudioPython.Result?
    /// Milliseconds per clip to write the spectrograms into shards (`BenchAudioWrite`).
    let writeMsPerClip: Double
    /// Samples per shard in that write.
    let shardSize: Int
    let recipe: String

    enum CodingKeys: String, CodingKey {
        case files, rejected, clips, shape, amss, librosa, recipe
        case amssBatched = "amss_batched", writeMsPerClip = "write_ms_per_clip"
        case shardSize = "shard_size"
    }

    init(ours: BenchAudioRun.Result, batched: BenchAudioRun.Result?, batch: Int,
         python: BenchAudioPython.Result?, writeMsPerClip: Double, shardSize: Int,
         config: AudioConfig) {
        files = ours.usable.count
        usable = ours.usable
        rejected = Dictionary(ours.rejected.map { ($0.path, $0.code) }) { first, _ in first }
        rejectedMessages = ours.rejected.map(\.message)
        clips = ours.clips
        shape = ours.shape
        amss = Ours(ours, batch: 1, python: python)
        amssBatched = batched.map { Ours($0, batch: batch, python: python) }
        librosa = python
        self.writeMsPerClip = writeMsPerClip
        self.shardSize = shardSize
        recipe = "\(config.sampleRate) Hz, \(config.clipSeconds) s \(config.fit.rawValue), "
            + "n_fft \(config.nFFT), hop \(config.hopLength), \(config.output.rawValue)"
            + (config.mel.map { ", \($0.nMels) mels" } ?? "")
    }

    /// The human-readable report.
    var lines: [String] {
        var out = ["recipe: \(recipe) → \(shape[0])×\(shape[1]); \(files) files used"
            + (rejected.isEmpty ? "" : " (\(rejected.count) more rejected)")
            + ", \(clips) clips timed"]
        out += rejectedMessages.map { "rejected: \($0)" }
        for side in [amss] + (amssBatched.map { [$0] } ?? []) {
            let steps = ["decode", "resample", "fit", "stft", "log", "other"]
                .map { "\($0) \(format(side.stepsMsPerClip[$0] ?? 0, 3))" }
                .joined(separator: ", ")
            let name = side.batch > 1 ? "amss ×\(side.batch):" : "amss:     "
            out.append("\(name) \(format(side.clipsPerSecond, 1)) clips/s, "
                + "\(format(side.msPerClip, 3)) ms/clip wall, \(format(side.cpuMsPerClip, 3)) "
                + "ms/clip CPU; wall per step: \(steps) ms")
        }
        if let librosa {
            let theirs = ["load", "fit", "stft", "log", "other"]
                .map { "\($0) \(format(librosa.stepsMsPerClip[$0] ?? 0, 3))" }
                .joined(separator: ", ")
            out.append("librosa:  \(format(librosa.clipsPerSecond, 1)) clips/s, "
                + "\(format(librosa.msPerClip, 3)) ms/clip wall, "
                + "\(format(librosa.cpuMsPerClip, 3)) ms/clip CPU; wall per step: \(theirs) ms")
        }
        for side in [amss] + (amssBatched.map { [$0] } ?? []) {
            guard let speedUp = side.speedUp, let cpuSpeedUp = side.cpuSpeedUp else { continue }
            let name = side.batch > 1 ? "speed-up ×\(side.batch):" : "speed-up:"
            out.append("\(name) \(format(speedUp, 2)) × wall, \(format(cpuSpeedUp, 2)) × CPU")
        }
        out.append("write:    \(format(writeMsPerClip, 3)) ms/clip into HDF5 shards of "
            + "\(shardSize) (fsync and rename, as prep writes; not in the ratios)")
        return out
    }

    private func format(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }
}
