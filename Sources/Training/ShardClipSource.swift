import Cache
import Foundation

/// One split of a cache folder, read sample by sample from its HDF5 shards.
///
/// The modalities are found from the shard datasets (`ShardModalities`): `audio`
/// spectrograms, `text` tokens, `visual` frames (or still images, read as clips of one frame),
/// and NVGesture's `rgb`, `depth` and `flow`. Opening checks every shard against the manifest
/// and against the others: the sample count, the same modalities and shapes, labels in
/// `0..<classCount` and at least one real frame per clip. Labels, frame counts, ids and tokens
/// are read once, up front; spectrograms and pictures are read per sample.
public final class ShardClipSource: ClipSource {
    /// The cache folder and split, e.g. `cache/cremad/abc123 (train)`.
    public let location: String
    /// The number of samples in each shard.
    public let shardSizes: [Int]
    /// The modalities read, in order.
    public let modalities: [ModalitySpec]

    private let shards: [ShardModalities.Shard]

    /// Opens the shards of `entries` inside `cacheFolder`, reading the modalities named in
    /// `only` (all of the shards' when nil).
    ///
    /// - Throws: `TrainingError` naming the shard when it is missing, unreadable, empty or its
    ///   shapes or labels do not fit, or a name of `only` is not among its modalities.
    public init(cacheFolder: String, split: String, entries: [ShardEntry], classCount: Int,
                only: [String]? = nil) throws {
        guard !entries.isEmpty else {
            throw TrainingError(path: cacheFolder, reason: "split \(split) has no shards")
        }
        var shards: [ShardModalities.Shard] = []
        var modalities: [ModalitySpec]?
        for entry in entries {
            let path = (cacheFolder as NSString).appendingPathComponent(entry.file)
            let shard = try ShardModalities.open(path: path, entry: entry,
                                                 classCount: classCount, only: only)
            if let modalities, !Self.agree(modalities, shard.modalities) {
                throw TrainingError(path: path, reason: "holds "
                                    + Self.describe(shard.modalities) + ", other shards of "
                                    + "\(split) hold " + Self.describe(modalities))
            }
            modalities = Self.merged(modalities, shard.modalities)
            shards.append(shard)
        }

        self.location = "\(cacheFolder) (\(split))"
        self.shards = shards
        self.shardSizes = shards.map(\.labels.count)
        self.modalities = modalities ?? []
    }

    /// Reads one clip: every modality's value (H5Dread through `ShardReader`).
    public func clip(shard: Int, sample: Int) throws -> ClipSample {
        guard shards.indices.contains(shard), sample >= 0, sample < shardSizes[shard] else {
            throw TrainingError(path: location, reason: "no sample \(sample) in shard \(shard)")
        }
        let facts = shards[shard]
        do {
            let values = try modalities.indices.map { m in
                try facts.value(of: modalities[m], at: m, sample: sample)
            }
            return ClipSample(id: facts.ids[sample], label: facts.labels[sample],
                              values: values)
        } catch {
            throw TrainingError(path: facts.reader.path, reason: "cannot read sample "
                                + "\(sample): \(error)")
        }
    }

    /// The ids, per shard.
    public var sampleIDs: [[String]] { shards.map(\.ids) }

    /// The integer `group` column, per shard, when every shard has one.
    public var sampleGroups: [[Int64]]? {
        var groups: [[Int64]] = []
        for shard in shards {
            guard let column = shard.groups else { return nil }
            groups.append(column)
        }
        return groups
    }

    private static func agree(_ a: [ModalitySpec], _ b: [ModalitySpec]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.matches($1) }
    }

    /// The specs with the largest token bound of both.
    private static func merged(_ a: [ModalitySpec]?, _ b: [ModalitySpec]) -> [ModalitySpec] {
        guard let a else { return b }
        return zip(a, b).map { first, second in
            var spec = first
            spec.tokenBound = max(first.tokenBound, second.tokenBound)
            return spec
        }
    }

    static func describe(_ modalities: [ModalitySpec]) -> String {
        modalities.map { "\($0.name) \($0.shape)" }.joined(separator: ", ")
    }
}
