import CSoxr

/// Keeps the audio stage's large per-clip allocations (libsoxr's filter tables and FIFOs, the
/// spectrogram arrays, 100 KB to a few MB each) inside the malloc heap.
///
/// With glibc's defaults, blocks above 128 KB are mapped and unmapped for every clip and the
/// heap top is given back to the kernel as soon as 128 KB are free, so each clip page-faults
/// its buffers afresh: measured on the CREMA-D recipe, about a fifth of the stage's CPU time.
/// Raising both thresholds once per process removes that; the price is that up to 128 MB of
/// freed memory stays with the process. This is process-wide (`mallopt`), which suits the
/// `amss` executable, the only user of this module.
enum AudioHeapTuning {
    /// Blocks below this come from the heap (glibc's largest allowed value, 32 MB).
    static let mmapThreshold: Int32 = 32 << 20
    /// Free memory at the heap top kept before trimming.
    static let trimThreshold: Int32 = 128 << 20

    /// Applies the thresholds once (calls `amss_malloc_keep_large_blocks`, that is
    /// `mallopt(M_MMAP_THRESHOLD)` and `mallopt(M_TRIM_THRESHOLD)`).
    static func apply() {
        _ = applied
    }

    private static let applied: Bool = {
        amss_malloc_keep_large_blocks(mmapThreshold, trimThreshold) == 1
    }()
}
