#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Wall-clock seconds spent per layer kind (`conv`, `batch_norm`, `gelu`, …), forward and
/// backward together, for `amss bench train --profile`.
///
/// Off by default; when off, `start` and `stop` cost one branch.
// LIMITATION: the totals are plain statics, not synchronised — only the training thread (the
// one that calls the layers) may record; the loader thread never does.
public enum LayerProfile {
    nonisolated(unsafe) private static var enabled = false
    nonisolated(unsafe) private static var totals: [String: Double] = [:]

    /// Starts recording from zero.
    public static func enable() {
        totals = [:]
        enabled = true
    }

    /// Stops recording and returns the totals by kind.
    @discardableResult
    public static func disable() -> [String: Double] {
        enabled = false
        return totals
    }

    /// The current time in nanoseconds when recording (clock_gettime, CLOCK_MONOTONIC), else 0.
    @inline(__always)
    public static func start() -> UInt64 {
        guard enabled else { return 0 }
        return now()
    }

    /// Adds the time since `started` to `kind`.
    @inline(__always)
    public static func stop(_ kind: String, _ started: UInt64) {
        guard enabled, started > 0 else { return }
        totals[kind, default: 0] += Double(now() - started) * 1e-9
    }

    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
