/// Orders the image files of a frame folder by the numbers in their names.
///
/// A name's key is the sequence of its digit runs read as numbers ("frame_1_30.jpg" → 1, 30),
/// compared number by number; names with equal keys fall back to byte order. So 2.jpg comes
/// before 10.jpg and 00009.jpg before 00010.jpg, whatever the directory order. Numbers of any
/// length compare correctly (leading zeros are ignored, then length, then digits).
enum FrameFileOrder {
    /// The file name extensions of frame images (compared case-insensitively).
    static let extensions: Set<String> = ["jpg", "jpeg", "png"]

    /// Whether `name` is a frame image: a listed extension and not a hidden file (a leading
    /// dot, such as the "._00001.jpg" companions that macOS archives carry).
    static func isFrameImage(_ name: String) -> Bool {
        guard !name.hasPrefix("."), let dot = name.lastIndex(of: ".") else { return false }
        return extensions.contains(name[name.index(after: dot)...].lowercased())
    }

    /// `names` in numeric order.
    static func sorted(_ names: [String]) -> [String] {
        names.map { (name: $0, key: numbers(in: $0)) }
            .sorted { a, b in
                if a.key != b.key { return precedes(a.key, b.key) }
                return Array(a.name.utf8).lexicographicallyPrecedes(Array(b.name.utf8))
            }
            .map(\.name)
    }

    /// The digit runs of `name` with leading zeros removed ("007" → "7", "000" → "0").
    static func numbers(in name: String) -> [[UInt8]] {
        var runs: [[UInt8]] = []
        var current: [UInt8] = []
        for byte in name.utf8 {
            if byte >= 0x30 && byte <= 0x39 {
                current.append(byte)
            } else if !current.isEmpty {
                runs.append(trimmed(current))
                current = []
            }
        }
        if !current.isEmpty { runs.append(trimmed(current)) }
        return runs
    }

    // MARK: - Internals

    /// Whether number sequence `a` sorts before `b` (shorter prefix first).
    private static func precedes(_ a: [[UInt8]], _ b: [[UInt8]]) -> Bool {
        for (x, y) in zip(a, b) where x != y {
            if x.count != y.count { return x.count < y.count }
            return x.lexicographicallyPrecedes(y)
        }
        return a.count < b.count
    }

    /// Digits without leading zeros, keeping one zero for the number 0.
    private static func trimmed(_ digits: [UInt8]) -> [UInt8] {
        let rest = digits.drop { $0 == 0x30 }
        return rest.isEmpty ? [0x30] : Array(rest)
    }
}
