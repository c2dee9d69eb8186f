import Foundation

/// The audio stage for several files at once.
extension SpectrogramExtractor {
    /// Clips resampled together by default.
    public static let defaultBatch = 8

    /// The whole recipe for each of `paths`, in order, each result what `features(ofFile:)`
    /// returns or throws for that file, bit for bit, in less time: files at one source rate
    /// other than the configured rate are sorted by the source frames their clips need and
    /// resampled `batch` at a time by one multichannel libsoxr resampler (`ResamplerBatch`),
    /// which designs the HQ filter once per batch instead of once per file.
    ///
    /// Every file is opened before the first is decoded: pass tens of files per call, not
    /// thousands. `batch` below 2 processes the files one by one.
    public func features(ofFiles paths: [String], batch: Int = SpectrogramExtractor.defaultBatch)
        -> [Result<AudioFeatures, Error>] {
        var results = [Result<AudioFeatures, Error>?](repeating: nil, count: paths.count)
        var opened: [(index: Int, stream: AudioStream)] = []
        for (index, path) in paths.enumerated() {
            let started = SpectrogramTimings.now()
            do {
                opened.append((index, try AudioFile.open(path: path)))
            } catch {
                results[index] = .failure(error)
            }
            timings.decode += SpectrogramTimings.now() - started
        }

        let byRate = Dictionary(grouping: opened) { $0.stream.sampleRate }
        for rate in byRate.keys.sorted() {
            let members = (byRate[rate] ?? []).sorted {
                (need($0.stream), $0.index) < (need($1.stream), $1.index)
            }
            var start = 0
            while start < members.count {
                let part = Array(members[start..<min(start + max(1, batch), members.count)])
                start += part.count
                guard part.count > 1, rate > 0, rate != config.sampleRate else {
                    for member in part {
                        results[member.index] = Result { try features(of: member.stream) }
                    }
                    continue
                }
                resampleTogether(part, into: &results)
            }
        }
        return results.enumerated().map { index, result in
            result ?? .failure(MediaError(path: paths[index], code: "decode-failed",
                                          reason: "the file was not processed"))
        }
    }

    /// The positions of `paths` by file size (a stat each; nil or a missing file counts as 0),
    /// ties by position: an order in which to hand files to successive `features(ofFiles:)`
    /// calls so that each call, and then each batch, holds clips of like length (for integer
    /// WAV files of one format the size follows the frame count). Sorting inside a call
    /// (by the frames each clip needs) only reaches the files of that call.
    public static func batchOrder(_ paths: [String?]) -> [Int] {
        let sizes = paths.map { path -> Int in
            var status = stat()
            guard let path, stat(path, &status) == 0 else { return 0 }
            return Int(status.st_size)
        }
        return paths.indices.sorted { (sizes[$0], $0) < (sizes[$1], $1) }
    }

    /// Fits the clips of `part` with one batch resampler and transforms them into their slots
    /// of `results`; a libsoxr failure fails every clip of the part.
    private func resampleTogether(_ part: [(index: Int, stream: AudioStream)],
                                  into results: inout [Result<AudioFeatures, Error>?]) {
        var steps = SpectrogramTimings()
        do {
            try reader.fittedClips(from: part.map(\.stream), timings: &steps) { c, fitted in
                let stream = part[c].stream
                results[part[c].index] = Result {
                    try features(of: fitted.get(), path: stream.path, warnings: stream.warnings)
                }
            }
        } catch {
            for member in part where results[member.index] == nil {
                results[member.index] = .failure(error)
            }
        }
        timings.decode += steps.decode
        timings.resample += steps.resample
        timings.fit += steps.fit
    }

    /// Source frames the clip of `stream` needs at most, for grouping clips of like length.
    private func need(_ stream: AudioStream) -> Int {
        let span = Double(config.clipSamples) * Double(stream.sampleRate)
            / Double(config.sampleRate)
        return min(stream.declaredFrames ?? Int.max, Int(span.rounded(.up)))
    }
}
