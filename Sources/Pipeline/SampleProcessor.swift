import Cache
import Datasets
import Media

/// One sample's cached features.
struct PreparedSample {
    let id: String
    let label: Int
    /// The log-magnitude spectrogram, row-major [bins, frames].
    let audio: Spectrogram
    /// The picked frames.
    let frames: FrameClip
}

/// Runs the audio and visual stages for samples, one worker thread per instance.
///
/// Each instance owns its FFTW plan and decoders; instances are not shared across threads.
final class SampleProcessor {
    private let spectrograms: SpectrogramExtractor
    private let frames: FrameExtractor
    private let rootReal: String

    init(config: PipelineConfig, rootReal: String) throws {
        spectrograms = try SpectrogramExtractor(config: config.audio)
        frames = try FrameExtractor(config: config.frames)
        self.rootReal = rootReal
    }

    /// The sample's features, or the record of why it was rejected.
    func process(_ sample: Sample) -> Result<PreparedSample, RejectedSample> {
        guard let audioPath = sample.sources["audio"] else {
            return .failure(reject(sample, path: "", code: "missing", reason: "no audio source"))
        }
        let spectrogram: Spectrogram
        do {
            spectrogram = try spectrograms.spectrogram(ofFile: audioPath)
        } catch {
            return .failure(reject(sample, path: audioPath, error: error))
        }

        let clip: FrameClip
        let visualPath = sample.sources["frames"] ?? sample.sources["video"] ?? ""
        do {
            if let folder = sample.sources["frames"] {
                clip = try frames.frames(fromFolder: folder)
            } else if let video = sample.sources["video"] {
                clip = try frames.frames(fromVideo: video)
            } else {
                return .failure(reject(sample, path: "", code: "no-frames",
                                       reason: "no frame folder or video"))
            }
        } catch {
            return .failure(reject(sample, path: visualPath, error: error))
        }
        guard clip.count >= 1 else {
            return .failure(reject(sample, path: visualPath, code: "no-frames",
                                   reason: "no frame could be decoded"))
        }
        return .success(PreparedSample(id: sample.id, label: sample.label, audio: spectrogram,
                                       frames: clip))
    }

    private func reject(_ sample: Sample, path: String, error: Error) -> RejectedSample {
        if let media = error as? MediaError {
            return reject(sample, path: media.path.isEmpty ? path : media.path, code: media.code,
                          reason: media.reason)
        }
        return reject(sample, path: path, code: "failed", reason: "\(error)")
    }

    private func reject(_ sample: Sample, path: String, code: String,
                        reason: String) -> RejectedSample {
        let relative = path.hasPrefix(rootReal + "/") ? String(path.dropFirst(rootReal.count + 1))
            : path
        return RejectedSample(id: sample.id, path: relative, code: code, reason: reason)
    }
}
