import Cache
import Foundation
import Media

extension PipelineConfig {
    /// The datasets every shard made with this configuration holds (DESIGN.md's schema):
    /// `ids`, `label`, and per input `audio` float32 [N, F, T]; `frames` uint8
    /// [N, *, H, W, 3] and `frame_count` int32 [N]; `image` uint8 [N, H, W, 3]; `tokens` int32
    /// [N, L] and `attention_mask` uint8 [N, L].
    public var shardSchema: ShardSchema {
        var datasets = ShardSchema.common.datasets
        for input in inputs {
            switch input {
            case .audio:
                datasets.append(.init(name: "audio", kind: .float32,
                                      dimensions: [audio.binCount, audio.frameCount]))
            case .frames:
                datasets.append(.init(name: "frames", kind: .uint8,
                                      dimensions: [nil, frames.height, frames.width, 3]))
                datasets.append(.init(name: "frame_count", kind: .int32, dimensions: []))
            case .image:
                let picture = image ?? ImageConfig()
                datasets.append(.init(name: "image", kind: .uint8,
                                      dimensions: [picture.height, picture.width, 3]))
            case .text:
                let length = (text ?? TextConfig()).maxLength
                datasets.append(.init(name: "tokens", kind: .int32, dimensions: [length]))
                datasets.append(.init(name: "attention_mask", kind: .uint8,
                                      dimensions: [length]))
            }
        }
        return ShardSchema(datasets: datasets)
    }

    /// The configuration a manifest records, or nil when it is not one of this version's.
    public static func recorded(in manifest: Manifest) -> PipelineConfig? {
        guard let data = try? JSONEncoder().encode(manifest.config) else { return nil }
        return try? JSONDecoder().decode(PipelineConfig.self, from: data)
    }
}
