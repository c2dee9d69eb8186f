/// A copy of an array in memory of its own, at a fixed address for the owner's lifetime.
///
/// Immutable after init (hence `@unchecked Sendable`); never empty, so `start` always points at
/// valid memory. Used for the vocabulary's lookup tables and the tokenizer's lookup cache.
final class PinnedBuffer<Element>: @unchecked Sendable {
    /// The first element.
    let start: UnsafeMutablePointer<Element>
    /// The number of elements (at least 1).
    let count: Int

    /// Copies `elements`; an empty array becomes one `filler` element.
    init(_ elements: [Element], filler: Element) {
        count = max(elements.count, 1)
        start = .allocate(capacity: count)
        if elements.isEmpty {
            start.initialize(to: filler)
        } else {
            elements.withUnsafeBufferPointer { source in
                for index in 0..<source.count { (start + index).initialize(to: source[index]) }
            }
        }
    }

    /// `count` copies of `value`.
    init(repeating value: Element, count: Int) {
        self.count = max(count, 1)
        start = .allocate(capacity: self.count)
        start.initialize(repeating: value, count: self.count)
    }

    deinit {
        start.deinitialize(count: count)
        start.deallocate()
    }
}
