import CSndFile
import Foundation

/// Reading and writing audio files through libsndfile.
///
/// Error codes (all `MediaError`): `missing` (no such file), `unreadable` (cannot be opened, or
/// is a directory), `lfs-pointer` (a git-lfs pointer text instead of the media), `empty-media`
/// (0 bytes, or a header with no sample frames), `not-audio` (libsndfile cannot parse it),
/// `decode-failed` (the samples cannot be decoded), `non-finite` (a NaN or infinite sample).
public enum AudioFile {
    /// Samples (frames times channels, at most) decoded per `sf_readf_float` call.
    static let chunkFrames = 1 << 16

    /// Reads the header only (`sf_open` and its `SF_INFO`), for validation.
    public static func probe(path: String) throws -> AudioInfo {
        try checkBeforeDecoding(path: path)
        let file = try AudioSoundFile(readingFrom: path)
        let info = try headerInfo(of: file)
        return info
    }

    /// Decodes every sample to mono Float32, the mean of the channels (as librosa's `to_mono`);
    /// integer formats are scaled by libsndfile to [-1, 1), float formats pass unchanged.
    ///
    /// A file whose data ends before the header says decodes to the frames that are there.
    public static func readMono(path: String) throws -> (samples: [Float], sampleRate: Int) {
        try checkBeforeDecoding(path: path)
        let file = try AudioSoundFile(readingFrom: path)
        let info = try headerInfo(of: file)

        let mono = try decodeMono(file, info: info)

        guard !mono.isEmpty else {
            let why = file.lastError.map { ": \($0)" } ?? ""
            throw MediaError(path: path, code: "decode-failed",
                             reason: "the header promises \(info.frames) frames but none "
                                + "could be decoded\(why)")
        }
        if let bad = mono.firstIndex(where: { !$0.isFinite }) {
            throw MediaError(path: path, code: "non-finite",
                             reason: "sample \(bad) is \(mono[bad]); audio must be finite")
        }
        return (mono, info.sampleRate)
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

    /// Rejects, before libsndfile sees the file, what is not media at all: a missing path, a
    /// directory, an unreadable file, 0 bytes, or a git-lfs pointer.
    static func checkBeforeDecoding(path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw MediaError(path: path, code: "missing", reason: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw MediaError(path: path, code: "unreadable",
                             reason: "is a directory, expected an audio file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw MediaError(path: path, code: "unreadable", reason: "cannot open for reading")
        }
        defer { try? handle.close() }

        let head: Data
        do {
            head = try handle.read(upToCount: 64) ?? Data()
        } catch {
            throw MediaError(path: path, code: "unreadable",
                             reason: "cannot read: \(error.localizedDescription)")
        }
        guard !head.isEmpty else {
            throw MediaError(path: path, code: "empty-media", reason: "the file has 0 bytes")
        }
        if head.starts(with: Array("version https://git-lfs".utf8)) {
            throw MediaError(path: path, code: "lfs-pointer",
                             reason: "a git-lfs pointer file, not the media; run `git lfs pull`")
        }
    }

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

    /// Decodes in chunks of about `chunkFrames` samples and averages the channels of each
    /// frame: the sum in channel order divided by the channel count, as numpy's float32 mean
    /// does.
    static func decodeMono(_ file: AudioSoundFile, info: AudioInfo) throws -> [Float] {
        let channels = info.channels
        guard channels <= 1024 else {
            throw MediaError(path: file.path, code: "not-audio",
                             reason: "the header declares \(channels) channels")
        }
        var mono: [Float] = []
        mono.reserveCapacity(min(info.frames, 1 << 26))
        let framesPerChunk = max(64, chunkFrames / channels)
        var chunk = [Float](repeating: 0, count: framesPerChunk * channels)
        let count = Float(channels)

        while true {
            let got = chunk.withUnsafeMutableBufferPointer { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return file.readFrames(into: base, frames: framesPerChunk)
            }
            guard got > 0 else { break }
            if channels == 1 {
                mono.append(contentsOf: chunk[0..<got])
                continue
            }
            for frame in 0..<got {
                var sum: Float = 0
                for channel in 0..<channels { sum += chunk[frame * channels + channel] }
                mono.append(sum / count)
            }
        }
        return mono
    }
}
