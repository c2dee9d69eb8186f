import Console
import Foundation
import Media

/// Our side of `amss bench audio`: one extractor on the calling thread.
enum BenchAudioRun {
    /// What one measurement found.
    struct Result {
        /// Files that gave a spectrogram in the untimed pass.
        let usable: [String]
        /// Files rejected in the untimed pass: the reason code and the whole error message.
        let rejected: [(path: String, code: String, message: String)]
        /// Clips made in the timed passes.
        let clips: Int
        /// Wall seconds of the timed passes.
        let seconds: Double
        /// CPU seconds of this thread over the timed passes.
        let cpuSeconds: Double
        /// Seconds per step over the timed passes (monotonic clock).
        let timings: SpectrogramTimings
        /// The spectrogram shape `[rows, frames]` of the last clip.
        let shape: [Int]
    }

    /// Files handed to one `features(ofFiles:batch:)` call in batched passes: a prep
    /// worker's run (`SampleProcessor.audioRun`, 8 batches of 8).
    static let filesPerCall = 64

    /// One untimed pass over `files` (which also warms caches and the resamplers), then
    /// `passes` timed passes over the files that worked: with `batch` below 2, one
    /// `spectrogram(ofFile:)` call per file, as `amss prep` makes them for sources it does
    /// not batch; else
    /// `features(ofFiles:batch:)` over `filesPerCall` files at a time, taken in
    /// `batchOrder` (by file size), as prep takes a shard's samples.
    static func measure(files: [String], config: AudioConfig, passes: Int,
                        batch: Int = 1) throws -> Result {
        let extractor = try SpectrogramExtractor(config: config)
        var usable: [String] = []
        var rejected: [(String, String, String)] = []
        for path in files {
            do {
                _ = try extractor.spectrogram(ofFile: path)
                usable.append(path)
            } catch let error as MediaError {
                rejected.append((path, error.code, error.description))
            }
        }

        extractor.resetTimings()
        let ordered = SpectrogramExtractor.batchOrder(usable)
        var shape = [0, 0]
        let started = Date()
        let cpuStarted = SpectrogramTimings.cpuNow()
        for _ in 0..<passes {
            guard batch > 1 else {
                for path in usable {
                    let spectrogram = try extractor.spectrogram(ofFile: path)
                    shape = [spectrogram.bins, spectrogram.frames]
                }
                continue
            }
            var start = 0
            while start < usable.count {
                let part = ordered[start..<min(start + filesPerCall, usable.count)]
                    .map { usable[$0] }
                start += part.count
                for result in extractor.features(ofFiles: part, batch: batch) {
                    let spectrogram = try result.get().spectrogram
                    shape = [spectrogram.bins, spectrogram.frames]
                }
            }
        }
        let seconds = Date().timeIntervalSince(started)
        let cpuSeconds = SpectrogramTimings.cpuNow() - cpuStarted
        return Result(usable: usable, rejected: rejected, clips: usable.count * passes,
                      seconds: seconds, cpuSeconds: cpuSeconds, timings: extractor.timings,
                      shape: shape)
    }
}
