import Foundation

/// Tokenizes a byte stream line by line: one line of ids out for every line in.
///
/// A line is the bytes up to an LF (a last line without LF counts too); the LF is not part of
/// the text, and a CR before it is a space to the tokenizer. Input is read in chunks and output
/// written in chunks, so memory stays at about two chunks plus the longest line, whatever the
/// stream's length.
public struct LineTokenizer {
    /// How each output line is written.
    public enum Format: Sendable {
        /// Ids separated by single spaces.
        case plain
        /// A JSON array of ids.
        case json
    }

    /// What one run did.
    public struct Summary: Sendable, Equatable {
        /// Lines read (and written).
        public var lines = 0
        /// Bytes read.
        public var bytes = 0
        /// Ids written.
        public var ids = 0
    }

    private var tokenizer: BertTokenizer
    private let layout: SequenceLayout
    private let maxLength: Int?
    private let format: Format
    private let chunkSize: Int
    private var pieces: [Int32] = []
    private let output = ByteBuffer()

    /// A line tokenizer; `maxLength` nil means no truncation and no padding.
    ///
    /// `chunkSize` is the read and write size in bytes (at least 1).
    public init(tokenizer: BertTokenizer, layout: SequenceLayout = .huggingFace,
                maxLength: Int? = nil, format: Format = .plain, chunkSize: Int = 1 << 20) {
        self.tokenizer = tokenizer
        self.layout = layout
        self.maxLength = maxLength
        self.format = format
        self.chunkSize = max(1, chunkSize)
    }

    // LIMITATION: one line is held whole (bytes, text and pieces) while it is tokenized, so a
    // single 100 MB line takes about 400 MB — a line is the unit the reference tokenizes, and
    // with `--max-length` only its first pieces are needed; cutting early would need a
    // WordPiece pass that stops once L pieces are out.
    /// Reads `input` to its end and writes the ids of every line to `output`.
    ///
    /// - Parameters:
    ///   - input: a readable file descriptor.
    ///   - output: a writable file descriptor.
    ///   - inputName, outputName: how the two are named in errors.
    /// - Throws: `TextError` when `read(2)` or `write(2)` fails.
    public mutating func run(input: Int32, output outputDescriptor: Int32,
                             inputName: String = "-",
                             outputName: String = "-") throws(TextError) -> Summary {
        var summary = Summary()
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var filled = 0
        var scanned = 0
        while true {
            if filled == buffer.count {
                buffer.append(contentsOf: repeatElement(0, count: buffer.count))
            }
            let count = try Self.read(input, into: &buffer, at: filled, name: inputName)
            if count == 0 { break }
            filled += count
            summary.bytes += count

            let consumed = processLines(buffer, from: scanned, to: filled, &summary)
            if consumed > 0 {
                buffer.withUnsafeMutableBufferPointer { all in
                    guard let base = all.baseAddress else { return }
                    memmove(base, base + consumed, filled - consumed)
                }
                filled -= consumed
            }
            scanned = filled
            if self.output.count >= chunkSize {
                try flush(outputDescriptor, name: outputName)
            }
        }
        if filled > 0 {
            buffer.withUnsafeBufferPointer { all in
                line(UnsafeBufferPointer(rebasing: all[0..<filled]), &summary)
            }
        }
        try flush(outputDescriptor, name: outputName)
        return summary
    }

