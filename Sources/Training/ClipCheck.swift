/// Checks that a clip's values fit the modalities of its split.
enum ClipCheck {
    /// Throws `TrainingError` naming the clip when a value is of another kind or size, or its
    /// frame count is outside `1…slots`.
    static func check(_ clip: ClipSample, modalities: [ModalitySpec],
                      location: String) throws {
        let path = "\(location)/\(clip.id)"
        guard clip.values.count == modalities.count else {
            throw TrainingError(path: path, reason: "holds \(clip.values.count) modalities, "
                                + "expected \(modalities.count) (\(names(modalities)))")
        }
        for (value, spec) in zip(clip.values, modalities) {
            guard kind(of: value) == spec.kind, value.valueCount == spec.valueCount else {
                throw TrainingError(path: path, reason: "\(spec.name) holds "
                                    + "\(value.valueCount) values, expected \(spec.kind.rawValue) "
                                    + "\(spec.shape)")
            }
            if case .tokens(let ids, let mask) = value, mask.count != ids.count {
                throw TrainingError(path: path, reason: "\(spec.name) has \(ids.count) "
                                    + "tokens and \(mask.count) mask values")
            }
            if spec.kind == .frames || spec.kind == .flow {
                let slots = spec.shape.first ?? 0
                guard value.frameCount >= 1, value.frameCount <= slots else {
                    throw TrainingError(path: path, reason: "\(spec.name) has frame count "
                                        + "\(value.frameCount), expected 1...\(slots)")
                }
            }
        }
    }

    private static func kind(of value: ModalityValue) -> ModalitySpec.Kind {
        switch value {
        case .spectrogram: return .spectrogram
        case .frames: return .frames
        case .flow: return .flow
        case .tokens: return .tokens
        }
    }

    private static func names(_ modalities: [ModalitySpec]) -> String {
        modalities.map(\.name).joined(separator: ", ")
    }
}
