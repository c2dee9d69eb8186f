import CSndFile
import Foundation

/// Reading and writing audio files: libsndfile for the formats it knows (WAV in every sample
/// format, WAVE_FORMAT_EXTENSIBLE, RF64, FLAC, Ogg Vorbis and Opus, AIFF, MP3, …), libavformat
/// and libavcodec for the audio track of anything else (MP4, FLV, AVI, MKV, …), tried in that
/// order, as librosa tries soundfile before its fallback decoder.
///
/// Error codes (all `MediaError`): `missing` (no such file), `unreadable` (cannot be opened, or
/// is a directory), `lfs-pointer` (a git-lfs pointer text instead of the media), `empty-media`
/// (0 bytes, or a header with no sample frames), `data-size` (a WAV data chunk that declares 0
/// bytes in front of samples), `not-audio` (neither library can parse it, or a container
/// without an audio stream), `unsupported-codec`, `decode-failed` (the samples cannot be
/// decoded), `non-finite` (a NaN or infinite sample).
public enum AudioFile {
    /// Mono frames decoded per read call.
    static let chunkFrames = 1 << 16

    /// Reads the header only, for validation (`sf_open` and its `SF_INFO`; for a container,
    /// its audio track up to the first decoded frame, with `frames` estimated from the
    /// declared duration; 0 frames when the length is unknown).
    public static func probe(path: String) throws -> AudioInfo {
        let stream = try open(path: path)
        let seconds = (stream as? AudioTrack)?.declaredSeconds ?? 0
        let frames = stream.declaredFrames ?? Int(seconds * Double(stream.sampleRate))
        return AudioInfo(frames: frames, sampleRate: stream.sampleRate,
                         channels: stream.channels, format: stream.formatName)
    }

    /// Decodes the file to mono Float32, the mean of the channels (as librosa's `to_mono`);
    /// integer formats are scaled to [-1, 1), float formats pass unchanged.
    ///
    /// Reading stops after `maxFrames` frames when it is given. A file whose data ends before
    /// its header says decodes to the frames that are there, with a `truncated` warning.
    /// Throws `non-finite` for a NaN or infinite sample among those read.
    public static func read(path: String, maxFrames: Int? = nil) throws -> AudioDecoded {
        let stream = try open(path: path)
        let limit = maxFrames ?? Int.max
        var samples: [Float] = []
        var chunk = [Float](repeating: 0, count: chunkFrames)
        var complete = false

        while samples.count < limit {
            let want = min(chunkFrames, limit - samples.count)
            let got = try chunk.withUnsafeMutableBufferPointer { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return try stream.readMono(into: base, capacity: want)
            }
            if got == 0 {
                complete = true
                break
            }
            samples.append(contentsOf: chunk[0..<got])
        }

        try checkDecoded(samples, stream: stream)
        if complete { stream.noteEnd(framesRead: samples.count) }
        return AudioDecoded(samples: samples, sampleRate: stream.sampleRate,
                            channels: stream.channels, format: stream.formatName,
                            complete: complete, warnings: stream.warnings)
    }

    /// Decodes every sample to mono Float32 (see `read(path:maxFrames:)`), dropping warnings.
    public static func readMono(path: String) throws -> (samples: [Float], sampleRate: Int) {
        let decoded = try read(path: path)
        return (decoded.samples, decoded.sampleRate)
    }