    /// Tokenizes every complete line in `buffer[0..<end]` (no LF before `from`); returns the
    /// number of bytes consumed.
    private mutating func processLines(_ buffer: [UInt8], from: Int, to end: Int,
                                       _ summary: inout Summary) -> Int {
        buffer.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress else { return 0 }
            var start = 0
            var search = from
            while search < end, let found = memchr(base + search, 0x0A, end - search) {
                let position = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                line(UnsafeBufferPointer(start: base + start, count: position - start), &summary)
                start = position + 1
                search = start
            }
            return start
        }
    }

    /// Tokenizes one line and appends its output line.
    private mutating func line(_ text: UnsafeBufferPointer<UInt8>, _ summary: inout Summary) {
        pieces.removeAll(keepingCapacity: true)
        tokenizer.appendPieceIDs(utf8: text, to: &pieces)
        let vocabulary = tokenizer.vocabulary
        let specials = layout == .huggingFace
        let kept: Int
        switch layout {
        case .huggingFace:
            kept = maxLength.map { min(pieces.count, max($0 - 2, 0)) } ?? pieces.count
        case .reference:
            kept = maxLength.map { min(pieces.count, max($0, 0)) } ?? pieces.count
        }
        let total = max(kept + (specials ? 2 : 0), maxLength ?? 0)
        output.reserve(total * 12 + 16)

        var writer = DecimalWriter(cursor: output.start + output.count,
                                   separator: format == .json ? 0x2C : 0x20)
        if format == .json { writer.byte(0x5B) }
        if specials { writer.put(vocabulary.classID) }
        pieces.withUnsafeBufferPointer { ids in
            for index in 0..<kept { writer.put(ids[index]) }
        }
        if specials { writer.put(vocabulary.separatorID) }
        let padding = specials ? vocabulary.paddingID : 0
        while writer.written < total { writer.put(padding) }
        if format == .json { writer.byte(0x5D) }
        writer.byte(0x0A)
        output.count = output.start.distance(to: writer.cursor)
        summary.lines += 1
        summary.ids += writer.written
    }

    /// `read(2)` into `buffer[offset...]`, retried on EINTR; 0 at the end of the stream.
    private static func read(_ descriptor: Int32, into buffer: inout [UInt8], at offset: Int,
                             name: String) throws(TextError) -> Int {
        while true {
            let count = buffer.withUnsafeMutableBufferPointer { all -> Int in
                guard let base = all.baseAddress else { return 0 }
                return Foundation.read(descriptor, base + offset, all.count - offset)
            }
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw TextError(path: name, reason: "cannot read: " + String(cString: strerror(errno)))
        }
    }

    /// Writes and empties the output buffer with `write(2)`, retried on EINTR and short writes.
    private func flush(_ descriptor: Int32, name: String) throws(TextError) {
        var done = 0
        while done < output.count {
            let count = Foundation.write(descriptor, output.start + done, output.count - done)
            if count > 0 {
                done += count
            } else if count < 0, errno == EINTR {
                continue
            } else {
                throw TextError(path: name,
                                reason: "cannot write: " + String(cString: strerror(errno)))
            }
        }
        output.count = 0
    }
}

/// A growable byte buffer written through a pointer (no per-byte bounds or uniqueness checks).
private final class ByteBuffer {
    private(set) var start: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// The bytes in use.
    var count = 0

    init(capacity: Int = 1 << 16) {
        self.capacity = capacity
        start = .allocate(capacity: capacity)
    }

    deinit { start.deallocate() }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        let grown = max(capacity * 2, count + extra)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        bigger.update(from: start, count: count)
        start.deallocate()
        start = bigger
        capacity = grown
    }
}

/// Writes ids as decimal text through a raw cursor (room reserved by the caller).
private struct DecimalWriter {
    /// Where the next byte goes.
    var cursor: UnsafeMutablePointer<UInt8>
    /// Written between two ids.
    let separator: UInt8
    /// Ids written so far.
    var written = 0

    /// Writes one byte.
    @inline(__always)
    mutating func byte(_ value: UInt8) {
        cursor.pointee = value
        cursor += 1
    }

    /// Writes a separator (except before the first id) and the digits of a non-negative id.
    @inline(__always)
    mutating func put(_ id: Int32) {
        if written > 0 { byte(separator) }
        written += 1
        var value = UInt32(bitPattern: id)
        if value < 10 {
            byte(UInt8(truncatingIfNeeded: 0x30 + value))
            return
        }
        var digits = 1
        var scale: UInt32 = 10
        while digits < 10, value >= scale {
            digits += 1
            scale = scale &* 10
        }
        var position = digits - 1
        repeat {
            cursor[position] = UInt8(truncatingIfNeeded: 0x30 + value % 10)
            value /= 10
            position -= 1
        } while value > 0
        cursor += digits
    }
}
