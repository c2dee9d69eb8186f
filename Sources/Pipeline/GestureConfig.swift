import Foundation

/// The settings of the NVGesture stages (`pipelines/nvgesture.json`, `lite`, the default, and
/// `pipelines/nvgesture-reference.json`, the reference's sizes).
///
/// Each sensor's frames `[start, end)` are read at the native rate and `frames` of them kept
/// evenly spaced, scaled to width×height: `rgb` uint8 [N, T, H, W, 3], `depth` uint8
/// [N, T, H, W] (one channel) and `flow` float16 [N, T, H, W, 2] by `flow`:
/// - `precomputed` (the default): the reference's `.npy` when the gesture has one, otherwise
///   computed as by `compute` (`flow_computed` tells which);
/// - `compute`: Farnebäck flow (`FarnebackFlow`, OpenCV's common settings) between consecutive
///   kept frames of the `flow_from` sensor (`rgb`, as BT.601 luma, or `depth`) at the cached
///   size; frame t holds the flow from kept frame t to t + 1, the last frame zeros;
/// - `none`: no flow datasets.
public struct GestureConfig: Codable, Equatable, Sendable {
    /// The dataset name, `nvgesture`.
    public var dataset = "nvgesture"
    /// The preset's name: `lite` or `reference`.
    public var preset: String
    /// Frames kept per recording (T).
    public var frames: Int
    /// Output width in pixels.
    public var width: Int
    /// Output height in pixels.
    public var height: Int
    /// `precomputed` (read `Video_data/flow_data/<split>/<position>.npy`, compute where it is
    /// absent), `compute` (always compute) or `none`.
    public var flow: String
    /// The sensor computed flow is taken from: `rgb` or `depth`.
    public var flowFrom: String
    /// The libswscale filter.
    public var scaler: String
    /// Classes the lists must use.
    public var classes: Int
    /// The number of samples a shard aims at.
    public var shardSize: Int
    /// Deflate level of the shards' datasets.
    public var deflate: Int

    enum CodingKeys: String, CodingKey, CaseIterable {
        case dataset, preset, frames, width, height, flow, scaler, classes, deflate
        case shardSize = "shard_size"
        case flowFrom = "flow_from"
    }

    /// The CPU-training default: 32 frames of 112×112.
    public static let lite = GestureConfig(preset: "lite", frames: 32, width: 112, height: 112,
                                           flow: "precomputed", flowFrom: "rgb",
                                           scaler: "bilinear", classes: 25, shardSize: 32,
                                           deflate: 4)
    /// The reference's sizes: 80 frames of 256×256 (cropped to 224 at training).
    public static let reference = GestureConfig(preset: "reference", frames: 80, width: 256,
                                                height: 256, flow: "precomputed",
                                                flowFrom: "rgb", scaler: "bilinear",
                                                classes: 25, shardSize: 8, deflate: 4)

    /// A description of what is wrong with the values, or nil.
    public var problem: String? {
        if frames < 1 { return "frames must be ≥ 1" }
        if width < 1 || height < 1 || width > 8_192 || height > 8_192 {
            return "width and height must lie in 1…8192"
        }
        if !["precomputed", "compute", "none"].contains(flow) {
            return "flow must be precomputed, compute or none"
        }
        if !["rgb", "depth"].contains(flowFrom) { return "flow_from must be rgb or depth" }
        if classes < 1 { return "classes must be ≥ 1" }
        if shardSize < 1 { return "shard_size must be ≥ 1" }
        if !(0...9).contains(deflate) { return "deflate must be 0–9" }
        return nil
    }

    /// Reads a configuration file; its `preset` (default `lite`) gives the values it omits.
    public static func load(path: String) throws -> GestureConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PipelineError(path: path, code: "missing", reason: "cannot read the config file")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw PipelineError(path: path, code: "config", reason: "not a JSON object")
        }
        let presetName = object["preset"] as? String ?? "lite"
        guard let preset = ["lite": lite, "reference": reference][presetName] else {
            throw PipelineError(path: path, code: "config", reason: "unknown preset "
                                + "'\(presetName)' (lite or reference)")
        }
        let known = Set(CodingKeys.allCases.map(\.stringValue))
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw PipelineError(path: path, code: "config", reason: "unknown key '\(unknown)'")
        }
        var merged = try JSONSerialization.jsonObject(with: JSONEncoder().encode(preset))
            as? [String: Any] ?? [:]
        merged.merge(object) { _, new in new }
        let config: GestureConfig
        do {
            config = try JSONDecoder().decode(GestureConfig.self, from: JSONSerialization.data(
                withJSONObject: merged))
        } catch {
            throw PipelineError(path: path, code: "config", reason: "a value has the wrong type: "
                                + "\(error)")
        }
        if let problem = config.problem {
            throw PipelineError(path: path, code: "config", reason: problem)
        }
        return config
    }
}
