import Foundation

/// What is read of a file before libsndfile sees it, with one descriptor and a few POSIX
/// calls: that it is a readable, non-empty regular file and not a git-lfs pointer, and, for a
/// RIFF-style WAVE file, its chunk walk (`AudioWAVHeader`).
struct AudioFileHead {
    /// Bytes read from the start of the file in one call; the chunk walk reads past them only
    /// for chunks further in.
    static let headBytes = 4096
    /// The git-lfs pointer text a file starts with when the media was never pulled.
    static let lfsPrefix = Array("version https://git-lfs".utf8)

    /// Files up to this size are read whole in the same call, for libsndfile to read
    /// from memory (`AudioMemoryFile`); larger ones are streamed from the file. An open small
    /// file holds its bytes until it is closed, and is read whole even when its clip needs
    /// only its start (at most this many bytes).
    static let wholeFileBytes = 1 << 20

    /// The WAVE header, or nil when the file is not a RIFF-style WAVE file with a `data`
    /// chunk header.
    let wav: AudioWAVHeader?
    /// Every byte of the file, when it has at most `wholeFileBytes`.
    let whole: [UInt8]?
    /// For a file not read whole: a duplicate of the descriptor the head was read from (its
    /// offset still 0), so that the file decoded is the file checked. The caller owns it; nil
    /// when the file was read whole or `dup` failed.
    let descriptor: Int32?

    /// Reads the head of `path`, or all of a small file (calls `open` without blocking,
    /// `fstat`, `pread`, `dup`, `close`); throws `missing` (no such file), `unreadable` (a
    /// directory, a FIFO or other non-regular file, no permission, a read error),
    /// `empty-media` (0 bytes) or `lfs-pointer`.
    init(path: String) throws {
        // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below
        let fd = Foundation.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno == ENOENT || errno == ENOTDIR ? "missing" : "unreadable"
            let reason = code == "missing" ? "no such file" : "cannot open for reading: "
                + String(cString: strerror(errno))
            throw MediaError(path: path, code: code, reason: reason)
        }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            throw MediaError(path: path, code: "unreadable",
                             reason: "cannot read: " + String(cString: strerror(errno)))
        }
        guard status.st_mode & S_IFMT != S_IFDIR else {
            throw MediaError(path: path, code: "unreadable",
                             reason: "is a directory, expected an audio file")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw MediaError(path: path, code: "unreadable",
                             reason: "not a regular file (a FIFO, socket or device), expected an "
                                + "audio file")
        }

        let small = status.st_size <= AudioFileHead.wholeFileBytes
        let want = small ? max(Int(status.st_size), 1) : AudioFileHead.headBytes
        var head = [UInt8](repeating: 0, count: want)
        let got = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard got >= 0 else {
            throw MediaError(path: path, code: "unreadable",
                             reason: "cannot read: " + String(cString: strerror(errno)))
        }
        head.removeLast(head.count - got)
        guard !head.isEmpty else {
            throw MediaError(path: path, code: "empty-media", reason: "the file has 0 bytes")
        }
        if head.starts(with: AudioFileHead.lfsPrefix) {
            throw MediaError(path: path, code: "lfs-pointer",
                             reason: "a git-lfs pointer file, not the media; run `git lfs pull`")
        }

        let size = UInt64(max(0, status.st_size))
        wav = AudioWAVHeader.walk(fileSize: size) { offset, count in
            AudioFileHead.bytes(at: offset, count: count, head: head, fd: fd)
        }
        whole = small && got == Int(status.st_size) ? head : nil
        let copy = whole == nil ? dup(fd) : -1
        descriptor = copy >= 0 ? copy : nil
    }

    /// `count` bytes at `offset`: from `head` when they lie inside it, else read with `pread`
    /// (fewer at the end of the file, none on an error).
    private static func bytes(at offset: UInt64, count: Int, head: [UInt8], fd: Int32)
        -> [UInt8] {
        if offset + UInt64(count) <= UInt64(head.count) {
            return Array(head[Int(offset)..<(Int(offset) + count)])
        }
        guard offset <= UInt64(Int64.max), count > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: count)
        let got = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
        out.removeLast(count - max(0, got))
        return out
    }
}
