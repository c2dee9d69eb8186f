import Foundation
@testable import Cache

/// Small shards and cache folders written with the real writer, for the cache tests.
enum CacheFixture {
    /// A fresh temporary folder.
    static func folder(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "amss-\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path + "/train",
                                                withIntermediateDirectories: true)
        return path
    }

    /// Writes a shard of `count` samples whose values start at `offset`.
    static func writeShard(_ path: String, count: Int, offset: Int = 0, configKey: String = "k1",
                           labelType int32Labels: Bool = false, deflate: Int = 0) throws {
        let ids = (0..<count).map { "clip-\(offset + $0)" }
        let labels: ShardColumn.Values = int32Labels
            ? .int32((0..<count).map { Int32(($0 + offset) % 3) })
            : .int64((0..<count).map { Int64(($0 + offset) % 3) })
        try ShardWriter.write(
            to: path, ids: ids,
            columns: [
                ShardColumn(name: "label", shape: [count], values: labels),
                ShardColumn(name: "audio", shape: [count, 4, 5],
                            values: .float32((0..<(count * 20)).map { Float($0 + offset) })),
                ShardColumn(name: "frames", shape: [count, 2, 3, 3, 3],
                            values: .uint8((0..<(count * 54)).map {
                                UInt8(truncatingIfNeeded: $0 + offset) })),
                ShardColumn(name: "frame_count", shape: [count],
                            values: .int32([Int32](repeating: 2, count: count))),
            ],
            attributes: ["config_key": configKey], listAttributes: ["classes": ["a", "b", "c"]],
            deflateLevel: deflate)
    }

    /// The entry `prep` would record for a shard file.
    static func entry(_ folder: String, _ file: String, samples: Int) throws -> ShardEntry {
        let path = folder + "/" + file
        return ShardEntry(file: file, samples: samples, sha256: try SHA256.hex(ofFile: path),
                          stamp: FileStamp.of(path), identity: "id-\(file)",
                          contentIdentity: nil, rejected: [])
    }

    /// A cache folder with two train shards (3 and 2 samples) and its manifest.
    static func cache(_ name: String, configKey: String = "k1") throws -> String {
        let folder = try folder(name)
        try writeShard(folder + "/train/shard-00000.h5", count: 3, configKey: configKey)
        try writeShard(folder + "/train/shard-00001.h5", count: 2, offset: 3,
                       configKey: configKey)
        let entries = try [entry(folder, "train/shard-00000.h5", samples: 3),
                           entry(folder, "train/shard-00001.h5", samples: 2)]
        try Manifest(dataset: "synthetic", config: .object([:]), configKey: configKey,
                     toolVersion: "test", classes: ["a", "b", "c"], splits: ["train": entries],
                     rejected: []).save(cacheFolder: folder)
        return folder
    }

    /// The schema of the fixture's shards.
    static let schema = ShardSchema(datasets: ShardSchema.common.datasets + [
        .init(name: "audio", kind: .float32, dimensions: [4, 5]),
        .init(name: "frames", kind: .uint8, dimensions: [nil, 3, 3, 3]),
        .init(name: "frame_count", kind: .int32, dimensions: []),
    ])

    /// Overwrites one byte of a file in place.
    static func flipByte(_ path: String, at offset: UInt64) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: offset)
        let old = handle.readData(ofLength: 1).first ?? 0
        try handle.seek(toOffset: offset)
        handle.write(Data([old ^ 0xff]))
    }

    /// Sets a file's modification time (utimes(2)).
    static func setModificationTime(_ path: String, seconds: Int) {
        var times = [timeval(tv_sec: seconds, tv_usec: 0), timeval(tv_sec: seconds, tv_usec: 0)]
        _ = utimes(path, &times)
    }
}
