/// Several clips at one source rate decoded, resampled together (`ResamplerBatch`) and fitted.
extension AudioClipReader {
    /// Source frames each clip is fed per round of the batch resampler.
    static let batchFrames = 8192

    /// Fits (and clamps) the clip of every stream, all at one source rate other than the
    /// target rate, with one multichannel resampler, reading each source only as far as its
    /// clip needs; then calls `body(c, result)` for stream `c` in order, with `fitted` holding
    /// that clip during the call. Each clip equals what `fittedClip(from:timings:)` gives.
    ///
    /// A stream's own errors (`decode-failed`, `non-finite`, decoding errors) become its
    /// failure; a libsoxr failure throws for the whole batch.
    func fittedClips(from streams: [AudioStream], timings: inout SpectrogramTimings,
                     _ body: (Int, Result<FittedClip, Error>) -> Void) throws {
        guard let from = streams.first?.sampleRate, from > 0 else { return }
        let count = streams.count
        let path = streams[0].path
        var started = SpectrogramTimings.now()
        let resampler = try batchResampler(from: from, channels: count, path: path)
        timings.resample += SpectrogramTimings.now() - started

        var clips = streams.map { stream -> AudioBatchClip in
            let centre = centreStart(declaredFrames: stream.declaredFrames, from: from)
            return AudioBatchClip(stream: stream, centreStart: centre,
                             needed: (centre ?? 0) + clipSamples)
        }
        let frames = AudioClipReader.batchFrames
        let input = batchInput.reserve(count * frames)
        while batchSignals.count < count {
            batchSignals.append(AudioSampleBuffer(capacity: 1 << 17))
        }
        let signals = Array(batchSignals[0..<count])
        signals.forEach { $0.removeAll() }

        var rounds = AudioBatchRounds(from: from, to: targetRate, largest: frames)
        while let target = clips.map({ $0.target(produced: signals[0].count, from, targetRate) })
            .max(), target > 0 {
            let round = rounds.next(target: target, produced: signals[0].count)
            started = SpectrogramTimings.now()
            for c in 0..<count {
                let filled = read(&clips[c], into: input + c * round, capacity: round,
                                  produced: signals[0].count)
                (input + c * round + filled).update(repeating: 0, count: round - filled)
            }
            timings.decode += SpectrogramTimings.now() - started

            started = SpectrogramTimings.now()
            try resampler.push(input, frames: round, into: signals, path: path)
            rounds.fed += round
            timings.resample += SpectrogramTimings.now() - started
        }
        batchFed = rounds.fed

        for c in 0..<count {
            if let failure = clips[c].failure {
                body(c, .failure(failure))
                continue
            }
            started = SpectrogramTimings.now()
            let clip = clips[c]
            if clip.ended {
                signals[c].truncate(to: ResamplerBatch.flushCount(inputLength: clip.read,
                                                                  from: from, to: targetRate))
                fixLength(signals[c], sourceFrames: clip.read, from: from)
            }
            let fitting = Result {
                try fit(signals[c], ended: clip.ended, centreStart: clip.centreStart,
                        checked: !clip.stream.samplesAlwaysFinite, path: clip.stream.path)
            }
            timings.fit += SpectrogramTimings.now() - started
            body(c, fitting.map { FittedClip(framesRead: clip.read, readToEnd: clip.ended) })
        }
    }

    /// Reads up to `capacity` frames of `clip`'s source into `buffer` while the clip still
    /// needs input (none once it ended, failed, or has `needed` resampled samples); returns
    /// the frames written. Records the end of the source and its errors in `clip`.
    private func read(_ clip: inout AudioBatchClip, into buffer: UnsafeMutablePointer<Float>,
                      capacity: Int, produced: Int) -> Int {
        guard !clip.ended, clip.failure == nil, produced < clip.needed else { return 0 }
        var filled = 0
        do {
            while filled < capacity {
                let got = try clip.stream.readMono(into: buffer + filled,
                                                   capacity: capacity - filled)
                if !clip.stream.samplesAlwaysFinite {
                    try AudioClipReader.checkFinite(UnsafeBufferPointer(start: buffer + filled,
                                                                        count: got),
                                                    firstIndex: clip.read, path: clip.stream.path)
                }
                if got == 0 {
                    clip.ended = true
                    guard clip.read > 0 else { throw AudioFile.nothingDecoded(clip.stream) }
                    clip.stream.noteEnd(framesRead: clip.read)
                    break
                }
                filled += got
                clip.read += got
            }
        } catch {
            clip.failure = error
        }
        return filled
    }

    /// The batch resampler for `channels` clips from `from` Hz, cleared for a new batch.
    private func batchResampler(from: Int, channels: Int, path: String) throws
        -> ResamplerBatch {
        if let batch = batchSession, batch.from == from, batch.channels == channels {
            try batch.begin(path: path)
            return batch
        }
        let batch = try ResamplerBatch(from: from, to: targetRate, channels: channels, path: path)
        try batch.begin(path: path)
        batchSession = batch
        return batch
    }
}
