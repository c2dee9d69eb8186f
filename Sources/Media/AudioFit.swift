/// Brings a clip to a fixed number of samples by one of the `FitRule`s.
public enum AudioFit {
    /// Returns `samples` fitted to `length` samples by `rule`.
    ///
    /// Every rule returns exactly `length` samples except `tile3`, which returns
    /// `min(length, 3 * samples.count)`. An empty clip gives `length` zeros (never a loop);
    /// callers that must not train on silence reject empty clips before fitting.
    public static func fit(_ samples: [Float], length: Int, rule: FitRule) -> [Float] {
        guard length > 0 else { return [] }
        let n = samples.count
        guard n > 0 else { return [Float](repeating: 0, count: length) }
        if n >= length {
            return longClip(samples, length: length, rule: rule)
        }

        switch rule {
        case .repeat:
            return repeated(samples, count: length)
        case .tile3:
            return repeated(samples, count: min(length, 3 * n))
        case .pad, .cropStart:
            return samples + [Float](repeating: 0, count: length - n)
        case .cropCentre:
            let left = (length - n) / 2
            return [Float](repeating: 0, count: left) + samples
                + [Float](repeating: 0, count: length - n - left)
        }
    }

    /// A clip at least `length` long: the centre window for `cropCentre`, the start otherwise.
    private static func longClip(_ samples: [Float], length: Int, rule: FitRule) -> [Float] {
        let start = rule == .cropCentre ? (samples.count - length) / 2 : 0
        return Array(samples[start..<(start + length)])
    }

    /// The clip looped from its start until `count` samples are filled (copies whole periods).
    private static func repeated(_ samples: [Float], count: Int) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(count)
        while out.count < count {
            let take = min(samples.count, count - out.count)
            out.append(contentsOf: samples[0..<take])
        }
        return out
    }
}
