import Dispatch
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Splitting of elementwise and per-plane loops over a few threads.
///
/// `BLAS.setThreads` sets `workers` together with OpenBLAS's thread count, so one knob decides
/// how many cores a training step uses.
public enum Parallel {
    nonisolated(unsafe) private static var workerCount =
        max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))

    /// Threads used by `forEachChunk` (at least 1; the online processor count at start).
    public static var workers: Int {
        get { workerCount }
        set { workerCount = max(1, newValue) }
    }

    /// Calls `body` on disjoint consecutive ranges covering 0..<count, concurrently when the
    /// work is large enough (`minimumChunk` items per thread), else on the calling thread.
    @inline(__always)
    public static func forEachChunk(count: Int, minimumChunk: Int = 32_768,
                                    _ body: (Range<Int>) -> Void) {
        let chunks = min(workers, count / max(1, minimumChunk))
        guard chunks > 1 else {
            body(0..<count)
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            body((chunk * count / chunks)..<((chunk + 1) * count / chunks))
        }
    }

    /// Runs `body(worker)` for worker = 0..<count, each on its own thread when count > 1.
    public static func forEachWorker(_ count: Int, _ body: (Int) -> Void) {
        guard count > 1 else {
            if count == 1 { body(0) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }
}
