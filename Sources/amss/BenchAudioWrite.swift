import Cache
import Foundation
import Media

/// The last step of the audio stage, timed apart from the others: the bench's spectrograms
/// written into HDF5 shards of `shardSize` samples as `amss prep` writes them (one sample per
/// chunk, to a temporary name, fsynced and renamed), in a temporary folder removed afterwards.
/// librosa's side writes nothing, so this is not part of the ratios.
enum BenchAudioWrite {
    /// Milliseconds per clip to gather `files`' spectrograms (made first, untimed) into shards
    /// and write them; `files` must all give a spectrogram of one shape.
    static func msPerClip(files: [String], config: AudioConfig, shardSize: Int) throws
        -> Double {
        let extractor = try SpectrogramExtractor(config: config)
        let spectrograms = try files.map { try extractor.spectrogram(ofFile: $0) }
        guard let first = spectrograms.first else { return 0 }
        let folder = NSTemporaryDirectory() + "amss-bench-write-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let size = max(1, shardSize)
        let started = Date()
        for start in stride(from: 0, to: spectrograms.count, by: size) {
            let part = spectrograms[start..<min(start + size, spectrograms.count)]
            var values: [Float] = []
            values.reserveCapacity(part.count * first.values.count)
            for spectrogram in part { values += spectrogram.values }
            let ids = files[start..<start + part.count].map {
                ($0 as NSString).lastPathComponent
            }
            let audio = ShardColumn(name: "audio", shape: [part.count, first.bins, first.frames],
                                    values: .float32(values))
            try ShardWriter.write(to: folder + String(format: "/shard-%05d.h5", start / size),
                                  ids: ids, columns: [audio])
        }
        return 1000 * Date().timeIntervalSince(started) / Double(spectrograms.count)
    }
}
