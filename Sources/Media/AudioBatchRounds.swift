/// How many source frames each round of a batch resampler is fed, so that the batch stops
/// close to the samples its longest clip needs instead of a whole round of zeros past them.
///
/// A round is what the target still lacks, converted to source frames, plus the growth of
/// libsoxr's latency seen so far (the resampled samples it holds back: its filter delay at
/// first, then up to a DFT block); at most `largest` frames. A round that falls short is
/// followed by a smaller one. How the input is split into rounds does not change libsoxr's
/// output, only where the batch stops.
struct AudioBatchRounds {
    /// Source rate over target rate.
    let step: Double
    /// The largest round, in source frames.
    let largest: Int
    /// Source frames fed per channel so far.
    var fed = 0
    /// The most resampled samples libsoxr held back after a round.
    private var held = 0

    /// The smallest round for this pair of rates: `smallest` frames, or fewer when a source
    /// frame is worth more than 64 samples (sources below 1/64 of the target rate), so that a
    /// round never overshoots by more than about 4 096 samples plus one frame's worth (a 1 Hz
    /// source fed 64 frames at a time made 1.4 million samples per clip for a 3 s clip).
    let smallestHere: Int

    init(from: Int, to: Int, largest: Int) {
        step = Double(from) / Double(to)
        self.largest = max(1, largest)
        let scaled = (Double(AudioBatchRounds.smallest) * 64 * step).rounded(.up)
        smallestHere = max(1, Int(min(Double(AudioBatchRounds.smallest), scaled)))
    }

    /// The next round's source frames for a batch that gave `produced` samples per channel
    /// and needs `target` in all.
    mutating func next(target: Int, produced: Int) -> Int {
        let holding = max(0, Int(Double(fed) / step) - produced)
        held = max(held, holding)
        let lacking = Double(target - produced + held - holding) * step
        return min(largest, max(smallestHere, Int(lacking.rounded(.up))))
    }

    /// The smallest round, so that a few samples short costs one cheap call, not many.
    static let smallest = 64
}
