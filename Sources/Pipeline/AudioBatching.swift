import Foundation
import Media

// LIMITATION: a libsoxr failure inside a batch (soxr_create or soxr_process failing, i.e. out of
// memory) rejects every sample of that batch with `resample-failed`, where file by file only the
// clips that meet it would fail — libsoxr reports errors per handle, not per channel.
/// Which audio files the prep stage resamples together (`SpectrogramExtractor.features(
/// ofFiles:batch:)`) and how a worker's share of a shard is cut into batches.
///
/// A batch reads every source in rounds sized to what its clips still lack, so it may stop
/// a little sooner or later in a long file than the file-by-file path, which reads in chunks of
/// its own. Only files for which where reading stops can change nothing take part: WAV files
/// (`WAV`, `WAVEX`, `RF64`) of integer samples, which decode to finite values by construction
/// and whose frame count libsndfile checks against the file size, so a batch meets no NaN, no
/// decoding error and no other end of the file than the file-by-file path. Every other source
/// (float WAV, FLAC, Ogg, MP3, the audio track of a video, a file that does not open) keeps the
/// file-by-file path, with its own errors and warnings.
///
/// Batching pays only for short clips: it saves the filter design, a fixed cost per clip,
/// but keeps a batch of signals in memory at once. Measured single-threaded on this project's
/// recipes (`amss bench audio`, 8 clips per batch, 64 files per call), 16 kHz → 22.05 kHz 3 s
/// clips took 19–25 % less CPU per clip, while 44.1 kHz → 35.4 kHz 10 s clips (the
/// Kinetics-Sounds recipe) took 16–20 % more, and 5 s clips at those rates 11 % more (that one
/// measured before batches stopped at their clips' need); so only clips needing at most
/// `maxSourceFrames` source frames are batched.
enum AudioBatching {
    /// Audio files a worker resamples together by default.
    static let defaultBatch = SpectrogramExtractor.defaultBatch

    /// Batches a worker's run of samples holds: the files of a run are sorted by the source
    /// frames their clips need before they are cut into batches, so that a batch's clips
    /// end close together and its shorter clips are not fed long runs of zeros.
    static let batchesPerRun = 8

    /// libsndfile's major formats (`AudioInfo.format`'s first word) that may be batched.
    private static let wavMajors: Set<Substring> = ["WAV", "WAVEX", "RF64"]
    /// Integer sample encodings (`AudioInfo.format`'s second word).
    private static let integerSubtypes: Set<Substring> = [
        "PCM_S8", "PCM_16", "PCM_24", "PCM_32", "PCM_U8", "ULAW", "ALAW",
    ]

    /// Source frames a clip may need at most to be batched (2^17: 8.2 s at 16 kHz, 3.0 s at
    /// 44.1 kHz). Sources below a quarter of the target rate are not batched either: measured
    /// on integer WAV files, a batch took 6× the file-by-file time at 10 Hz and 30–50× at 1 Hz
    /// (libsoxr's latency in output samples grows with the ratio, and a batch waits for the
    /// slowest channel), and gained nothing from 100 Hz to 8 kHz.
    static let maxSourceFrames = 1 << 17

    /// Whether `path` is an integer-sample WAV file by its name and header
    /// (`AudioFile.probe(path:)`) whose clip for `config` needs at most `maxSourceFrames`
    /// source frames; false when the header cannot be read.
    static func batchable(_ path: String, config: AudioConfig) -> Bool {
        guard (path as NSString).pathExtension.lowercased() == "wav",
              let info = try? AudioFile.probe(path: path), info.sampleRate > 0,
              config.sampleRate > 0 else { return false }
        let words = info.format.split(separator: " ")
        let span = Double(config.clipSamples) * Double(info.sampleRate)
            / Double(config.sampleRate)
        return words.count == 2 && wavMajors.contains(words[0])
            && integerSubtypes.contains(words[1]) && span.rounded(.up) <= Double(maxSourceFrames)
            && info.sampleRate * 4 >= config.sampleRate
    }

    /// How many samples a worker takes next when `remaining` are left for `workers` workers:
    /// `run`, or less near the end of a shard (an even share of what is left, at least 1), so
    /// that no worker is left with a whole run while the others wait idle.
    static func take(remaining: Int, workers: Int, run: Int) -> Int {
        guard remaining > 0 else { return 0 }
        let share = (remaining + max(1, workers) - 1) / max(1, workers)
        return max(1, min(max(1, run), share))
    }
}
