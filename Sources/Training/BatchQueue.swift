import Foundation

/// A bounded hand-over of batches from the prefetch thread to the training loop.
final class BatchQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Result<ClipBatch, Error>] = []
    private var finished = false
    private var cancelled = false
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Waits for room and appends; false when the consumer has cancelled.
    func push(_ item: Result<ClipBatch, Error>) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Marks the end of the epoch.
    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for the next item; nil once the producer has finished and the queue is empty.
    func pop() -> Result<ClipBatch, Error>? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !finished && !cancelled { condition.wait() }
        guard !items.isEmpty, !cancelled else { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    /// Stops the producer at its next hand-over and drops what is queued.
    func cancel() {
        condition.lock()
        cancelled = true
        items.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    /// Whether the consumer has cancelled.
    var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }
}
