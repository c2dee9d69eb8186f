/// One input a shard holds, with the datasets it becomes (DESIGN.md's shard schema).
public enum ShardInput: String, CaseIterable, Sendable {
    /// A spectrogram: `audio` float32 [N, F, T].
    case audio
    /// Video frames (a frame folder or a video): `frames` uint8 [N, T, H, W, 3] and
    /// `frame_count` int32 [N].
    case frames
    /// One picture: `image` uint8 [N, H, W, 3].
    case image
    /// Token ids: `tokens` int32 [N, L] and `attention_mask` uint8 [N, L].
    case text

    /// The inputs of a layout's modalities (`audio`, `visual` → frames, `image`, `text`), in
    /// the shard's column order: audio, frames, image, text.
    public static func of(modalities: [String]) -> [ShardInput] {
        let wanted = Set(modalities.map { $0 == "visual" ? ShardInput.frames.rawValue : $0 })
        return allCases.filter { wanted.contains($0.rawValue) }
    }

    /// The modality name a dataset's metrics use for this input (`frames` → `visual`).
    public var modality: String { self == .frames ? "visual" : rawValue }
}
