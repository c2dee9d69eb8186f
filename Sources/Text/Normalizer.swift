/// Canonical decomposition (NFD) and composition (NFC) with the reference's Unicode tables.
///
/// NFD: every scalar is replaced by its full canonical decomposition (Hangul syllables
/// algorithmically), then each run of non-starters is stably sorted by combining class.
/// NFC: NFD, then each non-blocked pair (last starter, scalar) that has a primary composite is
/// replaced by it (Hangul L+V and LV+T algorithmically).
enum Normalizer {
    private static let syllableBase: UInt32 = 0xAC00
    private static let leadingBase: UInt32 = 0x1100
    private static let vowelBase: UInt32 = 0x1161
    private static let trailingBase: UInt32 = 0x11A7
    private static let leadingCount: UInt32 = 19
    private static let vowelCount: UInt32 = 21
    private static let trailingCount: UInt32 = 28
    private static let syllableCount: UInt32 = 19 * 21 * 28

    /// Writes the NFD of `scalars` into `output` (replacing its contents).
    static func decompose(_ scalars: [UInt32], into output: inout [UInt32]) {
        let data = UnicodeData.shared
        output.removeAll(keepingCapacity: true)
        for scalar in scalars {
            appendDecomposition(of: scalar, to: &output, data)
        }

        var start = 0
        while start < output.count {
            guard data.properties(output[start]).combiningClass != 0 else {
                start += 1
                continue
            }
            var end = start + 1
            while end < output.count, data.properties(output[end]).combiningClass != 0 {
                end += 1
            }
            if end - start > 1 { sortByCombiningClass(&output, start..<end, data) }
            start = end
        }
    }

    /// Writes the NFC of `scalars` into `output` (replacing its contents); `scratch` is reused.
    static func compose(_ scalars: [UInt32], into output: inout [UInt32],
                        scratch: inout [UInt32]) {
        let data = UnicodeData.shared
        decompose(scalars, into: &scratch)
        output.removeAll(keepingCapacity: true)
        guard let first = scratch.first else { return }

        output.append(first)
        var starter: Int? = data.properties(first).combiningClass == 0 ? 0 : nil
        var lastClass: Int = starter == nil ? 256 : 0
        for scalar in scratch.dropFirst() {
            let combiningClass = Int(data.properties(scalar).combiningClass)
            if let starter, lastClass < combiningClass || lastClass == 0,
               let composite = combine(output[starter], scalar, data) {
                output[starter] = composite
                continue
            }
            if combiningClass == 0 { starter = output.count }
            lastClass = combiningClass
            output.append(scalar)
        }
    }

    /// Appends the full canonical decomposition of one scalar.
    private static func appendDecomposition(of scalar: UInt32, to output: inout [UInt32],
                                            _ data: UnicodeData) {
        if scalar >= syllableBase, scalar < syllableBase + syllableCount {
            let index = scalar - syllableBase
            output.append(leadingBase + index / (vowelCount * trailingCount))
            output.append(vowelBase + (index % (vowelCount * trailingCount)) / trailingCount)
            if index % trailingCount != 0 { output.append(trailingBase + index % trailingCount) }
        } else if let parts = UnicodeMappings.shared.decomposition[scalar] {
            for part in parts { appendDecomposition(of: part, to: &output, data) }
        } else {
            output.append(scalar)
        }
    }

    /// Stable insertion sort of `range` by combining class (runs are a few scalars long).
    private static func sortByCombiningClass(_ scalars: inout [UInt32], _ range: Range<Int>,
                                             _ data: UnicodeData) {
        for index in range.dropFirst() {
            let value = scalars[index]
            let key = data.properties(value).combiningClass
            var slot = index
            while slot > range.lowerBound,
                  data.properties(scalars[slot - 1]).combiningClass > key {
                scalars[slot] = scalars[slot - 1]
                slot -= 1
            }
            scalars[slot] = value
        }
    }

    /// The primary composite of `first` followed by `second`, if any.
    private static func combine(_ first: UInt32, _ second: UInt32,
                                _ data: UnicodeData) -> UInt32? {
        if first >= leadingBase, first < leadingBase + leadingCount,
           second >= vowelBase, second < vowelBase + vowelCount {
            let index = (first - leadingBase) * vowelCount + (second - vowelBase)
            return syllableBase + index * trailingCount
        }
        if first >= syllableBase, first < syllableBase + syllableCount,
           (first - syllableBase) % trailingCount == 0,
           second > trailingBase, second < trailingBase + trailingCount {
            return first + (second - trailingBase)
        }
        return UnicodeMappings.shared.composition[UInt64(first) << 32 | UInt64(second)]
    }
}
