import Models
import Tensor

/// Builds the model a run trains from the data's modalities, picking each encoder by kind.
///
/// Spectrograms get a ResNet-18 with one input channel; pictures a ResNet-18 with their
/// channel count (3 RGB, 1 depth, 2 flow), or for `visual` a ResNet-50 loaded from
/// `--image-weights`; tokens a text encoder, loaded from `--text-weights` or a small one
/// trained from scratch. Seeds are drawn from the run seed, one per modality in order and then
/// one for the head, so an audio–visual model starts exactly as `AudioVisualModel` does and
/// the uni-modal baseline's encoder as the multimodal model's encoder of its modality.
enum ModelFactory {
    /// The model of `plan` over `modalities`.
    ///
    /// - Throws: `TrainingError` naming the weights file or the option when an encoder cannot
    ///   be made (unreadable weights, a vocabulary smaller than the cache's tokens, a fusion
    ///   the modalities do not allow).
    static func make(modalities: [ModalitySpec], plan: TrainPlan, options: TrainOptions,
                     classCount: Int) throws -> MultimodalModel {
        var generator = SeededGenerator(seed: options.seed)
        let seeds = modalities.map { _ in generator.next() }
        let headSeed = generator.next()

        if options.imageWeights != nil, !modalities.contains(where: { $0.name == "visual" }) {
            throw TrainingError(path: options.imageWeights ?? "", reason: "--image-weights is "
                                + "for a visual modality; the cache holds "
                                + modalities.map(\.name).joined(separator: ", "))
        }
        if options.textWeights != nil, !modalities.contains(where: { $0.kind == .tokens }) {
            throw TrainingError(path: options.textWeights ?? "", reason: "--text-weights is for "
                                + "a text modality; the cache holds "
                                + modalities.map(\.name).joined(separator: ", "))
        }
        var chosen = Array(modalities.indices)
        if let name = plan.modalityName {
            guard let index = modalities.firstIndex(where: { $0.name == name }) else {
                throw TrainingError(path: options.out, reason: "unimodal modality \(name) is "
                                    + "not in the cache (it holds "
                                    + modalities.map(\.name).joined(separator: ", ") + ")")
            }
            chosen = [index]
        }
        let encoders = try chosen.map { m in
            try encoder(modalities[m], modality: m, options: options, seed: seeds[m])
        }
        let head = try fusionHead(encoders.map(\.featureCount), options: options,
                                  unimodal: plan.modalityName != nil, classCount: classCount,
                                  seed: headSeed)
        return MultimodalModel(encoders: encoders, head: head)
    }

    private static func encoder(_ spec: ModalitySpec, modality m: Int, options: TrainOptions,
                                seed: UInt64) throws -> any ModalityEncoder {
        switch spec.kind {
        case .spectrogram:
            return ConvolutionalEncoder(ResNet18(name: spec.name, inputChannels: 1,
                                                 width: options.width, modality: m, seed: seed))
        case .frames, .flow:
            if spec.name == "visual", let path = options.imageWeights {
                guard spec.channels == 3 else {
                    throw TrainingError(path: path, reason: "ResNet-50 weights need RGB "
                                        + "pictures, \(spec.name) has \(spec.channels) channels")
                }
                do {
                    // The width is the file's: its stem has 64·w filters.
                    let stem = try SafetensorsFile(path: path).entries["conv1.weight"]
                    let filters = stem?.shape.first ?? 64
                    guard (1...256).contains(filters), stem.map({ $0.shape.count == 4 }) ?? true
                    else {
                        throw TrainingError(path: path, reason: "conv1.weight has shape "
                                            + "\(stem?.shape ?? []), expected [64·w, 3, 7, 7] "
                                            + "with 1 to 256 filters")
                    }
                    let width = Double(filters) / 64
                    return ConvolutionalEncoder(try ResNet50(weights: path, name: spec.name,
                                                             width: width, modality: m))
                } catch {
                    throw TrainingError(path: path, reason: "cannot load --image-weights: "
                                        + "\(error)")
                }
            }
            return ConvolutionalEncoder(ResNet18(name: spec.name, inputChannels: spec.channels,
                                                 width: options.width, modality: m, seed: seed))
        case .tokens:
            return try textEncoder(spec, modality: m, options: options, seed: seed)
        }
    }

    private static func textEncoder(_ spec: ModalitySpec, modality m: Int,
                                    options: TrainOptions, seed: UInt64) throws -> TextEncoder {
        guard let pooling = TextPooling(rawValue: options.textPooling) else {
            throw TrainingError(path: options.out, reason: "unknown text pooling "
                                + "\(options.textPooling) (cls, mean, pooler)")
        }
        let length = spec.valueCount
        guard let folder = options.textWeights else {
            let config = TextEncoderConfig.small(vocabularySize: max(30_522, spec.tokenBound),
                                                 maxPositions: max(512, length))
            return TextEncoder(name: spec.name, config: config, pooling: pooling, modality: m,
                               seed: seed)
        }
        let encoder: TextEncoder
        do {
            encoder = try TextEncoder(checkpoint: folder, name: spec.name, pooling: pooling,
                                      modality: m, seed: seed)
        } catch {
            throw TrainingError(path: folder, reason: "cannot load --text-weights: \(error)")
        }
        guard spec.tokenBound <= encoder.config.vocabularySize else {
            throw TrainingError(path: folder, reason: "the cache's tokens reach id "
                                + "\(spec.tokenBound - 1), the checkpoint's vocabulary has "
                                + "\(encoder.config.vocabularySize) entries: prepare the cache "
                                + "with this checkpoint's vocab.txt")
        }
        guard length <= encoder.config.maxPositions else {
            throw TrainingError(path: folder, reason: "the cache's texts are \(length) tokens, "
                                + "the checkpoint has \(encoder.config.maxPositions) positions")
        }
        return encoder
    }

    private static func fusionHead(_ featureCounts: [Int], options: TrainOptions,
                                   unimodal: Bool, classCount: Int,
                                   seed: UInt64) throws -> any FusionHead {
        guard options.fusion == "concat" || !unimodal else {
            throw TrainingError(path: options.out, reason: "the unimodal baseline has a linear "
                                + "head; --fusion \(options.fusion) needs two or more modalities")
        }
        guard let kind = FusionKind(rawValue: options.fusion) else {
            throw TrainingError(path: options.out, reason: "unknown fusion \(options.fusion) "
                                + "(concat, sum, film, gated)")
        }
        do {
            return try FusionKind.make(kind, featureCounts: featureCounts,
                                       classCount: classCount, seed: seed)
        } catch {
            throw TrainingError(path: options.out, reason: "--fusion \(options.fusion): \(error)")
        }
    }
}
