/// What the basic tokenizer needs to know about one Unicode scalar, in the reference's Unicode.
///
/// The low 16 bits are flags (the bit layout of `tools/ref/tokenizer_unicode.py`), bits 16–23
/// the canonical combining class.
struct ScalarProperties: Equatable {
    /// The packed flags and combining class.
    let raw: UInt32

    /// Dropped by cleaning: NUL, U+FFFD and every C* character except tab, LF and CR.
    static let deleted: UInt32 = 1 << 0
    /// Becomes a space in cleaning: space, tab, LF, CR and Zs.
    static let space: UInt32 = 1 << 1
    /// Where Python's `str.split()` cuts (`str.isspace()`).
    static let split: UInt32 = 1 << 2
    /// Split off as its own word: ASCII non-alphanumeric symbols and P*.
    static let punctuation: UInt32 = 1 << 3
    /// A nonspacing mark (Mn), dropped when accents are stripped.
    static let mark: UInt32 = 1 << 4
    /// Cased, for the Final_Sigma rule of lower-casing.
    static let cased: UInt32 = 1 << 5
    /// Case_Ignorable, for the Final_Sigma rule of lower-casing.
    static let caseIgnorable: UInt32 = 1 << 6
    /// A CJK ideograph that gets spaces on both sides.
    static let cjk: UInt32 = 1 << 7
    /// May change, or change a neighbour, under NFC.
    static let nfcMaybe: UInt32 = 1 << 8
    /// May change under NFD (a decomposition or a non-zero combining class).
    static let nfdMaybe: UInt32 = 1 << 9
    /// Changes under `str.lower()` (or is U+03A3, whose result depends on its context).
    static let lowerChanges: UInt32 = 1 << 10
    /// Ends a whitespace-separated chunk: `space` or `split`.
    static let chunkEnd: UInt32 = space | split

    /// Whether any of `bits` is set.
    @inline(__always)
    func has(_ bits: UInt32) -> Bool { raw & bits != 0 }

    /// The canonical combining class (0 for starters).
    @inline(__always)
    var combiningClass: UInt8 { UInt8(truncatingIfNeeded: raw >> 16) }
}
