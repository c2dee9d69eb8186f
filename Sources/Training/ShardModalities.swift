import Cache

/// Finds the modalities of one shard from its datasets and reads its per-sample columns.
///
/// | modality | datasets                                    | per-sample shape         |
/// |----------|---------------------------------------------|--------------------------|
/// | audio    | `audio` float32 [N, F, T]                   | [F, T]                   |
/// | text     | `tokens` int32 [N, L], `attention_mask` [N, L] | [L]                   |
/// | visual   | `frames` uint8 [N, T, H, W, 3], `frame_count` | [T, H, W, 3]           |
/// |          | or `image` uint8 [N, H, W, 3]               | [1, H, W, 3]             |
/// | rgb      | `rgb` uint8 [N, T, H, W, 3]                 | [T, H, W, 3]             |
/// | depth    | `depth` uint8 [N, T, H, W]                  | [T, H, W, 1]             |
/// | flow     | `flow` float16 [N, T, H, W, 2]              | [T, H, W, 2]             |
enum ShardModalities {
    /// The largest token id accepted (2²⁴ − 1: far beyond any WordPiece vocabulary, small
    /// enough that an embedding table of that size is not a crash).
    static let maximumTokenID: Int32 = (1 << 24) - 1

    /// The order modalities are listed in.
    static let order = ["audio", "text", "visual", "rgb", "depth", "flow"]

    /// One opened shard: its reader, modalities and the columns read up front.
    struct Shard {
        let reader: ShardReader
        let modalities: [ModalitySpec]
        let labels: [Int]
        let ids: [String]
        let groups: [Int64]?
        /// Real frames per sample, per modality (1 where the modality has no frames).
        let frameCounts: [[Int]]
        /// Tokens and masks `[N·L]` per modality (empty for the others).
        let tokens: [[Int32]]
        let masks: [[UInt8]]

        /// Reads modality `index` (spec `spec`) of one sample.
        func value(of spec: ModalitySpec, at index: Int, sample: Int) throws -> ModalityValue {
            switch spec.kind {
            case .spectrogram:
                return .spectrogram(try reader.readFloat32(spec.column, sample: sample))
            case .frames:
                return .frames(try reader.readUInt8(spec.column, sample: sample),
                               count: frameCounts[index][sample])
            case .flow:
                return .flow(try reader.readFloat32(spec.column, sample: sample),
                             count: frameCounts[index][sample])
            case .tokens:
                let length = spec.valueCount
                let range = (sample * length)..<((sample + 1) * length)
                return .tokens(Array(tokens[index][range]), mask: Array(masks[index][range]))
            }
        }
    }

    /// Opens and checks the shard at `path`, keeping the modalities named in `only` (all when
    /// nil).
    static func open(path: String, entry: ShardEntry, classCount: Int,
                     only: [String]?) throws -> Shard {
        let reader: ShardReader
        do { reader = try ShardReader(path: path) } catch {
            throw TrainingError(path: path, reason: "cannot open shard: \(error)")
        }
        do {
            return try read(reader, path: path, entry: entry, classCount: classCount,
                            only: only)
        } catch let error as TrainingError {
            throw error
        } catch {
            throw TrainingError(path: path, reason: "cannot read shard: \(error)")
        }
    }

    private static func read(_ reader: ShardReader, path: String, entry: ShardEntry,
                             classCount: Int, only: [String]?) throws -> Shard {
        let count = reader.sampleCount
        guard count > 0 else { throw TrainingError(path: path, reason: "shard is empty") }
        guard count == entry.samples else {
            throw TrainingError(path: path, reason: "shard holds \(count) samples, the "
                                + "manifest says \(entry.samples)")
        }
        guard reader.hasDataset("label") else {
            throw TrainingError(path: path, reason: "shard has no dataset label")
        }

        var found = try specs(reader, path: path, count: count)
        if let only {
            for name in only where !found.contains(where: { $0.name == name }) {
                throw TrainingError(path: path, reason: "has no modality \(name) (it holds "
                                    + found.map(\.name).joined(separator: ", ") + ")")
            }
            found = found.filter { only.contains($0.name) }
        }
        guard !found.isEmpty else {
            throw TrainingError(path: path, reason: "shard holds no modality the trainer reads "
                                + "(audio, tokens, frames, image, rgb, depth, flow)")
        }

        let labels = try reader.int64Column("label").map { Int($0) }
        let ids = try reader.ids()
        let groups = reader.hasDataset("group") ? try reader.int64Column("group") : nil
        guard labels.count == count, ids.count == count, groups.map({ $0.count }) ?? count
                == count else {
            throw TrainingError(path: path, reason: "label, ids and group must hold \(count) "
                                + "values each")
        }
        if let bad = labels.firstIndex(where: { !(0..<classCount).contains($0) }) {
            throw TrainingError(path: path, reason: "sample \(ids[bad]) has label "
                                + "\(labels[bad]), expected 0..<\(classCount)")
        }

        var frameCounts: [[Int]] = [], tokens: [[Int32]] = [], masks: [[UInt8]] = []
        for (index, spec) in found.enumerated() {
            frameCounts.append(try framesOf(spec, reader, path: path, count: count, ids: ids))
            if spec.kind == .tokens {
                let (ids, mask) = try tokensOf(spec, reader, path: path, count: count)
                tokens.append(ids)
                masks.append(mask)
                found[index].tokenBound = Int(ids.max() ?? 0) + 1
            } else {
                tokens.append([])
                masks.append([])
            }
        }
        return Shard(reader: reader, modalities: found, labels: labels, ids: ids,
                     groups: groups, frameCounts: frameCounts, tokens: tokens, masks: masks)
    }

