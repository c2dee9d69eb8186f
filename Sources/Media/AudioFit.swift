/// Brings a clip to a fixed number of samples by one of the `FitRule`s.
public enum AudioFit {
    /// Returns `samples` fitted to `length` samples by `rule`.
    ///
    /// Every rule returns exactly `length` samples except `tile3`, which returns
    /// `min(length, 3 * samples.count)`. An empty clip gives `length` zeros (never a loop);
    /// callers that must not train on silence reject empty clips before fitting.
    public static func fit(_ samples: [Float], length: Int, rule: FitRule) -> [Float] {
        let out = AudioSampleBuffer(capacity: max(1, length))
        samples.withUnsafeBufferPointer { fit($0, length: length, rule: rule, into: out) }
        return Array(out.samples)
    }

    /// `fit(_:length:rule:)` from `samples` into `out` (emptied first).
    static func fit(_ samples: UnsafeBufferPointer<Float>, length: Int, rule: FitRule,
                    into out: AudioSampleBuffer) {
        out.removeAll()
        guard length > 0 else { return }
        let n = samples.count
        guard n > 0 else { return out.appendZeros(length) }
        if n >= length {
            // a long clip: the centre window for crop-centre, the start otherwise
            let start = rule == .cropCentre ? (n - length) / 2 : 0
            return out.append(UnsafeBufferPointer(rebasing: samples[start..<(start + length)]))
        }

        switch rule {
        case .repeat:
            repeated(samples, count: length, into: out)
        case .tile3:
            repeated(samples, count: min(length, 3 * n), into: out)
        case .pad, .cropStart:
            out.append(samples)
            out.appendZeros(length - n)
        case .cropCentre:
            let left = (length - n) / 2
            out.appendZeros(left)
            out.append(samples)
            out.appendZeros(length - n - left)
        }
    }

    /// The clip looped from its start until `count` samples are filled (copies whole periods).
    private static func repeated(_ samples: UnsafeBufferPointer<Float>, count: Int,
                                 into out: AudioSampleBuffer) {
        while out.count < count {
            let take = min(samples.count, count - out.count)
            out.append(UnsafeBufferPointer(rebasing: samples[0..<take]))
        }
    }
}
