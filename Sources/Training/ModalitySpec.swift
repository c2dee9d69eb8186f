/// One modality of a split as its shards store it: its name, kind, shard column and shape.
///
/// The trainer picks an encoder by kind: spectrograms and pictures get a ResNet, tokens a
/// text encoder. Names are the metric names (`test_acc_<name>`, `rho_<name>`).
public struct ModalitySpec: Codable, Equatable, Sendable {
    /// What the values are.
    public enum Kind: String, Codable, Sendable {
        /// A float32 spectrogram `[F, T]`.
        case spectrogram
        /// uint8 pictures `[slots, H, W, C]` (C = 3 RGB, 1 depth); the first `count` are real.
        case frames
        /// float displacement fields `[slots, H, W, 2]` (optical flow, pixels).
        case flow
        /// int32 token ids `[L]` with a uint8 attention mask `[L]`.
        case tokens
    }

    /// The modality's name: `audio`, `visual`, `text`, `rgb`, `depth`, `flow`.
    public var name: String
    /// The kind of values.
    public var kind: Kind
    /// The shard dataset holding them (`audio`, `frames`, `image`, `tokens`, `rgb`, …).
    public var column: String
    /// The per-sample shape: `[F, T]`, `[slots, H, W, C]` or `[L]`.
    public var shape: [Int]
    /// For tokens, one more than the largest id in the split (0 otherwise).
    public var tokenBound: Int

    /// Makes a description.
    public init(name: String, kind: Kind, column: String, shape: [Int], tokenBound: Int = 0) {
        self.name = name
        self.kind = kind
        self.column = column
        self.shape = shape
        self.tokenBound = tokenBound
    }

    /// A spectrogram modality named `audio`.
    public static func audio(_ shape: [Int]) -> ModalitySpec {
        ModalitySpec(name: "audio", kind: .spectrogram, column: "audio", shape: shape)
    }

    /// An RGB frames modality named `visual` of `slots` frames of `[H, W]`.
    public static func visual(slots: Int, frame: [Int]) -> ModalitySpec {
        ModalitySpec(name: "visual", kind: .frames, column: "frames",
                     shape: [slots] + frame + [3])
    }

    /// Values per sample.
    public var valueCount: Int { shape.reduce(1, *) }

    /// Values per frame (frames and flow: H·W·C).
    public var frameValues: Int { shape.dropFirst().reduce(1, *) }

    /// Channels per picture (frames and flow).
    public var channels: Int { shape.last ?? 0 }

    /// The picture size `[H, W]` (frames and flow).
    public var frameSize: [Int] { shape.count == 4 ? [shape[1], shape[2]] : [] }

    /// Whether two splits agree on it (the token bound may differ between splits).
    func matches(_ other: ModalitySpec) -> Bool {
        name == other.name && kind == other.kind && shape == other.shape
    }
}
