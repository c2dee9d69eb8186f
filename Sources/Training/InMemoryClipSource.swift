/// A split held in memory, cut into shards of a fixed size (for tests and synthetic data).
public final class InMemoryClipSource: ClipSource {
    /// A name for error messages.
    public let location: String
    /// The spectrogram shape `[F, T]`.
    public let audioShape: [Int]
    /// The frame shape `[H, W]`.
    public let frameShape: [Int]
    /// The number of samples in each shard.
    public let shardSizes: [Int]

    private let clips: [ClipSample]
    private let shardSize: Int

    /// Holds `clips`, `shardSize` per shard (the last shard may be shorter).
    ///
    /// - Throws: `TrainingError` when a clip's spectrogram or frames do not match the shapes.
    public init(location: String, clips: [ClipSample], audioShape: [Int], frameShape: [Int],
                shardSize: Int) throws {
        let audioCount = audioShape.reduce(1, *)
        let frameValues = frameShape.reduce(1, *) * 3
        for clip in clips {
            guard clip.audio.count == audioCount else {
                throw TrainingError(path: "\(location)/\(clip.id)", reason: "spectrogram has "
                                    + "\(clip.audio.count) values, expected \(audioShape)")
            }
            guard frameValues > 0, clip.frames.count % frameValues == 0,
                  clip.frameCount <= clip.frames.count / frameValues else {
                throw TrainingError(path: "\(location)/\(clip.id)", reason: "frames hold "
                                    + "\(clip.frames.count) bytes, not \(clip.frameCount) "
                                    + "frames of \(frameShape)x3")
            }
        }
        let size = max(1, shardSize)
        self.location = location
        self.clips = clips
        self.audioShape = audioShape
        self.frameShape = frameShape
        self.shardSize = size
        self.shardSizes = stride(from: 0, to: clips.count, by: size).map {
            min(size, clips.count - $0)
        }
    }

    /// The clips' ids, per shard.
    public var sampleIDs: [[String]] {
        shardSizes.indices.map { shard in
            clips[(shard * shardSize)..<(shard * shardSize + shardSizes[shard])].map(\.id)
        }
    }

    /// The clip at `sample` of shard `shard`.
    public func clip(shard: Int, sample: Int) throws -> ClipSample {
        let index = shard * shardSize + sample
        guard shardSizes.indices.contains(shard), sample >= 0, sample < shardSizes[shard] else {
            throw TrainingError(path: location, reason: "no sample \(sample) in shard \(shard)")
        }
        return clips[index]
    }
}
