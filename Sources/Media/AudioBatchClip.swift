/// One clip of a batch while `AudioClipReader.fittedClips` reads it.
struct AudioBatchClip {
    /// Its source.
    let stream: AudioStream
    /// For `crop-centre` on a long source: where the centre window starts.
    let centreStart: Int?
    /// Resampled samples the clip needs when its source is longer than that.
    let needed: Int
    /// Source frames read so far.
    var read = 0
    /// Whether the source was read to its end.
    var ended = false
    /// Why the clip cannot be made, once known.
    var failure: Error?

    init(stream: AudioStream, centreStart: Int?, needed: Int) {
        self.stream = stream
        self.centreStart = centreStart
        self.needed = needed
    }

    /// The resampled samples per channel this clip still waits for, 0 once `done`: libsoxr's
    /// whole flushed output for an ended source; else `needed`, or the flushed output of the
    /// declared length when that is shorter (a guess that only sizes the next round).
    func target(produced: Int, _ from: Int, _ to: Int) -> Int {
        if done(produced: produced, from, to) { return 0 }
        if ended { return ResamplerBatch.flushCount(inputLength: read, from: from, to: to) }
        guard let declared = stream.declaredFrames, declared > read else { return needed }
        return min(needed, ResamplerBatch.flushCount(inputLength: declared, from: from, to: to))
    }

    /// Whether the batch resampler, having given `produced` samples per channel, gave this clip
    /// all it needs: libsoxr's whole flushed output for an ended source, else `needed`.
    func done(produced: Int, _ from: Int, _ to: Int) -> Bool {
        if failure != nil { return true }
        if ended {
            return produced >= ResamplerBatch.flushCount(inputLength: read, from: from, to: to)
        }
        return produced >= needed
    }
}
