import Cache
import Foundation
import Media

/// The declarative settings of one dataset's pipeline (`pipelines/<dataset>.json`).
///
/// Every stage parameter that changes the cached numbers lives here; the config key hashes it.
public struct PipelineConfig: Codable, Equatable {
    /// The dataset name, e.g. `crema`.
    public var dataset: String
    /// The audio stage: decode, resample, fit, STFT, log.
    public var audio: AudioConfig
    /// The visual stage: frames per second, size, count.
    public var frames: FrameConfig
    /// The number of samples a shard aims at (shards hold about this many).
    public var shardSize: Int
    /// Deflate level of the shards' datasets, 0 for none.
    public var deflate: Int

    enum CodingKeys: String, CodingKey {
        case dataset, audio, frames
        case shardSize = "shard_size"
        case deflate
    }

    /// Makes a configuration.
    public init(dataset: String, audio: AudioConfig, frames: FrameConfig, shardSize: Int = 64,
                deflate: Int = 0) {
        self.dataset = dataset
        self.audio = audio
        self.frames = frames
        self.shardSize = shardSize
        self.deflate = deflate
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dataset = try container.decode(String.self, forKey: .dataset)
        audio = try container.decodeIfPresent(AudioConfig.self, forKey: .audio) ?? AudioConfig()
        frames = try container.decodeIfPresent(FrameConfig.self, forKey: .frames)
            ?? FrameConfig()
        shardSize = try container.decodeIfPresent(Int.self, forKey: .shardSize) ?? 64
        deflate = try container.decodeIfPresent(Int.self, forKey: .deflate) ?? 0
    }

    /// The built-in configuration of `dataset` (what `pipelines/<dataset>.json` holds).
    public static func builtIn(_ dataset: String) -> PipelineConfig? {
        switch dataset {
        case "crema":
            return PipelineConfig(dataset: "crema", audio: AudioConfig(), frames: FrameConfig())
        case "ks":
            // Kinetics-Sounds: 35 400 Hz, looped to 10 s (354 000 samples) → [257, 1003]
            var audio = AudioConfig()
            audio.sampleRate = 35_400
            audio.clipSeconds = 10
            return PipelineConfig(dataset: "ks", audio: audio, frames: FrameConfig())
        default:
            return nil
        }
    }

    /// Reads a configuration file; unknown keys and bad values are errors naming the file.
    public static func load(path: String) throws -> PipelineConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PipelineError(path: path, code: "missing", reason: "cannot read the config file")
        }
        do {
            return try JSONDecoder().decode(PipelineConfig.self, from: data)
        } catch {
            throw PipelineError(path: path, code: "config",
                                reason: "not a valid pipeline config: \(error)")
        }
    }

    /// Checks values that would make the stages fail or loop.
    public func validated(path: String) throws -> PipelineConfig {
        var problems: [String] = []
        if audio.sampleRate <= 0 { problems.append("audio.sample_rate must be > 0") }
        if audio.clipSeconds <= 0 { problems.append("audio.clip_seconds must be > 0") }
        if audio.nFFT < 2 { problems.append("audio.n_fft must be ≥ 2") }
        if audio.hopLength < 1 { problems.append("audio.hop_length must be ≥ 1") }
        if frames.width < 1 || frames.height < 1 { problems.append("frames size must be ≥ 1") }
        if frames.maxFrames < 1 { problems.append("frames.max_frames must be ≥ 1") }
        if frames.fps <= 0 { problems.append("frames.fps must be > 0") }
        if shardSize < 1 { problems.append("shard_size must be ≥ 1") }
        if !(0...9).contains(deflate) { problems.append("deflate must be 0–9") }
        if !problems.isEmpty {
            throw PipelineError(path: path, code: "config",
                                reason: problems.joined(separator: "; "))
        }
        return self
    }

    /// The config key: the first 16 hex digits of SHA-256 over the canonical configuration, the
    /// shard schema version and the versions of the libraries that change the numbers.
    public func key() throws -> String {
        let libraries = MediaLibraries.versions.mapValues { JSONValue.string($0) }
        let identity: JSONValue = .object([
            "config": try JSONValue.from(self),
            "schema_version": .number(Double(Manifest.currentSchemaVersion)),
            "libraries": .object(libraries),
        ])
        return String(SHA256.hex(of: try identity.canonicalText()).prefix(16))
    }
}