    // LIMITATION: a file libsndfile cannot read is opened again by path for libavformat, after
    // the head check; a file swapped for a FIFO or a symlink in that window (microseconds, by
    // another process during the run) is not checked again, and a FIFO there blocks the open.
    /// Opens `path` as a mono stream: libsndfile first (on the bytes or the descriptor the head
    /// check read), then the audio track of a container.
    static func open(path: String) throws -> AudioStream {
        let head = try AudioFileHead(path: path)
        let file: AudioSoundFile
        do {
            if let whole = head.whole {
                file = try AudioSoundFile(readingFrom: path, bytes: whole)
            } else if let descriptor = head.descriptor {
                file = try AudioSoundFile(readingFrom: path, descriptor: descriptor)
            } else {
                file = try AudioSoundFile(readingFrom: path)
            }
        } catch let failure as AudioSoundFile.OpenFailure {
            let soundFileError = failure.notAudio
            let recognised = failure.recognised
            let track: AudioTrack
            do {
                track = try AudioTrack(path: path)
            } catch let trackError as MediaError
                        where trackError.code == "not-audio" || recognised {
                // both decoders' reasons: libsndfile's names the fault of a file it recognised
                throw MediaError(path: path, code: trackError.code,
                                 reason: soundFileError.reason + "; " + trackError.reason)
            }
            if recognised {
                track.addWarning(AudioWarning(
                    path: path, code: "decoder-fallback",
                    message: soundFileError.reason + "; decoded with libavformat ("
                        + track.formatName + ") instead"))
            }
            return track
        }
        let header = head.wav
        if file.info.frames <= 0, let header { _ = try header.check(path: path) }
        _ = try headerInfo(of: file)
        file.warnings += try header?.check(path: path) ?? []
        return file
    }

    /// `decode-failed`: the stream gave no frame at all.
    static func nothingDecoded(_ stream: AudioStream) -> MediaError {
        let why = (stream as? AudioSoundFile)?.lastError.map { ": \($0)" } ?? ""
        let promised = stream.declaredFrames.map { "the header promises \($0) frames but " } ?? ""
        return MediaError(path: stream.path, code: "decode-failed",
                          reason: "\(promised)no frame could be decoded\(why)")
    }

    /// Throws `decode-failed` when nothing could be decoded and `non-finite` for a NaN or
    /// infinite sample.
    static func checkDecoded(_ samples: [Float], stream: AudioStream) throws {
        guard !samples.isEmpty else { throw nothingDecoded(stream) }
        if let bad = samples.firstIndex(where: { !$0.isFinite }) {
            throw MediaError(path: stream.path, code: "non-finite",
                             reason: AudioClipReader.nonFiniteReason(bad, samples[bad]))
        }
    }

    /// Writes `samples` as a 16-bit PCM mono WAV (`sf_open` with `SFM_WRITE`); values outside
    /// [-1, 1] are clipped.
    public static func writeWAV16(path: String, samples: [Float], sampleRate: Int) throws {
        guard sampleRate > 0, sampleRate <= Int(Int32.max) else {
            throw MediaError(path: path, code: "write-failed",
                             reason: "sample rate must be positive, found \(sampleRate)")
        }
        if let bad = samples.firstIndex(where: { !$0.isFinite }) {
            throw MediaError(path: path, code: "non-finite",
                             reason: "sample \(bad) is \(samples[bad]); cannot write it as PCM")
        }
        let format = Int32(SF_FORMAT_WAV) | Int32(SF_FORMAT_PCM_16)
        let clipped = samples.map { min(max($0, -1), 1) }

        let file = try AudioSoundFile(writingTo: path, sampleRate: sampleRate, channels: 1,
                                      format: format)
        let written = clipped.withUnsafeBufferPointer { buffer -> Int in
            guard let base = buffer.baseAddress else { return 0 }
            return file.writeFrames(base, frames: buffer.count)
        }

        guard written == clipped.count else {
            let why = file.lastError ?? "short write"
            throw MediaError(path: path, code: "write-failed",
                             reason: "wrote \(written) of \(clipped.count) frames: \(why)")
        }
    }

    // MARK: - Internals

    /// The header as `AudioInfo`; throws `empty-media` when the file holds no sample frames
    /// (libsndfile counts the frames that the data chunk and the file size both allow).
    static func headerInfo(of file: AudioSoundFile) throws -> AudioInfo {
        let info = AudioInfo(frames: Int(file.info.frames), sampleRate: Int(file.info.samplerate),
                             channels: Int(file.info.channels), format: file.formatName)
        guard info.frames > 0 else {
            throw MediaError(path: file.path, code: "empty-media",
                             reason: "the \(info.format) file holds no sample frames")
        }
        guard info.channels > 0, info.sampleRate > 0 else {
            throw MediaError(path: file.path, code: "not-audio",
                             reason: "the header declares \(info.channels) channels at "
                                + "\(info.sampleRate) Hz")
        }
        return info
    }
}
