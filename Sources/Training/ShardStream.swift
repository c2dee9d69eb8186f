import Foundation
import Tensor

/// Streams a split as batches: seeded shard order, an in-memory shuffle buffer, a prefetch thread
/// that reads, picks frames, augments and collates the next batches while the model computes.
///
/// Training epochs visit the shards in a seeded random order and each shard's samples in a
/// seeded random order; every clip passes through a buffer of `shuffleBuffer` clips from which a
/// random one is taken once it is full. Evaluation reads in stored order without augmentation
/// and picks frames deterministically. The same seed and epoch give the same batches.
public final class ShardStream {
    /// How batches are formed.
    public struct Configuration: Sendable {
        /// Clips per batch.
        public var batchSize: Int
        /// Frames per clip.
        public var framesPerClip: Int
        /// Take a clip's frames as one window of consecutive frames instead of one from each
        /// of `framesPerClip` equal segments.
        public var frameWindow: Bool
        /// Shuffle, pick random frames and augment (training) or not (evaluation).
        public var training: Bool
        /// RandomResizedCrop while training (flip is always applied while training).
        public var randomResizedCrop: Bool
        /// Clips held by the shuffle buffer while training.
        public var shuffleBuffer: Int
        /// At most this many batches per epoch (nil: all).
        public var maxBatches: Int?
        /// Seeds the order and the augmentation.
        public var seed: UInt64

        /// Makes a configuration.
        public init(batchSize: Int, framesPerClip: Int, training: Bool,
                    randomResizedCrop: Bool = true, shuffleBuffer: Int = 512,
                    maxBatches: Int? = nil, seed: UInt64 = 0, frameWindow: Bool = false) {
            self.batchSize = batchSize
            self.framesPerClip = framesPerClip
            self.frameWindow = frameWindow
            self.training = training
            self.randomResizedCrop = randomResizedCrop
            self.shuffleBuffer = shuffleBuffer
            self.maxBatches = maxBatches
            self.seed = seed
        }
    }

    /// The batches of one epoch, produced ahead by a prefetch thread.
    public final class Epoch {
        private let queue: BatchQueue
        private let done = DispatchSemaphore(value: 0)
        private var closed = false

        fileprivate init(queue: BatchQueue, work: @escaping () -> Void) {
            self.queue = queue
            let done = self.done
            // The work (and through it the source's open shards) is released before `close`
            // returns, not whenever the thread object goes: a process may exit right after,
            // and HDF5 handles closed after the library's exit handler print errors.
            let task = PrefetchTask(work)
            let thread = Thread {
                task.run()
                done.signal()
            }
            thread.name = "amss.shard-stream"
            thread.start()
        }

        /// The next batch, or nil at the end of the epoch.
        ///
        /// - Throws: the reading error of the prefetch thread, at the batch where it occurred.
        public func next() throws -> ClipBatch? {
            guard let item = queue.pop() else { return nil }
            return try item.get()
        }

        /// Stops the prefetch thread and waits for it (also done on deinit).
        public func close() {
            guard !closed else { return }
            closed = true
            queue.cancel()
            done.wait()
        }

        deinit { close() }
    }

    /// The prefetch thread's work, dropped once done.
    private final class PrefetchTask: @unchecked Sendable {
        private var body: (() -> Void)?

        init(_ body: @escaping () -> Void) { self.body = body }

        func run() {
            body?()
            body = nil
        }
    }

    /// The split being streamed.
    public let source: ClipSource
    /// How batches are formed.
    public let configuration: Configuration

    /// Makes a stream over `source`.
    public init(source: ClipSource, configuration: Configuration) {
        self.source = source
        self.configuration = configuration
    }

    /// The number of batches one epoch gives.
    public var batchCount: Int {
        let size = max(1, configuration.batchSize)
        let total = source.sampleCount
        var count = total / size
        let rest = total % size
        if rest > 0 && !(configuration.training && rest < 2) { count += 1 }
        if let limit = configuration.maxBatches { count = min(count, max(0, limit)) }
        return count
    }

    /// Starts the prefetch thread for epoch `epoch` (from 1).
    public func epoch(_ epoch: Int) -> Epoch {
        let queue = BatchQueue(capacity: 2)
        let producer = BatchProducer(source: source, configuration: configuration,
                                     epoch: epoch, queue: queue)
        return Epoch(queue: queue) { producer.run() }
    }
}
