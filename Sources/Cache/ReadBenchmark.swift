import Foundation

/// Reads shuffled batches of samples (`audio` and `frames`, one chunk each) from shards and
/// measures samples per second, with exact checksums so another reader can prove it read the
/// same values.
public enum ReadBenchmark {
    /// One sample's place: shard index and row.
    public struct Place: Equatable {
        /// The shard's index in the list of paths.
        public let shard: Int
        /// The row inside the shard.
        public let row: Int

        /// Makes a place.
        public init(shard: Int, row: Int) {
            self.shard = shard
            self.row = row
        }
    }

    /// What a read pass measured.
    public struct Result: Codable, Equatable {
        /// Samples read in the timed passes.
        public let samples: Int
        /// Batches read.
        public let batches: Int
        /// Wall time of the reading loop (files already open).
        public let seconds: Double
        /// Sum of the bit patterns of every audio value, as UInt32, modulo 2⁶⁴.
        public let audioBits: UInt64
        /// Sum of every frame byte.
        public let frameSum: UInt64

        /// `samples / seconds`.
        public var samplesPerSecond: Double { seconds > 0 ? Double(samples) / seconds : 0 }

        enum CodingKeys: String, CodingKey {
            case samples, batches, seconds
            case audioBits = "audio_bits", frameSum = "frame_sum"
        }
    }

    /// Every (shard, row) of shards holding `counts` samples, shuffled by Fisher–Yates with a
    /// SplitMix64 stream seeded by `seed`.
    public static func order(counts: [Int], seed: UInt64) -> [Place] {
        var places = counts.enumerated().flatMap { shard, count in
            (0..<count).map { Place(shard: shard, row: $0) }
        }
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var mixed = state
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            return mixed ^ (mixed >> 31)
        }
        if places.count > 1 {
            for index in stride(from: places.count - 1, to: 0, by: -1) {
                let other = Int(next() % UInt64(index + 1))
                places.swapAt(index, other)
            }
        }
        return places
    }

    /// Opens `paths`, then reads `order` in batches of `batchSize`, each sample's `audio` and
    /// `frames` slab: a first pass that computes the checksums (and warms the page cache),
    /// then `passes` timed passes that only read.
    public static func run(paths: [String], order: [Place], batchSize: Int,
                           passes: Int = 1) throws -> Result {
        let readers = try paths.map { try ShardReader(path: $0) }
        let size = max(1, batchSize)
        var audioBits: UInt64 = 0
        var frameSum: UInt64 = 0
        for place in order {
            let reader = readers[place.shard]
            for value in try reader.readFloat32("audio", sample: place.row) {
                audioBits &+= UInt64(value.bitPattern)
            }
            for byte in try reader.readUInt8("frames", sample: place.row) {
                frameSum &+= UInt64(byte)
            }
        }

        var batches = 0
        var touched = 0
        let started = Date()
        for _ in 0..<max(1, passes) {
            for start in stride(from: 0, to: order.count, by: size) {
                for place in order[start..<min(order.count, start + size)] {
                    let reader = readers[place.shard]
                    touched &+= try reader.readFloat32("audio", sample: place.row).count
                    touched &+= try reader.readUInt8("frames", sample: place.row).count
                }
                batches += 1
            }
        }
        let seconds = Date().timeIntervalSince(started)
        guard touched > 0 || order.isEmpty else {
            throw CacheError(path: paths.first ?? "", code: "schema", reason: "read no values")
        }
        return Result(samples: order.count * max(1, passes), batches: batches, seconds: seconds,
                      audioBits: audioBits, frameSum: frameSum)
    }
}
