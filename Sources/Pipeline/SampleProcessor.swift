import Cache
import Datasets
import Media
import Text

/// Runs the stages of a configuration's inputs for samples, one worker thread per instance:
/// audio (spectrogram), frames (frame folder or video), image (one picture), text (token ids).
///
/// Each instance owns its FFTW plan, decoders and tokenizer; instances are not shared across
/// threads. A sample without a source for one of the inputs is rejected.
final class SampleProcessor {
    private let inputs: [ShardInput]
    private let spectrograms: SpectrogramExtractor?
    private let frames: FrameExtractor?
    private let images: ImageReader?
    private var text: TextStage?
    private let rootReal: String
    /// Audio files resampled together (`AudioBatching`); 1 (one by one) without an audio stage.
    let audioBatch: Int
    /// Samples a worker hands to one `process(_:)` call: `AudioBatching.batchesPerRun`
    /// batches, which `features(ofFiles:)` sorts by clip length before cutting them into
    /// batches; 1 without batching.
    var audioRun: Int { audioBatch > 1 ? audioBatch * AudioBatching.batchesPerRun : 1 }

    /// Stages for `config.inputs`; the text stage needs `vocabulary`. The audio stage resamples
    /// up to `audioBatch` WAV files together (`process(_:)` of several samples).
    init(config: PipelineConfig, rootReal: String, vocabulary: Vocabulary? = nil,
         audioBatch: Int = AudioBatching.defaultBatch) throws {
        inputs = config.inputs
        self.audioBatch = inputs.contains(.audio) ? max(1, audioBatch) : 1
        spectrograms = inputs.contains(.audio) ? try SpectrogramExtractor(config: config.audio)
            : nil
        frames = inputs.contains(.frames) ? try FrameExtractor(config: config.frames) : nil
        images = inputs.contains(.image) ? try ImageReader(config: config.image ?? ImageConfig())
            : nil
        if inputs.contains(.text) {
            guard let vocabulary else {
                throw PipelineError(path: "", code: "missing-vocab",
                                    reason: "the text stage needs a vocabulary (--vocab FILE)")
            }
            text = TextStage(config: config.text ?? TextConfig(), vocabulary: vocabulary)
        }
        self.rootReal = rootReal
    }

    /// The sample's features, or the record of why it was rejected.
    func process(_ sample: Sample) -> Result<PreparedSample, RejectedSample> {
        process(sample, audio: nil)
    }

    /// Each sample's features or rejection, in order, exactly what `process(_:)` gives for it
    /// sample by sample: the audio of the batchable WAV sources among them
    /// (`AudioBatching.batchable`) is made first, `audioBatch` files per libsoxr resampler,
    /// then every sample runs its stages in order with its audio result.
    func process(_ samples: [Sample]) -> [Result<PreparedSample, RejectedSample>] {
        let audio = batchedAudio(of: samples)
        return samples.indices.map { process(samples[$0], audio: audio[$0]) }
    }

    /// The audio results of the batchable sources of `samples`, by position; empty when
    /// fewer than two can be batched.
    private func batchedAudio(of samples: [Sample]) -> [Int: Result<AudioFeatures, Error>] {
        guard audioBatch > 1, samples.count > 1, let spectrograms,
              inputs.contains(.audio) else { return [:] }
        let batchable = samples.indices.compactMap { index -> (Int, String)? in
            guard let path = samples[index].sources["audio"],
                  AudioBatching.batchable(path, config: spectrograms.config) else {
                return nil
            }
            return (index, path)
        }
        guard batchable.count > 1 else { return [:] }
        let results = spectrograms.features(ofFiles: batchable.map(\.1), batch: audioBatch)
        return Dictionary(uniqueKeysWithValues: zip(batchable.map(\.0), results))
    }

