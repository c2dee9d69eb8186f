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
    /// The spectrogram shape `[F, T]` of every clip.
    var audioShape: [Int] { get }
    /// The frame shape `[H, W]` (3 channels, RGB) of every clip.
    var frameShape: [Int] { get }
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
}
