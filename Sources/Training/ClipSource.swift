/// One split of clips, stored as shards with random access to each sample.
///
/// `ShardStream` reads through this protocol, so training runs from HDF5 shards
/// (`ShardClipSource`) and tests run from memory (`InMemoryClipSource`) alike. Reads may come
/// from the stream's prefetch thread.
public protocol ClipSource: AnyObject {
    /// A path or name for error messages.
    var location: String { get }
    /// The number of samples in each shard.
    var shardSizes: [Int] { get }
    /// The modalities every clip holds, in order.
    var modalities: [ModalitySpec] { get }
    /// Reads sample `sample` of shard `shard`.
    func clip(shard: Int, sample: Int) throws -> ClipSample
    /// The sample ids, per shard, without reading the clips.
    var sampleIDs: [[String]] { get }
    /// The integer `group` column per shard when the cache stores one (nil otherwise).
    var sampleGroups: [[Int64]]? { get }
}

extension ClipSource {
    /// No group column.
    public var sampleGroups: [[Int64]]? { nil }

    /// The number of clips over all shards.
    public var sampleCount: Int { shardSizes.reduce(0, +) }

    /// The first spectrogram's shape `[F, T]` (empty without one).
    public var audioShape: [Int] {
        modalities.first { $0.kind == .spectrogram }?.shape ?? []
    }

    /// The first uint8 pictures' size `[H, W]` (empty without them).
    public var frameShape: [Int] {
        modalities.first { $0.kind == .frames }?.frameSize ?? []
    }
}
