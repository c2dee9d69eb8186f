/// A split held in memory, cut into shards of a fixed size (for tests and synthetic data).
public final class InMemoryClipSource: ClipSource {
    /// A name for error messages.
    public let location: String
    /// The modalities of every clip.
    public let modalities: [ModalitySpec]
    /// The number of samples in each shard.
    public let shardSizes: [Int]

    private let clips: [ClipSample]
    private let shardSize: Int

    /// Holds `clips` of `modalities`, `shardSize` per shard (the last shard may be shorter).
    ///
    /// - Throws: `TrainingError` when a clip's values do not match the modalities.
    public init(location: String, clips: [ClipSample], modalities: [ModalitySpec],
                shardSize: Int) throws {
        for clip in clips {
            try ClipCheck.check(clip, modalities: modalities, location: location)
        }
        let size = max(1, shardSize)
        self.location = location
        self.clips = clips
        self.modalities = modalities
        self.shardSize = size
        self.shardSizes = stride(from: 0, to: clips.count, by: size).map {
            min(size, clips.count - $0)
        }
    }

    /// Holds audio–visual `clips`: spectrograms `audioShape` `[F, T]` and RGB frames of
    /// `frameShape` `[H, W]`, as many slots as the first clip holds.
    ///
    /// - Throws: `TrainingError` when a clip's spectrogram or frames do not match the shapes.
    public convenience init(location: String, clips: [ClipSample], audioShape: [Int],
                            frameShape: [Int], shardSize: Int) throws {
        let frameValues = frameShape.reduce(1, *) * 3
        let slots = frameValues > 0 ? (clips.first?.frames.count ?? 0) / frameValues : 0
        try self.init(location: location, clips: clips,
                      modalities: [.audio(audioShape),
                                   .visual(slots: max(1, slots), frame: frameShape)],
                      shardSize: shardSize)
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
