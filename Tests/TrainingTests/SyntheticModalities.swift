import Foundation
import Tensor
@testable import Training

/// Synthetic clips of the other modality kinds: NVGesture-like RGB, depth and flow, and
/// image–text pairs.
///
/// Gestures: class c brightens every RGB value by 48·c grey levels over uniform noise; depth
/// and flow are noise. Image–text: the token at position 1 is `1000 + c`, the others are
/// random ids in 2000..<2100, the last two positions are padding (mask 0); the images are
/// noise.
enum SyntheticModalities {
    static let size = 16
    static let slots = 4
    static let length = 8

    static let gestureModalities: [ModalitySpec] = [
        ModalitySpec(name: "rgb", kind: .frames, column: "rgb", shape: [slots, size, size, 3]),
        ModalitySpec(name: "depth", kind: .frames, column: "depth",
                     shape: [slots, size, size, 1]),
        ModalitySpec(name: "flow", kind: .flow, column: "flow", shape: [slots, size, size, 2]),
    ]

    static let textImageModalities: [ModalitySpec] = [
        ModalitySpec(name: "text", kind: .tokens, column: "tokens", shape: [length],
                     tokenBound: 2100),
        ModalitySpec(name: "visual", kind: .frames, column: "image", shape: [1, size, size, 3]),
    ]

    static func gestures(count: Int, classes: Int, seed: UInt64,
                         prefix: String) -> [ClipSample] {
        var generator = SeededGenerator(seed: seed)
        let plane = slots * size * size
        return (0..<count).map { index in
            let label = index % classes
            let rgb = (0..<(plane * 3)).map { _ in
                UInt8(min(255, 32 * generator.nextFloat() + 48 * Float(label)))
            }
            let depth = (0..<plane).map { _ in UInt8(255 * generator.nextFloat()) }
            let flow = (0..<(plane * 2)).map { _ in generator.nextNormal() }
            return ClipSample(id: "\(prefix)-\(index)", label: label, values: [
                .frames(rgb, count: slots), .frames(depth, count: slots),
                .flow(flow, count: slots),
            ])
        }
    }

    static func captions(count: Int, classes: Int, seed: UInt64,
                         prefix: String) -> [ClipSample] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { index in
            let label = index % classes
            var ids = (0..<length).map { _ in Int32(2000 + generator.next() % 100) }
            ids[1] = Int32(1000 + label)
            ids[length - 2] = 0
            ids[length - 1] = 0
            let mask = (0..<length).map { UInt8($0 < length - 2 ? 1 : 0) }
            let image = (0..<(size * size * 3)).map { _ in UInt8(255 * generator.nextFloat()) }
            return ClipSample(id: "\(prefix)-\(index)", label: label,
                              values: [.tokens(ids, mask: mask), .frames(image, count: 1)])
        }
    }

    /// Train, valid (when asked) and test splits of gestures or captions.
    static func data(text: Bool, classes: Int = 4, train: Int = 96, test: Int = 32,
                     valid: Int? = nil) throws -> TrainingData {
        func split(_ name: String, _ count: Int, _ seed: UInt64) throws -> InMemoryClipSource {
            try InMemoryClipSource(
                location: name,
                clips: text ? captions(count: count, classes: classes, seed: seed, prefix: name)
                    : gestures(count: count, classes: classes, seed: seed, prefix: name),
                modalities: text ? textImageModalities : gestureModalities, shardSize: 24)
        }
        return try TrainingData(
            classes: (0..<classes).map { "class\($0)" }, configKey: "synthetic-\(text)",
            cacheFolder: "memory", train: try split("train", train, 1),
            valid: try valid.map { try split("valid", $0, 3) }, test: try split("test", test, 2))
    }
}
