import CSndFile

/// A libsndfile handle read as a mono `AudioStream`.
extension AudioSoundFile: AudioStream {
    var sampleRate: Int { Int(info.samplerate) }
    var channels: Int { Int(info.channels) }
    /// The header's frame count; nil when libsndfile cannot tell (it reports `SF_COUNT_MAX`
    /// for an Ogg stream whose last page is missing).
    var declaredFrames: Int? { info.frames == Int64.max ? nil : Int(info.frames) }
    /// Integer PCM (any width, μ-law, A-law, and FLAC, which stores integers) decodes to
    /// finite floats; float formats and lossy codecs may hold NaN or infinity.
    var samplesAlwaysFinite: Bool {
        AudioSoundFile.integerSubtypes.contains(Int(info.format) & Int(SF_FORMAT_SUBMASK))
    }

    /// Reads interleaved frames and averages each frame's channels: 16-bit PCM as integers
    /// (`sf_readf_short`), everything else as floats (`sf_readf_float`).
    ///
    /// For 16-bit PCM the channel sum is exact in integers and in Float32 alike (at most 512
    /// channels of 15-bit values stay within 24 bits), so `Float(Σ s) / 32768 / C` equals
    /// librosa's `mean(s / 32768)` bit for bit.
    func readMono(into buffer: UnsafeMutablePointer<Float>, capacity: Int) throws -> Int {
        let channels = self.channels
        let subtype = Int(info.format) & Int(SF_FORMAT_SUBMASK)
        let frames = min(capacity, max(1, AudioSoundFile.scratchSamples / channels))
        if subtype == Int(SF_FORMAT_PCM_16) && channels <= 512 {
            return readMono16(into: buffer, frames: frames, channels: channels)
        }
        if channels == 1 { return readFrames(into: buffer, frames: capacity) }

        if interleaved.count < frames * channels {
            interleaved = [Float](repeating: 0, count: frames * channels)
        }
        let count = Float(channels)
        return interleaved.withUnsafeMutableBufferPointer { scratch -> Int in
            guard let base = scratch.baseAddress else { return 0 }
            let got = readFrames(into: base, frames: frames)
            for frame in 0..<got {
                var sum: Float = 0
                for channel in 0..<channels { sum += base[frame * channels + channel] }
                buffer[frame] = sum / count
            }
            return got
        }
    }

    /// 16-bit frames summed per frame in integers, then scaled by 1/32768 and divided by the
    /// channel count.
    private func readMono16(into buffer: UnsafeMutablePointer<Float>, frames: Int,
                            channels: Int) -> Int {
        if shorts.count < frames * channels {
            shorts = [Int16](repeating: 0, count: frames * channels)
        }
        return shorts.withUnsafeMutableBufferPointer { scratch -> Int in
            guard let base = scratch.baseAddress else { return 0 }
            let got = readFrames(into: base, frames: frames)
            let scale: Float = 1.0 / 32_768
            switch channels {
            case 1:
                for i in 0..<got { buffer[i] = Float(base[i]) * scale }
            case 2:
                for i in 0..<got {
                    let sum = Int32(base[2 &* i]) &+ Int32(base[2 &* i &+ 1])
                    buffer[i] = Float(sum) * scale / 2
                }
            default:
                let count = Float(channels)
                for frame in 0..<got {
                    var sum: Int32 = 0
                    let first = frame &* channels
                    for channel in 0..<channels { sum &+= Int32(base[first &+ channel]) }
                    buffer[frame] = Float(sum) * scale / count
                }
            }
            return got
        }
    }

    /// Adds a `truncated` warning when fewer frames decoded than the header declares and the
    /// WAV header check did not already report the short file.
    func noteEnd(framesRead: Int) {
        guard !warnings.contains(where: { $0.code == "truncated" }) else { return }
        let why = lastError.map { " (libsndfile: \($0))" } ?? ""
        guard let declared = declaredFrames else {
            // an Ogg stream without its last page: cut short
            guard Int(info.format) & Int(SF_FORMAT_TYPEMASK) == Int(SF_FORMAT_OGG) else { return }
            warnings.append(AudioWarning(path: path, code: "truncated",
                                         message: "the Ogg stream has no final page (cut "
                                            + "short?); decoded the \(framesRead) frames that "
                                            + "are there\(why)"))
            return
        }
        guard framesRead < declared else { return }
        warnings.append(AudioWarning(path: path, code: "truncated",
                                     message: "the header declares \(declared) frames but only "
                                        + "\(framesRead) could be decoded\(why)"))
    }
}
