import Tensor

/// The work of one epoch's prefetch thread: order, shuffle buffer, frame picking, collation.
///
/// All randomness comes from one generator seeded by the stream seed and the epoch, used in a
/// fixed order on this thread, so batches do not depend on timing.
final class BatchProducer: @unchecked Sendable {
    /// A clip reduced to what the batch needs: its spectrogram and its picked frames.
    private struct PreparedClip {
        let id: String
        let label: Int
        let audio: [Float]
        let frames: [UInt8]
    }

    private let source: ClipSource
    private let configuration: ShardStream.Configuration
    private let queue: BatchQueue
    private var generator: SeededGenerator
    private let frameValues: Int

    init(source: ClipSource, configuration: ShardStream.Configuration, epoch: Int,
         queue: BatchQueue) {
        self.source = source
        self.configuration = configuration
        self.queue = queue
        let epochSeed = UInt64(truncatingIfNeeded: epoch) &* 0x9E37_79B9_7F4A_7C15
        self.generator = SeededGenerator(seed: configuration.seed ^ epochSeed)
        self.frameValues = source.frameShape.reduce(1, *) * 3
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

    /// Checks a clip's sizes and keeps only its picked frames.
    private func prepare(_ clip: ClipSample) throws -> PreparedClip {
        let audioCount = source.audioShape.reduce(1, *)
        guard clip.audio.count == audioCount else {
            throw TrainingError(path: "\(source.location)/\(clip.id)", reason: "spectrogram "
                                + "has \(clip.audio.count) values, expected \(source.audioShape)")
        }
        let slots = frameValues > 0 ? clip.frames.count / frameValues : 0
        guard clip.frameCount >= 1, clip.frameCount <= slots,
              clip.frames.count == slots * frameValues else {
            throw TrainingError(path: "\(source.location)/\(clip.id)", reason: "frames hold "
                                + "\(clip.frames.count) bytes for frame_count "
                                + "\(clip.frameCount) of \(source.frameShape)x3")
        }

        let picks = max(1, configuration.framesPerClip)
        let indices = configuration.training
            ? FrameTransform.trainingFrameIndices(count: clip.frameCount, picks: picks,
                                                  using: &generator)
            : FrameTransform.evaluationFrameIndices(count: clip.frameCount, picks: picks)
        var frames: [UInt8] = []
        frames.reserveCapacity(indices.count * frameValues)
        for index in indices {
            frames += clip.frames[(index * frameValues)..<((index + 1) * frameValues)]
        }
        return PreparedClip(id: clip.id, label: clip.label, audio: clip.audio, frames: frames)
    }

    /// Stacks spectrograms into `[B, 1, F, T]` and renders frames into `[B·n, 3, H, W]`.
    private func collate(_ clips: [PreparedClip]) -> ClipBatch {
        let audioShape = source.audioShape
        let height = source.frameShape[0], width = source.frameShape[1]
        let picks = max(1, configuration.framesPerClip)
        let imageValues = 3 * height * width

        var audio: [Float] = []
        audio.reserveCapacity(clips.count * audioShape.reduce(1, *))
        for clip in clips { audio += clip.audio }

        var frames = Tensor(zeros: [clips.count * picks, 3, height, width])
        frames.data.withUnsafeMutableBufferPointer { output in
            guard let base = output.baseAddress else { return }
            for (position, clip) in clips.enumerated() {
                clip.frames.withUnsafeBufferPointer { bytes in
                    for pick in 0..<picks {
                        let frame = UnsafeBufferPointer(rebasing:
                            bytes[(pick * frameValues)..<((pick + 1) * frameValues)])
                        var crop: FrameTransform.CropBox?
                        var flip = false
                        if configuration.training {
                            if configuration.randomResizedCrop {
                                crop = FrameTransform.randomCropBox(height: height, width: width,
                                                                    using: &generator)
                            }
                            flip = generator.nextFloat() < 0.5
                        }
                        FrameTransform.render(frame: frame, height: height, width: width,
                                              crop: crop, flip: flip,
                                              into: base + (position * picks + pick) * imageValues)
                    }
                }
            }
        }

        return ClipBatch(audio: Tensor(shape: [clips.count, 1] + audioShape, data: audio),
                         frames: frames, labels: clips.map(\.label), ids: clips.map(\.id))
    }
}
