import CSndFile

/// A libsndfile handle read as a mono `AudioStream`.
extension AudioSoundFile: AudioStream {
    var sampleRate: Int { Int(info.samplerate) }
    var channels: Int { Int(info.channels) }
    /// The header's frame count; nil when libsndfile cannot tell (it reports `SF_COUNT_MAX`
    /// for an Ogg stream whose last page is missing).
    var declaredFrames: Int? { info.frames == Int64.max ? nil : Int(info.frames) }

    /// Reads interleaved frames (`sf_readf_float`) and averages each frame's channels; a
    /// mono file is read straight into `buffer`.
    func readMono(into buffer: UnsafeMutablePointer<Float>, capacity: Int) throws -> Int {
        let channels = self.channels
        if channels == 1 { return readFrames(into: buffer, frames: capacity) }

        let frames = min(capacity, max(1, AudioSoundFile.scratchSamples / channels))
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
