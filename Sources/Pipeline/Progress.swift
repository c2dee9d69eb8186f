import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Progress of a long command on stderr: one rewritten line on a terminal, plain periodic lines
/// otherwise, nothing when quiet.
public final class Progress {
    private let label: String
    private let total: Int
    private let terminal: Bool
    private let quiet: Bool
    private let lock = NSLock()
    private var done = 0
    private var lastDraw = Date.distantPast
    private var lastLineAt = 0

    /// Starts reporting `total` items of work called `label`.
    public init(label: String, total: Int, quiet: Bool = false) {
        self.label = label
        self.total = total
        self.quiet = quiet
        terminal = isatty(STDERR_FILENO) == 1
    }

    /// Counts `count` more items as done.
    public func advance(by count: Int = 1, note: String = "") {
        lock.lock()
        defer { lock.unlock() }
        done += count
        guard !quiet else { return }
        let now = Date()
        if terminal {
            guard now.timeIntervalSince(lastDraw) > 0.1 || done == total else { return }
            lastDraw = now
            Progress.standardError("\r\(label): \(done)/\(total) \(note)\u{1B}[K")
        } else if done == total || done - lastLineAt >= max(1, total / 10) {
            lastLineAt = done
            Progress.standardError("\(label): \(done)/\(total) \(note)\n")
        }
    }

    /// Ends the progress line on a terminal.
    public func finish() {
        lock.lock()
        defer { lock.unlock() }
        if terminal && !quiet { Progress.standardError("\n") }
    }

    /// Writes `text` to stderr unbuffered.
    public static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
