import Cache
import Foundation

/// One split of a cache folder, read sample by sample from its HDF5 shards.
///
/// Opening checks every shard against the manifest and against the others: the sample count,
/// the `audio` `[N, F, T]` and `frames` `[N, T, H, W, 3]` shapes, labels in `0..<classCount` and
/// at least one real frame per clip. Labels, frame counts and ids are read once, up front.
/// A cache of still images (an `image` column `[N, H, W, 3]` and no `frames`) reads each
/// image as a clip of one frame, so audio–image caches train like audio–video ones.
public final class ShardClipSource: ClipSource {
    /// The cache folder and split, e.g. `cache/cremad/abc123 (train)`.
    public let location: String
    /// The number of samples in each shard.
    public let shardSizes: [Int]
    /// The spectrogram shape `[F, T]`.
    public let audioShape: [Int]
    /// The frame shape `[H, W]`.
    public let frameShape: [Int]

    private let readers: [ShardReader]
    private let labels: [[Int]]
    private let frameCounts: [[Int]]
    private let ids: [[String]]
    private let groups: [[Int64]]?
    private let visualColumn: String

    /// Opens the shards of `entries` inside `cacheFolder`.
    ///
    /// - Throws: `TrainingError` naming the shard when it is missing, unreadable, empty or its
    ///   shapes or labels do not fit.
    public init(cacheFolder: String, split: String, entries: [ShardEntry],
                classCount: Int) throws {
        guard !entries.isEmpty else {
            throw TrainingError(path: cacheFolder, reason: "split \(split) has no shards")
        }
        var readers: [ShardReader] = []
        var labels: [[Int]] = []
        var frameCounts: [[Int]] = []
        var ids: [[String]] = []
        var audioShape: [Int]?
        var frameShape: [Int]?
        var groups: [[Int64]]? = []
        var visualColumn = "frames"

        for entry in entries {
            let path = (cacheFolder as NSString).appendingPathComponent(entry.file)
            let reader: ShardReader
            do { reader = try ShardReader(path: path) } catch {
                throw TrainingError(path: path, reason: "cannot open shard: \(error)")
            }
            let shard = try Self.readShard(reader, path: path, entry: entry,
                                           classCount: classCount)
            if let audioShape, audioShape != shard.audio {
                throw TrainingError(path: path, reason: "audio is \(shard.audio) per clip, "
                                    + "other shards of \(split) have \(audioShape)")
            }
            if let frameShape, frameShape != shard.frame {
                throw TrainingError(path: path, reason: "frames are \(shard.frame) per clip, "
                                    + "other shards of \(split) have \(frameShape)")
            }
            audioShape = shard.audio
            frameShape = shard.frame
            readers.append(reader)
            labels.append(shard.labels)
            frameCounts.append(shard.frameCounts)
            ids.append(shard.ids)
            if let column = shard.groups, let previous = groups {
                groups = previous + [column]
            } else {
                groups = nil
            }
            visualColumn = shard.visualColumn
        }

        self.location = "\(cacheFolder) (\(split))"
        self.readers = readers
        self.labels = labels
        self.frameCounts = frameCounts
        self.ids = ids
        self.groups = groups
        self.visualColumn = visualColumn
        self.shardSizes = labels.map(\.count)
        self.audioShape = audioShape ?? []
        self.frameShape = frameShape ?? []
    }

    /// Reads one clip: its spectrogram and frame slab (H5Dread through `ShardReader`).
    public func clip(shard: Int, sample: Int) throws -> ClipSample {
        guard readers.indices.contains(shard), sample >= 0, sample < shardSizes[shard] else {
            throw TrainingError(path: location, reason: "no sample \(sample) in shard \(shard)")
        }
        let reader = readers[shard]
        do {
            return ClipSample(id: ids[shard][sample], label: labels[shard][sample],
                              audio: try reader.readFloat32("audio", sample: sample),
                              frames: try reader.readUInt8(visualColumn, sample: sample),
                              frameCount: frameCounts[shard][sample])
        } catch {
            throw TrainingError(path: reader.path, reason: "cannot read sample \(sample): "
                                + "\(error)")
        }
    }

    /// The ids, per shard.
    public var sampleIDs: [[String]] { ids }

    /// The integer `group` column, per shard, when every shard has one.
    public var sampleGroups: [[Int64]]? { groups }

    private struct ShardFacts {
        let audio: [Int]
        let frame: [Int]
        let labels: [Int]
        let frameCounts: [Int]
        let ids: [String]
        let groups: [Int64]?
        let visualColumn: String
    }

    /// Reads and checks the columns and shapes of one shard.
    private static func readShard(_ reader: ShardReader, path: String, entry: ShardEntry,
                                  classCount: Int) throws -> ShardFacts {
        do {
            let count = reader.sampleCount
            guard count > 0 else { throw TrainingError(path: path, reason: "shard is empty") }
            guard count == entry.samples else {
                throw TrainingError(path: path, reason: "shard holds \(count) samples, the "
                                    + "manifest says \(entry.samples)")
            }
            let stills = !reader.hasDataset("frames") && reader.hasDataset("image")
            let required = stills ? ["audio", "image", "label"]
                                  : ["audio", "frames", "frame_count", "label"]
            for name in required where !reader.hasDataset(name) {
                throw TrainingError(path: path, reason: "shard has no dataset \(name)")
            }
            let audio = try reader.shape(of: "audio")
            var frames = try reader.shape(of: stills ? "image" : "frames")
            if stills {
                guard frames.count == 4 else {
                    throw TrainingError(path: path, reason: "image has shape \(frames), "
                                        + "expected [\(count), H, W, 3]")
                }
                frames.insert(1, at: 1)
            }
            guard audio.count == 3, audio[0] == count else {
                throw TrainingError(path: path, reason: "audio has shape \(audio), expected "
                                    + "[\(count), F, T]")
            }
            guard frames.count == 5, frames[0] == count, frames[4] == 3 else {
                throw TrainingError(path: path, reason: "frames have shape \(frames), "
                                    + "expected [\(count), T, H, W, 3]")
            }

            let labels = try reader.int64Column("label").map { Int($0) }
            let frameCounts = stills ? [Int](repeating: 1, count: count)
                : try reader.int32Column("frame_count").map { Int($0) }
            let groups = reader.hasDataset("group") ? try reader.int64Column("group") : nil
            if let groups, groups.count != count {
                throw TrainingError(path: path, reason: "group holds \(groups.count) values, "
                                    + "expected \(count)")
            }
            let ids = try reader.ids()
            guard labels.count == count, frameCounts.count == count, ids.count == count else {
                throw TrainingError(path: path, reason: "label, frame_count and ids must "
                                    + "hold \(count) values each")
            }
            if let bad = labels.firstIndex(where: { !(0..<classCount).contains($0) }) {
                throw TrainingError(path: path, reason: "sample \(ids[bad]) has label "
                                    + "\(labels[bad]), expected 0..<\(classCount)")
            }
            if let bad = frameCounts.firstIndex(where: { $0 < 1 || $0 > frames[1] }) {
                throw TrainingError(path: path, reason: "sample \(ids[bad]) has frame_count "
                                    + "\(frameCounts[bad]), expected 1...\(frames[1])")
            }
            return ShardFacts(audio: Array(audio.dropFirst()), frame: [frames[2], frames[3]],
                              labels: labels, frameCounts: frameCounts, ids: ids,
                              groups: groups, visualColumn: stills ? "image" : "frames")
        } catch let error as TrainingError {
            throw error
        } catch {
            throw TrainingError(path: path, reason: "cannot read shard: \(error)")
        }
    }
}
