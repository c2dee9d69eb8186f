import Cache
import Datasets
import Foundation

/// Which samples go into which shard file, by a rule that does not depend on sample order.
///
/// Each split has a number of hash buckets c; a sample goes to bucket FNV-1a-64(id) mod c, and
/// samples inside a shard are sorted by id. The bucket count is kept from the previous manifest
/// while a split's mean bucket holds between half and twice `shardSize` samples, and is
/// ⌈n / shardSize⌉ otherwise (and for a new cache). So adding, removing or touching one sample
/// changes one shard, and every shard is re-bucketed only once a split has halved or doubled
/// since its count was chosen. Empty buckets have no file.
public struct ShardPlan {
    /// One planned shard.
    public struct Shard {
        /// The split, e.g. `train`.
        public let split: String
        /// The bucket number inside the split.
        public let bucket: Int
        /// The path relative to the cache folder, e.g. `train/shard-00003.h5`.
        public let file: String
        /// The samples, sorted by id.
        public let samples: [Sample]
        /// SHA-256 over the config key, the shard's place and every sample's id, label and
        /// source file sizes and modification times.
        public let identity: String
        /// The text both identities start with: config key, file and bucket count.
        let place: String
    }

    /// The shards in split order (train, valid, test) then bucket order.
    public let shards: [Shard]
    /// Hash buckets per split that has samples.
    public let buckets: [String: Int]
    /// SHA-256 over the bucket counts and every shard's file, sample ids and labels; parts
    /// that planned the same dataset agree on it.
    public let digest: String

    /// Plans the shards of `samples` for `configKey`, keeping `previousBuckets` where the rule
    /// above allows.
    public init(samples: [Sample], shardSize: Int, configKey: String, rootReal: String,
                previousBuckets: [String: Int] = [:]) {
        var shards: [Shard] = []
        var buckets: [String: Int] = [:]
        var plan = "buckets-rule fnv1a64-mod\n"
        for split in CacheFiles.splits {
            let members = samples.filter { $0.split == split }
            guard !members.isEmpty else { continue }
            let count = ShardPlan.bucketCount(samples: members.count, shardSize: shardSize,
                                              previous: previousBuckets[split])
            buckets[split] = count
            plan += "split \(split) \(count)\n"
            var groups = [[Sample]](repeating: [], count: count)
            for sample in members {
                groups[Int(ShardPlan.fnv1a(sample.id) % UInt64(count))].append(sample)
            }
            for (index, group) in groups.enumerated() where !group.isEmpty {
                let sorted = group.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
                let file = CacheFiles.shardFile(split: split, index: index)
                let place = SourceStamps.place(configKey: configKey, file: file, buckets: count)
                plan += "shard \(file)\n" + sorted.map { "  \($0.id) \($0.label)\n" }.joined()
                shards.append(Shard(split: split, bucket: index, file: file, samples: sorted,
                                    identity: SourceStamps.identity(of: sorted, place: place,
                                                                    rootReal: rootReal),
                                    place: place))
            }
        }
        self.shards = shards
        self.buckets = buckets
        self.digest = SHA256.hex(of: plan)
    }

    // LIMITATION: once a split has halved or doubled since its bucket count was chosen, the
    // count changes and every shard of the split is rebuilt once — the price of keeping shards
    // near `shard_size` without a consistent-hashing layout.
    /// The bucket count of a split of `samples` samples: `previous` while
    /// `shardSize / 2 ≤ samples / previous ≤ 2 · shardSize`, else ⌈samples / shardSize⌉.
    public static func bucketCount(samples: Int, shardSize: Int, previous: Int?) -> Int {
        let size = max(1, shardSize)
        if let previous, previous >= 1 {
            let mean = Double(samples) / Double(previous)
            if mean >= Double(size) / 2 && mean <= Double(size) * 2 { return previous }
        }
        return max(1, (samples + size - 1) / size)
    }

    /// The shards part `index` of `count` produces: every `count`-th shard of the plan,
    /// starting at `index`, so parts get equal numbers of shards.
    public func shards(part index: Int, of count: Int) -> [Shard] {
        shards.enumerated().filter { $0.offset % max(1, count) == index }.map(\.element)
    }

    /// 64-bit FNV-1a of the id's UTF-8 bytes.
    public static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
