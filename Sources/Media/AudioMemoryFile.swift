import CSndFile

/// A whole file's bytes held in memory and served to libsndfile as virtual I/O
/// (`sf_open_virtual`), so that its header parsing and decoding, dozens of small reads and
/// seeks per file, cost no system call: the file was read with one `pread`. Read-only.
final class AudioMemoryFile {
    /// The file's bytes.
    let bytes: [UInt8]
    /// Where the next read starts.
    private var position = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The callbacks libsndfile calls with an `AudioMemoryFile` as its user data; writing is
    /// refused (0 bytes written).
    static let callbacks = SF_VIRTUAL_IO(
        get_filelen: { data in sf_count_t(file(data).bytes.count) },
        seek: { offset, whence, data in file(data).seek(Int(offset), whence: whence) },
        read: { destination, count, data in file(data).read(into: destination, count: count) },
        write: { _, _, _ in 0 },
        tell: { data in sf_count_t(file(data).position) })

    /// The file behind libsndfile's user-data pointer.
    private static func file(_ data: UnsafeMutableRawPointer?) -> AudioMemoryFile {
        guard let data else { preconditionFailure("libsndfile passed no user data") }
        return Unmanaged<AudioMemoryFile>.fromOpaque(data).takeUnretainedValue()
    }

    /// Moves to `offset` from the start, the current position or the end (`SEEK_SET`,
    /// `SEEK_CUR`, `SEEK_END`); returns the new position, or -1 for a position before the start
    /// or an unknown `whence` (a position past the end is allowed, as `lseek` allows it).
    private func seek(_ offset: Int, whence: Int32) -> sf_count_t {
        let base: Int
        switch whence {
        case SEEK_SET: base = 0
        case SEEK_CUR: base = position
        case SEEK_END: base = bytes.count
        default: return -1
        }
        let (target, overflow) = base.addingReportingOverflow(offset)
        guard !overflow, target >= 0 else { return -1 }
        position = target
        return sf_count_t(target)
    }

    /// Copies up to `count` bytes from the position on into `destination` and moves past them;
    /// returns how many (0 at or past the end).
    private func read(into destination: UnsafeMutableRawPointer?, count: sf_count_t)
        -> sf_count_t {
        guard let destination, count > 0, position < bytes.count else { return 0 }
        let n = min(Int(count), bytes.count - position)
        bytes.withUnsafeBytes { source in
            guard let base = source.baseAddress else { return }
            destination.copyMemory(from: base + position, byteCount: n)
        }
        position += n
        return sf_count_t(n)
    }
}
