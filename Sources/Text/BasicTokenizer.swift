/// Receives the words of the basic tokenizer, one at a time, as UTF-8 bytes.
protocol WordSink {
    /// Takes one non-empty word; the bytes are only valid during the call.
    mutating func take(_ word: UnsafeBufferPointer<UInt8>)
}

/// BERT's basic tokenizer over UTF-8 bytes, as the reference's Python does it.
///
/// Steps, in the reference's order: cleaning (NUL, U+FFFD and C* characters other than tab, LF
/// and CR are dropped; those three and Zs become spaces), spaces around CJK ideographs, NFC,
/// splitting on `str.isspace()` characters, then per chunk: lower-casing, accent stripping
/// (NFD, drop Mn) and splitting off every punctuation character as a word of its own. A chunk
/// that is exactly a special token (`[MASK]` …) after NFC, or after accent stripping, is kept
/// whole.
///
/// Chunks are independent (NFC never composes across a space), so a chunk of plain ASCII
/// without control characters takes a byte-level path; any other chunk is decoded to scalars
/// (ill-formed UTF-8 → U+FFFD, which cleaning drops) and takes the general path.
struct BasicTokenizer {
    /// The switches.
    let options: TokenizerOptions

    // Reused buffers of the general path.
    private var chunk: [UInt32] = []
    private var composed: [UInt32] = []
    private var lowered: [UInt32] = []
    private var stripped: [UInt32] = []
    private var work: [UInt32] = []
    private var piece: [UInt8] = []
    /// Lower-cased ASCII word bytes.
    private var word: [UInt8] = []

    // Byte classes of the ASCII path (bits, so that a chunk's classes can be or-ed).
    private static let letter: UInt8 = 1
    private static let symbol: UInt8 = 2
    private static let blank: UInt8 = 4
    private static let control: UInt8 = 8
    private static let high: UInt8 = 16

    /// The class of each byte value.
    private static let byteClasses: [UInt8] = (0..<256).map { value -> UInt8 in
        switch value {
        case 0x09, 0x0A, 0x0D, 0x20: return blank
        case 0x00...0x1F, 0x7F: return control
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return letter
        case 0x21...0x7E: return symbol
        default: return high
        }
    }

    /// Makes a basic tokenizer.
    init(options: TokenizerOptions) {
        self.options = options
    }

    /// Splits `text` into words and hands each to `sink`.
    mutating func tokenize<Sink: WordSink>(_ text: UnsafeBufferPointer<UInt8>,
                                           into sink: inout Sink) {
        guard let base = text.baseAddress else { return }
        let count = text.count
        Self.byteClasses.withUnsafeBufferPointer { classes in
            var index = 0
            while index < count {
                while index < count, classes[Int(base[index])] == Self.blank { index += 1 }
                guard index < count else { break }
                let start = index
                var seen: UInt8 = 0
                while index < count {
                    let byteClass = classes[Int(base[index])]
                    if byteClass == Self.blank { break }
                    seen |= byteClass
                    index += 1
                }
                if seen & (Self.control | Self.high) == 0 {
                    asciiChunk(base, start..<index, classes, into: &sink)
                } else {
                    generalChunks(base, start..<index, into: &sink)
                }
            }
        }
    }

    // MARK: - ASCII path

    /// A chunk of ASCII letters, digits and symbols: symbols are words of their own.
    @inline(__always)
    private mutating func asciiChunk<Sink: WordSink>(
        _ base: UnsafePointer<UInt8>, _ range: Range<Int>,
        _ classes: UnsafeBufferPointer<UInt8>, into sink: inout Sink
    ) {
        var wordStart = -1
        for index in range {
            if classes[Int(base[index])] == Self.letter {
                if wordStart < 0 { wordStart = index }
                continue
            }
            if wordStart >= 0 {
                asciiWord(base, wordStart..<index, into: &sink)
                wordStart = -1
            }
            sink.take(UnsafeBufferPointer(start: base + index, count: 1))
        }
        if wordStart >= 0 { asciiWord(base, wordStart..<range.upperBound, into: &sink) }
    }

    /// One word of ASCII letters and digits, lower-cased when asked.
    @inline(__always)
    private mutating func asciiWord<Sink: WordSink>(_ base: UnsafePointer<UInt8>,
                                                    _ range: Range<Int>,
                                                    into sink: inout Sink) {
        guard options.doLowerCase else {
            sink.take(UnsafeBufferPointer(start: base + range.lowerBound, count: range.count))
            return
        }
        if word.count < range.count { word = [UInt8](repeating: 0, count: range.count * 2) }
        word.withUnsafeMutableBufferPointer { buffer in
            guard let out = buffer.baseAddress else { return }
            for offset in 0..<range.count {
                let byte = base[range.lowerBound + offset]
                out[offset] = byte &- 0x41 < 26 ? byte | 0x20 : byte
            }
            sink.take(UnsafeBufferPointer(start: out, count: range.count))
        }
    }