    /// The modalities the shard's datasets hold, in `order`.
    private static func specs(_ reader: ShardReader, path: String,
                              count: Int) throws -> [ModalitySpec] {
        func shape(_ name: String, rank: Int, last: Int? = nil) throws -> [Int]? {
            guard reader.hasDataset(name) else { return nil }
            let shape = try reader.shape(of: name)
            guard shape.count == rank, shape[0] == count, shape.allSatisfy({ $0 > 0 }),
                  last.map({ shape.last == $0 }) ?? true else {
                let expected = "[\(count)" + String(repeating: ", _", count: rank - 1) + "]"
                throw TrainingError(path: path, reason: "\(name) has shape \(shape), expected "
                                    + expected + (last.map { " ending in \($0)" } ?? ""))
            }
            return Array(shape.dropFirst())
        }

        var specs: [ModalitySpec] = []
        if let audio = try shape("audio", rank: 3) { specs.append(.audio(audio)) }
        if let tokens = try shape("tokens", rank: 2) {
            guard try shape("attention_mask", rank: 2) == tokens else {
                throw TrainingError(path: path, reason: "tokens need an attention_mask of the "
                                    + "same shape [\(count), \(tokens[0])]")
            }
            specs.append(ModalitySpec(name: "text", kind: .tokens, column: "tokens",
                                      shape: tokens))
        }
        if let frames = try shape("frames", rank: 5, last: 3) {
            specs.append(ModalitySpec(name: "visual", kind: .frames, column: "frames",
                                      shape: frames))
        } else if let image = try shape("image", rank: 4, last: 3) {
            specs.append(ModalitySpec(name: "visual", kind: .frames, column: "image",
                                      shape: [1] + image))
        }
        if let rgb = try shape("rgb", rank: 5, last: 3) {
            specs.append(ModalitySpec(name: "rgb", kind: .frames, column: "rgb", shape: rgb))
        }
        if let depth = try shape("depth", rank: 4) {
            specs.append(ModalitySpec(name: "depth", kind: .frames, column: "depth",
                                      shape: depth + [1]))
        }
        if let flow = try shape("flow", rank: 5, last: 2) {
            specs.append(ModalitySpec(name: "flow", kind: .flow, column: "flow", shape: flow))
        }
        return specs
    }

    /// Real frames per sample: `frame_count` for `frames`, every slot otherwise.
    private static func framesOf(_ spec: ModalitySpec, _ reader: ShardReader, path: String,
                                 count: Int, ids: [String]) throws -> [Int] {
        guard spec.column == "frames" else {
            let slots = spec.kind == .frames || spec.kind == .flow ? spec.shape[0] : 1
            return [Int](repeating: slots, count: count)
        }
        guard reader.hasDataset("frame_count") else {
            throw TrainingError(path: path, reason: "shard has no dataset frame_count")
        }
        let counts = try reader.int32Column("frame_count").map { Int($0) }
        guard counts.count == count else {
            throw TrainingError(path: path, reason: "frame_count holds \(counts.count) values, "
                                + "expected \(count)")
        }
        if let bad = counts.firstIndex(where: { $0 < 1 || $0 > spec.shape[0] }) {
            throw TrainingError(path: path, reason: "sample \(ids[bad]) has frame_count "
                                + "\(counts[bad]), expected 1...\(spec.shape[0])")
        }
        return counts
    }

    /// The whole `tokens` and `attention_mask` columns, checked.
    private static func tokensOf(_ spec: ModalitySpec, _ reader: ShardReader, path: String,
                                 count: Int) throws -> ([Int32], [UInt8]) {
        let ids = try reader.int32Column(spec.column)
        let mask = try reader.uint8Column("attention_mask")
        guard ids.count == count * spec.valueCount, mask.count == ids.count else {
            throw TrainingError(path: path, reason: "tokens and attention_mask must hold "
                                + "\(count)×\(spec.valueCount) values")
        }
        if let bad = ids.firstIndex(where: { $0 < 0 || $0 > maximumTokenID }) {
            throw TrainingError(path: path, reason: "token \(ids[bad]) at position "
                                + "\(bad % spec.valueCount) of sample \(bad / spec.valueCount) "
                                + "is not a vocabulary id (0…\(maximumTokenID))")
        }
        return (ids, mask)
    }
}
