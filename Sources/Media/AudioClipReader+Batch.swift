/// Many clips at once: each source decoded up to the frames its clip needs, then the clips of
/// one source rate resampled together (`ResamplerBatch`), which designs libsoxr's filter once
/// per batch instead of once per clip. The clips equal those of `fittedClip(from:timings:)`.
extension AudioClipReader {
    /// A source decoded for a batch: its first frames, and whether they are all of it.
    struct DecodedSource {
        /// The source frames read, mono.
        let samples: [Float]
        /// The source rate.
        let sampleRate: Int
        /// Whether the source ended within the frames read.
        let ended: Bool
    }

    /// Whether `stream` can go into a batch: it needs resampling and its clip starts at the
    /// first sample (`crop-centre` locates its window per file and reads one clip at a time).
    func batches(_ stream: AudioStream) -> Bool {
        stream.sampleRate > 0 && stream.sampleRate != targetRate && rule != .cropCentre
    }

    /// Decodes `stream` up to the frames after which a streaming resampler has returned a whole
    /// clip, or to its end; throws the stream's errors, `non-finite` and `decode-failed`.
    func decodeForBatch(_ stream: AudioStream, timings: inout SpectrogramTimings) throws
        -> DecodedSource {
        let from = stream.sampleRate
        let limit = try prefixFrames(from: from, path: stream.path)
        let started = SpectrogramTimings.now()
        var samples: [Float] = []
        samples.reserveCapacity(min(limit, 1 << 22))
        var ended = false
        while samples.count < limit {
            let want = min(AudioClipReader.chunkFrames, limit - samples.count)
            let got = try chunk.withUnsafeMutableBufferPointer { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return try stream.readMono(into: base, capacity: want)
            }
            try checkFinite(got, firstIndex: samples.count, path: stream.path)
            if got == 0 {
                ended = true
                break
            }
            samples.append(contentsOf: chunk[0..<got])
        }
        timings.decode += SpectrogramTimings.now() - started
        guard !samples.isEmpty else { throw AudioFile.nothingDecoded(stream) }
        if ended { stream.noteEnd(framesRead: samples.count) }
        return DecodedSource(samples: samples, sampleRate: from, ended: ended)
    }

    /// Resamples and fits decoded sources, those of one rate together in batches of at most
    /// `batchChannels`, the shortest first; returns the clips in the order of `sources`.
    func fittedClips(_ sources: [DecodedSource], timings: inout SpectrogramTimings,
                     path: String) throws -> [FittedClip] {
        var clips = [FittedClip?](repeating: nil, count: sources.count)
        let byRate = Dictionary(grouping: sources.indices) { sources[$0].sampleRate }
        for (from, members) in byRate.sorted(by: { $0.key < $1.key }) {
            let ordered = members.sorted { sources[$0].samples.count < sources[$1].samples.count }
            for start in stride(from: 0, to: ordered.count, by: AudioClipReader.batchChannels) {
                let batch = Array(ordered[start..<min(ordered.count,
                                                      start + AudioClipReader.batchChannels)])
                let targets = batch.map { i in
                    sources[i].ended
                        ? ResamplerBatch.flushCount(inputLength: sources[i].samples.count,
                                                    from: from, to: targetRate)
                        : clipSamples
                }
                let started = SpectrogramTimings.now()
                let outputs = try ResamplerBatch.resample(batch.map { sources[$0].samples },
                                                          targets: targets, from: from,
                                                          to: targetRate, path: path)
                timings.resample += SpectrogramTimings.now() - started

                let fitStart = SpectrogramTimings.now()
                for (k, i) in batch.enumerated() {
                    clips[i] = fit(outputs[k], source: sources[i])
                }
                timings.fit += SpectrogramTimings.now() - fitStart
            }
        }
        return clips.compactMap { $0 }
    }

    /// A resampled source fitted as `fittedClip(from:timings:)` fits it: a source read to its
    /// end gets librosa's length fix and the fit rule, a prefix gives its first clip.
    private func fit(_ resampled: [Float], source: DecodedSource) -> FittedClip {
        var clip: [Float]
        if source.ended {
            var fixed = resampled
            fixLength(&fixed, sourceFrames: source.samples.count, from: source.sampleRate)
            clip = AudioFit.fit(fixed, length: clipSamples, rule: rule)
        } else {
            clip = Array(resampled.prefix(clipSamples))
        }
        clampIfAsked(&clip)
        return FittedClip(clip: clip, framesRead: source.samples.count, readToEnd: source.ended)
    }

    /// The source frames after which a streaming resampler from `from` Hz has returned at
    /// least `clipSamples` samples, found once per rate by feeding zeros in steps of 256
    /// frames (libsoxr's flow depends only on sample counts, never on values).
    func prefixFrames(from: Int, path: String) throws -> Int {
        if let known = prefixes[from] { return known }
        let probe = try ResamplerSession(from: from, to: targetRate, path: path)
        try probe.begin(path: path)
        let zeros = [Float](repeating: 0, count: 256)
        var produced: [Float] = []
        var total = 0
        var fed = 0
        while total < clipSamples && fed <= 4 * AudioConfig.maxClipSamples {
            try zeros.withUnsafeBufferPointer { try probe.push($0, into: &produced, path: path) }
            fed += zeros.count
            total += produced.count
            produced.removeAll(keepingCapacity: true)
        }
        prefixes[from] = fed
        return fed
    }
}