    /// The stages of `sample` in order; the audio stage takes `audio` when it was made in a
    /// batch.
    private func process(_ sample: Sample, audio: Result<AudioFeatures, Error>?)
        -> Result<PreparedSample, RejectedSample> {
        var prepared = PreparedSample(id: sample.id, label: sample.label)
        for input in inputs {
            let outcome: RejectedSample?
            switch input {
            case .audio: outcome = runAudio(sample, made: audio, into: &prepared)
            case .frames: outcome = runFrames(sample, into: &prepared)
            case .image: outcome = runImage(sample, into: &prepared)
            case .text: outcome = runText(sample, into: &prepared)
            }
            if let outcome { return .failure(outcome) }
        }
        return .success(prepared)
    }

    // MARK: - Stages (nil: done; a value: the rejection)

    private func runAudio(_ sample: Sample, made: Result<AudioFeatures, Error>?,
                          into prepared: inout PreparedSample) -> RejectedSample? {
        guard let audioPath = sample.sources["audio"], let spectrograms else {
            return reject(sample, path: "", code: "missing", reason: "no audio source")
        }
        do {
            let features: AudioFeatures
            if let made {
                features = try made.get()
            } else {
                features = try spectrograms.features(ofFile: audioPath)
            }
            prepared.audio = features.spectrogram
            prepared.warnings += features.warnings.map {
                record(sample, path: $0.path.isEmpty ? audioPath : $0.path, code: $0.code,
                       reason: $0.message)
            }
            return nil
        } catch {
            return reject(sample, path: audioPath, error: error)
        }
    }

    private func runFrames(_ sample: Sample, into prepared: inout PreparedSample)
        -> RejectedSample? {
        guard let frames else {
            return reject(sample, path: "", code: "no-frames", reason: "no frame stage")
        }
        let clip: FrameClip
        let visualPath = sample.sources["frames"] ?? sample.sources["video"] ?? ""
        do {
            if let folder = sample.sources["frames"] {
                clip = try frames.frames(fromFolder: folder)
            } else if let video = sample.sources["video"] {
                clip = try frames.frames(fromVideo: video)
            } else {
                return reject(sample, path: "", code: "no-frames",
                              reason: "no frame folder or video")
            }
        } catch {
            return reject(sample, path: visualPath, error: error)
        }
        guard clip.count >= 1 else {
            return reject(sample, path: visualPath, code: "no-frames",
                          reason: "no frame could be decoded")
        }
        prepared.frames = clip
        if let damage = clip.damage {
            prepared.warnings.append(record(sample, path: visualPath, code: "damaged-packets",
                                            reason: damage))
        }
        return nil
    }

    private func runImage(_ sample: Sample, into prepared: inout PreparedSample)
        -> RejectedSample? {
        guard let path = sample.sources["image"], let images else {
            return reject(sample, path: "", code: "missing", reason: "no image source")
        }
        do {
            prepared.image = try images.pixels(ofFile: path)
            if images.lastWasTruncated {
                prepared.warnings.append(record(sample, path: path, code: "truncated",
                                                reason: "the JPEG ends before its end-of-image "
                                                    + "marker; the missing rows are filled in"))
            }
            return nil
        } catch {
            return reject(sample, path: path, error: error)
        }
    }

    private func runText(_ sample: Sample, into prepared: inout PreparedSample)
        -> RejectedSample? {
        guard let words = sample.texts["text"], text != nil else {
            return reject(sample, path: "", code: "missing", reason: "no text")
        }
        prepared.text = text?.encode(words)
        return nil
    }

    // MARK: - Rejections

    private func reject(_ sample: Sample, path: String, error: Error) -> RejectedSample {
        if let media = error as? MediaError {
            return reject(sample, path: media.path.isEmpty ? path : media.path, code: media.code,
                          reason: media.reason)
        }
        return reject(sample, path: path, code: "failed", reason: "\(error)")
    }

    private func reject(_ sample: Sample, path: String, code: String,
                        reason: String) -> RejectedSample {
        record(sample, path: path, code: code, reason: reason)
    }

    /// A record of `sample` naming `path` relative to the dataset root.
    private func record(_ sample: Sample, path: String, code: String,
                        reason: String) -> RejectedSample {
        let relative = path.hasPrefix(rootReal + "/") ? String(path.dropFirst(rootReal.count + 1))
            : path
        return RejectedSample(id: sample.id, path: relative, code: code, reason: reason)
    }
}
