/// One modality of one clip, as read from its shard.
public enum ModalityValue: Sendable {
    /// A spectrogram, row-major `[F, T]`.
    case spectrogram([Float])
    /// uint8 pictures, row-major `[slots, H, W, C]`; the first `count` are real.
    case frames([UInt8], count: Int)
    /// Displacement fields, row-major `[slots, H, W, 2]`; the first `count` are real.
    case flow([Float], count: Int)
    /// Token ids and attention mask `[L]`.
    case tokens([Int32], mask: [UInt8])

    /// The number of stored values.
    var valueCount: Int {
        switch self {
        case .spectrogram(let values): return values.count
        case .frames(let values, _): return values.count
        case .flow(let values, _): return values.count
        case .tokens(let ids, _): return ids.count
        }
    }

    /// The real frames (1 for spectrograms and tokens).
    var frameCount: Int {
        switch self {
        case .frames(_, let count), .flow(_, let count): return count
        case .spectrogram, .tokens: return 1
        }
    }
}
