/// A part of another split: the chosen samples of each of its shards, in stored order.
///
/// Carving a validation split out of the training split gives two of these over one source.
public final class SubsetClipSource: ClipSource {
    /// The base location and the part's name, e.g. `cache/… (train) [valid part]`.
    public let location: String
    /// The number of chosen samples in each non-empty shard.
    public let shardSizes: [Int]
    /// The base's modalities.
    public var modalities: [ModalitySpec] { base.modalities }

    private let base: ClipSource
    private let rows: [(shard: Int, samples: [Int])]

    /// The samples of `base` for which `keep(shard, sample)` holds.
    public init(base: ClipSource, name: String, keep: (Int, Int) -> Bool) {
        self.base = base
        var rows: [(shard: Int, samples: [Int])] = []
        for (shard, size) in base.shardSizes.enumerated() {
            let samples = (0..<size).filter { keep(shard, $0) }
            if !samples.isEmpty { rows.append((shard, samples)) }
        }
        self.rows = rows
        self.shardSizes = rows.map(\.samples.count)
        self.location = "\(base.location) [\(name)]"
    }

    /// Reads the `sample`-th chosen sample of the `shard`-th non-empty shard.
    public func clip(shard: Int, sample: Int) throws -> ClipSample {
        guard rows.indices.contains(shard), rows[shard].samples.indices.contains(sample) else {
            throw TrainingError(path: location, reason: "no sample \(sample) in shard \(shard)")
        }
        return try base.clip(shard: rows[shard].shard, sample: rows[shard].samples[sample])
    }

    /// The chosen samples' ids, per non-empty shard.
    public var sampleIDs: [[String]] {
        let ids = base.sampleIDs
        return rows.map { row in row.samples.map { ids[row.shard][$0] } }
    }

    /// The chosen samples' groups, when the base has a group column.
    public var sampleGroups: [[Int64]]? {
        guard let groups = base.sampleGroups else { return nil }
        return rows.map { row in row.samples.map { groups[row.shard][$0] } }
    }
}
