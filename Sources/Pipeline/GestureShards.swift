import Cache
import Datasets
import Foundation

/// The NVGesture shards' contents and identities: which earlier shard file can be kept, and the
/// datasets of a new one.
enum GestureShards {
    /// The shard's identity: the plan's (config key, place, every sample's id, label and source
    /// sizes and modification times, the flow file's included) extended by each sample's frame
    /// ranges and list position, which live in the list, not in the media files.
    static func identity(of shard: ShardPlan.Shard,
                         gestures: [String: NVGestureSample]) -> String {
        var text = shard.identity + "\n"
        for sample in shard.samples {
            guard let gesture = gestures[sample.id] else { continue }
            let ranges = gesture.ranges.sorted { $0.key < $1.key }.map { key, range in
                "\(key) \(range.lowerBound) \(range.upperBound)"
            }
            text += "gesture \(sample.id) position \(gesture.position) "
                + ranges.joined(separator: " ") + "\n"
        }
        return SHA256.hex(of: text)
    }

    // LIMITATION: a shard file whose size and modification time (to the nanosecond) are
    // unchanged is trusted without re-hashing, as `amss prep` does for the other datasets.
    /// An earlier entry of `file` made from the same inputs, when the file on disk is still that
    /// shard (same size and modification time, or else the same SHA-256), restamped.
    static func reusable(file: String, identity: String, folder: String,
                         recorded: [String: [ShardEntry]]) -> ShardEntry? {
        let path = (folder as NSString).appendingPathComponent(file)
        guard let stamp = FileStamp.of(path) else { return nil }
        var digest: String?
        for old in recorded[file] ?? [] where old.identity == identity {
            if old.stamp != stamp {
                if digest == nil { digest = try? SHA256.hex(ofFile: path) }
                guard digest == old.sha256 else { continue }
            }
            return old.restamped(stamp)
        }
        return nil
    }

    /// The shard's datasets: `label`, `rgb`, `depth`, and when any gesture has flow `flow`,
    /// `flow_present` and `flow_computed`.
    static func columns(of gestures: [PreparedGesture], config: GestureConfig) -> [ShardColumn] {
        let count = gestures.count
        let (frames, height, width) = (config.frames, config.height, config.width)
        var columns = [
            ShardColumn(name: "label", shape: [count], values: .int64(gestures.map {
                Int64($0.label) }), attributes: ["axes": "sample",
                                                "units": "index into the root attribute classes"]),
            ShardColumn(name: "rgb", shape: [count, frames, height, width, 3],
                        values: .uint8(gestures.flatMap(\.rgb)),
                        attributes: ["axes": "sample,frame,height,width,channel",
                                     "units": "8-bit RGB intensity"]),
            ShardColumn(name: "depth", shape: [count, frames, height, width],
                        values: .uint8(gestures.flatMap(\.depth)),
                        attributes: ["axes": "sample,frame,height,width",
                                     "units": "8-bit depth video value (BT.601 luma)"]),
        ]
        guard gestures.contains(where: { $0.flow != nil }) else { return columns }
        let zeros = [UInt16](repeating: 0, count: frames * height * width * 2)
        columns.append(ShardColumn(
            name: "flow", shape: [count, frames, height, width, 2],
            values: .float16(gestures.flatMap { $0.flow ?? zeros }),
            attributes: ["axes": "sample,frame,height,width,component",
                         "units": "pixels at the cached size (x, y)",
                         "computed_by": "Farnebäck (pyramid scale 0.5, 3 levels, window 15, "
                            + "3 iterations, poly n 5, sigma 1.2) from kept frame t to t + 1 "
                            + "of \(config.flowFrom); the last frame zeros"]))
        columns.append(ShardColumn(
            name: "flow_present", shape: [count],
            values: .uint8(gestures.map { $0.flow == nil ? 0 : 1 }),
            attributes: ["axes": "sample", "units": "1 when flow was read or computed, 0 for "
                            + "zeros"]))
        columns.append(ShardColumn(
            name: "flow_computed", shape: [count],
            values: .uint8(gestures.map { $0.flowComputed ? 1 : 0 }),
            attributes: ["axes": "sample", "units": "1 when the flow was computed from the "
                            + "frames, 0 when read from a flow file (or absent)"]))
        return columns
    }
}
