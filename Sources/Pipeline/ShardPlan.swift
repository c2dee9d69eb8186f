import Cache
import Datasets
import Foundation

/// Which samples go into which shard file, by a rule that does not depend on sample order.
///
/// A split of n samples gets ⌈n / shardSize⌉ shards; a sample's shard is the FNV-1a hash of its
/// id modulo that count, and samples inside a shard are sorted by id. Changing one source file
/// therefore changes one shard's identity only.
public struct ShardPlan {
    /// One planned shard.
    public struct Shard {
        /// The split, e.g. `train`.
        public let split: String
        /// The path relative to the cache folder, e.g. `train/shard-00003.h5`.
        public let file: String
        /// The samples, sorted by id.
        public let samples: [Sample]
        /// The hash of the config key and every sample's id, label and source file stamps.
        public let identity: String
    }

    /// The shards in split order (train, valid, test) then index order.
    public let shards: [Shard]

    /// Plans the shards of `samples` for `configKey`.
    public init(samples: [Sample], shardSize: Int, configKey: String, rootReal: String) {
        var shards: [Shard] = []
        for split in ["train", "valid", "test"] {
            let members = samples.filter { $0.split == split }
            guard !members.isEmpty else { continue }
            let count = max(1, (members.count + shardSize - 1) / shardSize)
            var buckets = [[Sample]](repeating: [], count: count)
            for sample in members {
                buckets[Int(ShardPlan.fnv1a(sample.id) % UInt64(count))].append(sample)
            }
            for (index, bucket) in buckets.enumerated() where !bucket.isEmpty {
                let sorted = bucket.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
                let file = String(format: "%@/shard-%05d.h5", split, index)
                shards.append(Shard(split: split, file: file, samples: sorted,
                                    identity: ShardPlan.identity(of: sorted, configKey: configKey,
                                                                 rootReal: rootReal)))
            }
        }
        self.shards = shards
    }

    /// 64-bit FNV-1a of the id's UTF-8 bytes.
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// SHA-256 over the config key and, per sample, id, label and each source's path, size and
    /// modification time (every file of a frame folder).
    static func identity(of samples: [Sample], configKey: String, rootReal: String) -> String {
        var text = "config \(configKey)\n"
        for sample in samples {
            text += "sample \(sample.id) \(sample.label)\n"
            for key in sample.sources.keys.sorted() {
                guard let path = sample.sources[key] else { continue }
                for stamp in stamps(of: path, rootReal: rootReal) { text += "  \(key) \(stamp)\n" }
            }
        }
        return SHA256.hex(of: text)
    }

    /// `relative-path size mtime` for a file, or for each file of a folder in name order.
    private static func stamps(of path: String, rootReal: String) -> [String] {
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isFolder) else { return [path] }
        let files: [String]
        if isFolder.boolValue {
            files = ((try? manager.contentsOfDirectory(atPath: path)) ?? []).sorted()
                .map { (path as NSString).appendingPathComponent($0) }
        } else {
            files = [path]
        }
        return files.map { file in
            let attributes = (try? manager.attributesOfItem(atPath: file)) ?? [:]
            let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            let relative = file.hasPrefix(rootReal) ? String(file.dropFirst(rootReal.count)) : file
            return "\(relative) \(size) \(String(format: "%.6f", modified))"
        }
    }
}
