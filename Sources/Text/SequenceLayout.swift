/// How token ids are laid out in a fixed-length model input.
///
/// Stored in cache manifests under its raw value.
public enum SequenceLayout: String, Sendable, Codable, CaseIterable {
    /// HuggingFace's: `[CLS] pieces [SEP]`, the pieces cut to `L − 2`, `[PAD]` to `L`; the
    /// attention mask is 1 on `[CLS]`, the pieces and `[SEP]`.
    case huggingFace = "hf"
    /// The reference training code's: the pieces alone, cut to `L`, id 0 to `L`; the attention
    /// mask is 1 on the pieces.
    case reference

    /// Lays out word-piece ids (no specials yet); `maxLength` nil means no cut and no padding.
    ///
    /// With `.huggingFace` and `maxLength` below 2 the result is `[CLS] [SEP]`, longer than
    /// asked, as the reference library returns it.
    public func arrange(_ pieces: [Int32], maxLength: Int?,
                        vocabulary: Vocabulary) -> EncodedText {
        var ids: [Int32] = []
        let kept: Int
        switch self {
        case .huggingFace:
            kept = maxLength.map { min(pieces.count, max($0 - 2, 0)) } ?? pieces.count
            ids.reserveCapacity(max(kept + 2, maxLength ?? 0))
            ids.append(vocabulary.classID)
            ids.append(contentsOf: pieces.prefix(kept))
            ids.append(vocabulary.separatorID)
        case .reference:
            kept = maxLength.map { min(pieces.count, max($0, 0)) } ?? pieces.count
            ids.reserveCapacity(max(kept, maxLength ?? 0))
            ids.append(contentsOf: pieces.prefix(kept))
        }

        var mask = [UInt8](repeating: 1, count: ids.count)
        if let maxLength, ids.count < maxLength {
            let padding = self == .huggingFace ? vocabulary.paddingID : 0
            ids.append(contentsOf: repeatElement(padding, count: maxLength - ids.count))
            mask.append(contentsOf: repeatElement(0, count: maxLength - mask.count))
        }
        return EncodedText(ids: ids, attentionMask: mask)
    }
}

/// Token ids ready for a model, with their attention mask (same length).
public struct EncodedText: Sendable, Equatable, Hashable {
    /// The ids.
    public var ids: [Int32]
    /// 1 for a real token, 0 for padding.
    public var attentionMask: [UInt8]

    /// Wraps ids and a mask.
    public init(ids: [Int32], attentionMask: [UInt8]) {
        self.ids = ids
        self.attentionMask = attentionMask
    }
}