    // MARK: - General path

    /// Decodes and cleans a byte range, cutting it into chunks at whitespace and CJK ideographs.
    private mutating func generalChunks<Sink: WordSink>(_ base: UnsafePointer<UInt8>,
                                                        _ range: Range<Int>,
                                                        into sink: inout Sink) {
        let data = UnicodeData.shared
        chunk.removeAll(keepingCapacity: true)
        var flags: UInt32 = 0
        var index = range.lowerBound
        while index < range.upperBound {
            let scalar = UTF8Decoding.scalar(base, at: &index, end: range.upperBound)
            let properties = data.properties(scalar)
            if properties.has(ScalarProperties.deleted) { continue }
            if properties.has(ScalarProperties.chunkEnd) {
                finishChunk(flags, into: &sink)
                flags = 0
                continue
            }
            if options.tokenizeChineseChars, properties.has(ScalarProperties.cjk) {
                finishChunk(flags, into: &sink)
                chunk.append(scalar)
                finishChunk(properties.raw, into: &sink)
                flags = 0
                continue
            }
            chunk.append(scalar)
            flags |= properties.raw
        }
        finishChunk(flags, into: &sink)
    }

    /// Processes `chunk` (see `processChunk`), then empties it.
    private mutating func finishChunk<Sink: WordSink>(_ flags: UInt32, into sink: inout Sink) {
        guard !chunk.isEmpty else { return }
        processChunk(flags, into: &sink)
        chunk.removeAll(keepingCapacity: true)
    }

    /// NFC, special-token check, lower-casing, accent stripping and punctuation split of
    /// `chunk`, whose properties or-ed together are `flags`.
    private mutating func processChunk<Sink: WordSink>(_ flags: UInt32, into sink: inout Sink) {
        var current = chunk
        var currentFlags = flags
        if flags & ScalarProperties.nfcMaybe != 0 {
            Normalizer.compose(current, into: &composed, scratch: &work)
            current = composed
            currentFlags = Self.flags(of: current)
        }
        if Self.isSpecialToken(current) {
            emit(current[...], into: &sink)
            return
        }

        if options.doLowerCase, currentFlags & ScalarProperties.lowerChanges != 0 {
            CaseMapping.lowercase(current, into: &lowered)
            current = lowered
            currentFlags = Self.flags(of: current)
        }
        if options.stripsAccents,
           currentFlags & (ScalarProperties.nfdMaybe | ScalarProperties.mark) != 0 {
            Normalizer.decompose(current, into: &stripped)
            let data = UnicodeData.shared
            stripped.removeAll { data.properties($0).has(ScalarProperties.mark) }
            current = stripped
        }
        // The reference checks for special tokens again before splitting punctuation, so a
        // chunk that accent stripping turned into one (`[MA◌́SK]`) stays whole too.
        if Self.isSpecialToken(current) {
            emit(current[...], into: &sink)
            return
        }

        let data = UnicodeData.shared
        var start = 0
        for (index, scalar) in current.enumerated()
        where data.properties(scalar).has(ScalarProperties.punctuation) {
            if index > start { emit(current[start..<index], into: &sink) }
            emit(current[index...index], into: &sink)
            start = index + 1
        }
        if start < current.count { emit(current[start...], into: &sink) }
    }

    /// Hands the UTF-8 of some scalars to the sink as one word.
    private mutating func emit<Sink: WordSink>(_ scalars: ArraySlice<UInt32>,
                                               into sink: inout Sink) {
        piece.removeAll(keepingCapacity: true)
        for scalar in scalars { UTF8Decoding.append(scalar, to: &piece) }
        piece.withUnsafeBufferPointer { sink.take($0) }
    }

    /// The properties of all `scalars` or-ed together.
    private static func flags(of scalars: [UInt32]) -> UInt32 {
        let data = UnicodeData.shared
        var flags: UInt32 = 0
        for scalar in scalars { flags |= data.properties(scalar).raw }
        return flags
    }

    /// Whether `scalars` spell one of the special tokens, which the reference never splits.
    private static func isSpecialToken(_ scalars: [UInt32]) -> Bool {
        guard scalars.count == 5 || scalars.count == 6, scalars.first == 0x5B else {
            return false
        }
        return Vocabulary.specialTokenNames.contains { name in
            name.unicodeScalars.count == scalars.count
                && zip(name.unicodeScalars, scalars).allSatisfy { $0.value == $1 }
        }
    }
}
