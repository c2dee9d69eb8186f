/// Python's `str.lower()` with the reference's Unicode tables.
///
/// Full (one-to-many) lower-case mappings without language tailoring, and CPython's rule for
/// U+03A3: it becomes final sigma U+03C2 when preceded by a cased letter (skipping
/// case-ignorable scalars) and not followed by one (likewise), otherwise U+03C3.
enum CaseMapping {
    private static let capitalSigma: UInt32 = 0x03A3

    /// Writes the lower-case form of `scalars` into `output` (replacing its contents).
    static func lowercase(_ scalars: [UInt32], into output: inout [UInt32]) {
        let data = UnicodeData.shared
        output.removeAll(keepingCapacity: true)
        for (index, scalar) in scalars.enumerated() {
            if scalar < 0x80 {
                output.append(scalar >= 0x41 && scalar <= 0x5A ? scalar | 0x20 : scalar)
            } else if scalar == capitalSigma {
                output.append(isFinalSigma(scalars, at: index, data) ? 0x03C2 : 0x03C3)
            } else if let mapping = UnicodeMappings.shared.lowercase[scalar] {
                output.append(contentsOf: mapping)
            } else {
                output.append(scalar)
            }
        }
    }

    /// Whether the capital sigma at `index` is in the Final_Sigma context.
    private static func isFinalSigma(_ scalars: [UInt32], at index: Int,
                                     _ data: UnicodeData) -> Bool {
        var before = index - 1
        while before >= 0, data.properties(scalars[before]).has(ScalarProperties.caseIgnorable) {
            before -= 1
        }
        guard before >= 0, data.properties(scalars[before]).has(ScalarProperties.cased) else {
            return false
        }
        var after = index + 1
        while after < scalars.count,
              data.properties(scalars[after]).has(ScalarProperties.caseIgnorable) {
            after += 1
        }
        return after == scalars.count
            || !data.properties(scalars[after]).has(ScalarProperties.cased)
    }
}
