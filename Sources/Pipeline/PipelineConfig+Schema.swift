import Cache
import Foundation

extension PipelineConfig {
    /// The datasets every shard made with this configuration holds (DESIGN.md's schema):
    /// `ids`, `label`, `audio` float32 [N, F, T], `frames` uint8 [N, *, H, W, 3] and
    /// `frame_count` int32 [N].
    public var shardSchema: ShardSchema {
        ShardSchema(datasets: ShardSchema.common.datasets + [
            .init(name: "audio", kind: .float32, dimensions: [audio.binCount, audio.frameCount]),
            .init(name: "frames", kind: .uint8, dimensions: [nil, frames.height, frames.width, 3]),
            .init(name: "frame_count", kind: .int32, dimensions: []),
        ])
    }

    /// The configuration a manifest records, or nil when it is not one of this version's.
    public static func recorded(in manifest: Manifest) -> PipelineConfig? {
        guard let data = try? JSONEncoder().encode(manifest.config) else { return nil }
        return try? JSONDecoder().decode(PipelineConfig.self, from: data)
    }
}
