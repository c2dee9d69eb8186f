import Models
import Tensor

/// The work of one epoch's prefetch thread: order, shuffle buffer, frame picking, collation.
///
/// All randomness comes from one generator seeded by the stream seed and the epoch, used in a
/// fixed order on this thread, so batches do not depend on timing. The modalities of a clip
/// that hold frames share its frame picks, and, when of one size, its crop and flip, so RGB,
/// depth and flow of a gesture stay aligned.
final class BatchProducer: @unchecked Sendable {
    /// A clip reduced to what the batch needs: per modality its value with only the picked
    /// frames.
    private struct PreparedClip {
        let id: String
        let label: Int
        let values: [ModalityValue]
    }

    private let source: ClipSource
    private let modalities: [ModalitySpec]
    private let configuration: ShardStream.Configuration
    private let queue: BatchQueue
    private var generator: SeededGenerator

    init(source: ClipSource, configuration: ShardStream.Configuration, epoch: Int,
         queue: BatchQueue) {
        self.source = source
        self.modalities = source.modalities
        self.configuration = configuration
        self.queue = queue
        let epochSeed = UInt64(truncatingIfNeeded: epoch) &* 0x9E37_79B9_7F4A_7C15
        self.generator = SeededGenerator(seed: configuration.seed ^ epochSeed)
    }

    /// Produces every batch of the epoch into the queue, then finishes it.
    func run() {
        defer { queue.finish() }
        do {
            try produce()
        } catch {
            _ = queue.push(.failure(error))
        }
    }

    private func produce() throws {
        let batchSize = max(1, configuration.batchSize)
        var pending: [PreparedClip] = []
        var emitted = 0
        let limit = configuration.maxBatches ?? Int.max
        guard limit > 0 else { return }

        // Adds a clip to the batch being formed; false once the epoch must stop.
        func add(_ clip: PreparedClip) -> Bool {
            pending.append(clip)
            guard pending.count == batchSize else { return !queue.isCancelled }
            let batch = collate(pending)
            pending.removeAll(keepingCapacity: true)
            emitted += 1
            return queue.push(.success(batch)) && emitted < limit
        }

        var buffer: [PreparedClip] = []
        let capacity = configuration.training ? max(1, configuration.shuffleBuffer) : 0
        for (shard, sample) in visitingOrder() {
            let clip = try prepare(try source.clip(shard: shard, sample: sample))
            guard capacity > 0 else {
                if !add(clip) { return }
                continue
            }
            buffer.append(clip)
            if buffer.count >= capacity, !add(takeRandom(from: &buffer)) { return }
        }
        while !buffer.isEmpty {
            if !add(takeRandom(from: &buffer)) { return }
        }

        // A last partial batch is kept, except a single clip while training (batch norm
        // statistics of one clip are degenerate).
        if !pending.isEmpty && !(configuration.training && pending.count < 2) {
            _ = queue.push(.success(collate(pending)))
        }
    }

    /// (shard, sample) pairs: stored order for evaluation, shuffled shards and rows for training.
    private func visitingOrder() -> [(Int, Int)] {
        let sizes = source.shardSizes
        var shards = Array(sizes.indices)
        if configuration.training { shards.shuffle(using: &generator) }
        var order: [(Int, Int)] = []
        for shard in shards {
            var rows = Array(0..<sizes[shard])
            if configuration.training { rows.shuffle(using: &generator) }
            order += rows.map { (shard, $0) }
        }
        return order
    }

    private func takeRandom(from buffer: inout [PreparedClip]) -> PreparedClip {
        let index = Int.random(in: 0..<buffer.count, using: &generator)
        buffer.swapAt(index, buffer.count - 1)
        return buffer.removeLast()
    }

    /// Frames taken from each clip of a modality with `slots` frame slots: one for still
    /// images, `framesPerClip` otherwise.
    private func picks(_ spec: ModalitySpec) -> Int {
        spec.shape.first == 1 ? 1 : max(1, configuration.framesPerClip)
    }

    /// Checks a clip's values and keeps only its picked frames (one pick for all its frame
    /// modalities, from the fewest real frames among them).
    private func prepare(_ clip: ClipSample) throws -> PreparedClip {
        try ClipCheck.check(clip, modalities: modalities, location: source.location)

        let framed = clip.values.filter { $0.isFramed }
        var indices: [Int] = []
        if let fewest = framed.map(\.frameCount).min() {
            let count = max(1, configuration.framesPerClip)
            if configuration.frameWindow {
                indices = FrameTransform.windowFrameIndices(count: fewest, picks: count,
                                                            training: configuration.training,
                                                            using: &generator)
            } else {
                indices = configuration.training
                    ? FrameTransform.trainingFrameIndices(count: fewest, picks: count,
                                                          using: &generator)
                    : FrameTransform.evaluationFrameIndices(count: fewest, picks: count)
            }
        }

        let values = zip(clip.values, modalities).map { value, spec -> ModalityValue in
            let chosen = spec.shape.first == 1 ? [0] : indices
            switch value {
            case .frames(let bytes, _):
                return .frames(Self.gather(bytes, frames: chosen, size: spec.frameValues),
                               count: chosen.count)
            case .flow(let values, _):
                return .flow(Self.gather(values, frames: chosen, size: spec.frameValues),
                             count: chosen.count)
            case .spectrogram, .tokens:
                return value
            }
        }
        return PreparedClip(id: clip.id, label: clip.label, values: values)
    }

    private static func gather<T>(_ values: [T], frames: [Int], size: Int) -> [T] {
        var out: [T] = []
        out.reserveCapacity(frames.count * size)
        for index in frames { out += values[(index * size)..<((index + 1) * size)] }
        return out
    }

    /// Stacks each modality: spectrograms `[B, 1, F, T]`, pictures `[B·n, C, H, W]` (cropped,
    /// flipped and normalised), tokens `[B, L]`.
    private func collate(_ clips: [PreparedClip]) -> ClipBatch {
        let augments = FrameAugmentation(modalities: modalities,
                                         picks: modalities.map(picks),
                                         configuration: configuration)
        let boxes = augments.draw(clips: clips.count, using: &generator)
        let inputs = modalities.indices.map { m -> ModalityBatch in
            let spec = modalities[m]
            let values = clips.map { $0.values[m] }
            switch spec.kind {
            case .spectrogram:
                var data: [Float] = []
                data.reserveCapacity(clips.count * spec.valueCount)
                for case .spectrogram(let x) in values { data += x }
                return .spectrogram(Tensor(shape: [clips.count, 1] + spec.shape, data: data))
            case .tokens:
                var ids: [Int32] = [], mask: [UInt8] = []
                for case .tokens(let t, let k) in values {
                    ids += t
                    mask += k
                }
                return .tokens(ids: ids, mask: mask, length: spec.valueCount)
            case .frames, .flow:
                return .frames(augments.render(values, modality: m, boxes: boxes[m]),
                               perClip: picks(spec))
            }
        }
        return ClipBatch(inputs: inputs, labels: clips.map(\.label), ids: clips.map(\.id))
    }
}

extension ModalityValue {
    /// Whether the value holds frames (pictures or flow).
    var isFramed: Bool {
        switch self {
        case .frames, .flow: return true
        case .spectrogram, .tokens: return false
        }
    }
}
