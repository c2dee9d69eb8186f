/// A growable run of Float32 samples in memory it owns, reused from clip to clip so that the
/// audio stage does not allocate (and page-fault) its large scratch arrays for every file;
/// `deinit` frees it. Not thread-safe.
final class AudioSampleBuffer {
    /// Samples held.
    private(set) var count = 0
    /// Samples that fit before the storage must grow.
    private(set) var capacity: Int
    /// The first sample; valid until the storage grows.
    private(set) var base: UnsafeMutablePointer<Float>

    /// Empty, with room for `capacity` samples.
    init(capacity: Int = 1 << 16) {
        self.capacity = max(1, capacity)
        self.base = UnsafeMutablePointer<Float>.allocate(capacity: self.capacity)
    }

    deinit {
        base.deallocate()
    }

    /// The samples held, valid until the buffer changes.
    var samples: UnsafeBufferPointer<Float> { UnsafeBufferPointer(start: base, count: count) }

    /// Forgets the samples, keeping the storage.
    func removeAll() {
        count = 0
    }

    /// Room for `extra` more samples: the address where they go (write, then `commit`).
    func reserve(_ extra: Int) -> UnsafeMutablePointer<Float> {
        let needed = count + extra
        if needed > capacity {
            var grown = capacity
            while grown < needed { grown *= 2 }
            let storage = UnsafeMutablePointer<Float>.allocate(capacity: grown)
            storage.update(from: base, count: count)
            base.deallocate()
            base = storage
            capacity = grown
        }
        return base + count
    }

    /// Counts `written` samples written after the end as held.
    func commit(_ written: Int) {
        count = min(capacity, count + max(0, written))
    }

    /// Appends `values`.
    func append(_ values: UnsafeBufferPointer<Float>) {
        guard let source = values.baseAddress, !values.isEmpty else { return }
        reserve(values.count).update(from: source, count: values.count)
        commit(values.count)
    }

    /// Appends `n` zeros.
    func appendZeros(_ n: Int) {
        guard n > 0 else { return }
        reserve(n).update(repeating: 0, count: n)
        commit(n)
    }

    /// Keeps the first `n` samples.
    func truncate(to n: Int) {
        count = max(0, min(count, n))
    }
}
