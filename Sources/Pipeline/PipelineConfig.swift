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
    /// The picture stage of an image modality: size, scaler, EXIF orientation; nil for the
    /// defaults.
    public var image: ImageConfig?
    /// The text stage of a text modality: vocabulary, length, layout; nil for the defaults
    /// (which name no vocabulary yet).
    public var text: TextConfig?
    /// The number of samples a shard aims at (shards hold about this many).
    public var shardSize: Int
    /// Deflate level of the shards' datasets, 0 for none.
    public var deflate: Int
    /// The layout file of a dataset described by one (`amss prep folder --layout`), as
    /// canonical JSON, so that a changed layout gives a new config key; nil otherwise.
    public var layout: JSONValue?
    /// The number of classes the dataset must have (`classes`); nil accepts any count.
    public var classes: Int?
    /// How class names are ordered (`class_order`: `sorted` or `first-appearance`).
    public var classOrder: String?
    /// A class-name file relative to the dataset root (`class_names`), one name per line.
    public var classNames: String?
    /// The first class index of index-only split lists (`label_base`, 0 or 1).
    public var labelBase: Int?
    /// The frames per clip `amss train` draws unless told otherwise (`frames_per_clip`).
    public var framesPerClip: Int?

    enum CodingKeys: String, CodingKey {
        case dataset, audio, frames, image, text
        case shardSize = "shard_size"
        case deflate, classes, layout
        case classOrder = "class_order"
        case classNames = "class_names"
        case labelBase = "label_base"
        case framesPerClip = "frames_per_clip"
    }

    /// Makes a configuration.
    public init(dataset: String, audio: AudioConfig, frames: FrameConfig,
                image: ImageConfig? = nil, text: TextConfig? = nil, shardSize: Int = 64,
                deflate: Int = 0) {
        self.dataset = dataset
        self.audio = audio
        self.frames = frames
        self.image = image
        self.text = text
        self.shardSize = shardSize
        self.deflate = deflate
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dataset = try container.decode(String.self, forKey: .dataset)
        audio = try container.decodeIfPresent(AudioConfig.self, forKey: .audio) ?? AudioConfig()
        frames = try container.decodeIfPresent(FrameConfig.self, forKey: .frames)
            ?? FrameConfig()
        image = try container.decodeIfPresent(ImageConfig.self, forKey: .image)
        text = try container.decodeIfPresent(TextConfig.self, forKey: .text)
        shardSize = try container.decodeIfPresent(Int.self, forKey: .shardSize) ?? 64
        deflate = try container.decodeIfPresent(Int.self, forKey: .deflate) ?? 0
        layout = try container.decodeIfPresent(JSONValue.self, forKey: .layout)
        classes = try container.decodeIfPresent(Int.self, forKey: .classes)
        classOrder = try container.decodeIfPresent(String.self, forKey: .classOrder)
        classNames = try container.decodeIfPresent(String.self, forKey: .classNames)
        labelBase = try container.decodeIfPresent(Int.self, forKey: .labelBase)
        framesPerClip = try container.decodeIfPresent(Int.self, forKey: .framesPerClip)
    }

    /// Encodes the dataset, the section of each of its inputs (audio and frames only for
    /// datasets that have them, so an image–text config names no audio settings), the shard
    /// size, the deflate level, the layout file and the class settings (when there are any).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let inputs = self.inputs
        try container.encode(dataset, forKey: .dataset)
        if inputs.contains(.audio) { try container.encode(audio, forKey: .audio) }
        if inputs.contains(.frames) { try container.encode(frames, forKey: .frames) }
        if inputs.contains(.image) {
            try container.encode(image ?? ImageConfig(), forKey: .image)
        }
        if inputs.contains(.text) { try container.encode(text ?? TextConfig(), forKey: .text) }
        try container.encode(shardSize, forKey: .shardSize)
        try container.encode(deflate, forKey: .deflate)
        try container.encodeIfPresent(layout, forKey: .layout)
        try container.encodeIfPresent(classes, forKey: .classes)
        try container.encodeIfPresent(classOrder, forKey: .classOrder)
        try container.encodeIfPresent(classNames, forKey: .classNames)
        try container.encodeIfPresent(labelBase, forKey: .labelBase)
        try container.encodeIfPresent(framesPerClip, forKey: .framesPerClip)
    }

    /// The inputs its shards hold: those of the dataset's layout modalities (the `modalities`
    /// of a recorded layout file, else the registered layout's); otherwise audio and frames plus
    /// image and text when their sections are set.
    public var inputs: [ShardInput] {
        if case .object(let file)? = layout, case .object(let sources)? = file["modalities"] {
            let kinds = sources.keys.map { $0 == "frames" || $0 == "video" ? "visual" : $0 }
            return ShardInput.of(modalities: kinds)
        }
        if let layout = Layouts.named(dataset) {
            return ShardInput.of(modalities: layout.modalities)
        }
        return [.audio, .frames] + (image == nil ? [] : [.image]) + (text == nil ? [] : [.text])
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
            var config = PipelineConfig(dataset: "ks", audio: audio, frames: FrameConfig())
            config.classes = 31
            config.classOrder = "sorted"
            config.labelBase = 0
            config.framesPerClip = 3
            return config
        case "sarcasm", "twitter15":
            // bert-base-uncased, 128 tokens (METHOD.md); one 224×224 picture per sample
            return PipelineConfig(dataset: dataset, audio: AudioConfig(), frames: FrameConfig(),
                                  image: ImageConfig(), text: TextConfig())
        default:
            return nil
        }
    }

    /// Reads a configuration file over the built-in one of `dataset`: keys it sets override,
    /// keys it omits keep their built-in values; unknown keys and bad values are errors naming
    /// the file and the key.
    public static func load(path: String, dataset: String) throws -> PipelineConfig {
        guard let base = builtIn(dataset) else {
            throw PipelineError(path: path, code: "config", reason: "no built-in config for "
                                + "dataset '\(dataset)'")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PipelineError(path: path, code: "missing", reason: "cannot read the config file")
        }
        return try load(data: data, path: path, over: base)
    }

    /// Reads configuration JSON (from `path`, for errors) over `base`, as `load(path:dataset:)`
    /// does for a file.
    public static func load(data: Data, path: String,
                            over base: PipelineConfig) throws -> PipelineConfig {
        let dataset = base.dataset
        guard let user = try? JSONDecoder().decode(JSONValue.self, from: data),
              case .object(var members) = user else {
            throw PipelineError(path: path, code: "config", reason: "not a JSON object")
        }
        if case .string(let named)? = members["dataset"], named != dataset {
            throw PipelineError(path: path, code: "config", reason: "the config is for dataset "
                                + "'\(named)', not '\(dataset)'")
        }
        members["dataset"] = .string(dataset)

        var template = base
        template.audio.winLength = template.audio.nFFT
        template.classNames = template.classNames ?? ""
        if let unknown = unknownKey(in: .object(members), known: try JSONValue.from(template)) {
            throw PipelineError(path: path, code: "config", reason: "unknown key '\(unknown)'")
        }
        let merged = merge(try JSONValue.from(base), over: .object(members))
        do {
            return try JSONDecoder().decode(PipelineConfig.self,
                                            from: try JSONEncoder().encode(merged))
        } catch let DecodingError.dataCorrupted(context) {
            throw PipelineError(path: path, code: "config", reason: context.debugDescription)
        } catch let DecodingError.typeMismatch(_, context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw PipelineError(path: path, code: "config", reason: "'\(key)' has the wrong type")
        } catch {
            throw PipelineError(path: path, code: "config", reason: "\(error)")
        }
    }

    /// The dotted path of the first key of `value` that `known` does not have, or nil.
    private static func unknownKey(in value: JSONValue, known: JSONValue,
                                   prefix: String = "") -> String? {
        guard case .object(let members) = value, case .object(let allowed) = known else {
            return nil
        }
        for key in members.keys.sorted() {
            guard let template = allowed[key] else { return prefix + key }
            if let member = members[key],
               let inner = unknownKey(in: member, known: template, prefix: prefix + key + ".") {
                return inner
            }
        }
        return nil
    }

    /// `overrides` laid over `base`, object by object.
    private static func merge(_ base: JSONValue, over overrides: JSONValue) -> JSONValue {
        guard case .object(var result) = base, case .object(let members) = overrides else {
            return overrides
        }
        for (key, value) in members {
            result[key] = result[key].map { merge($0, over: value) } ?? value
        }
        return .object(result)
    }

    /// Checks values that would make the stages fail or loop.
    public func validated(path: String) throws -> PipelineConfig {
        let inputs = self.inputs
        var problems: [String] = []
        if inputs.contains(.audio) || inputs.contains(.frames) {
            problems = audioVisualProblems()
        } else {
            if shardSize < 1 { problems.append("shard_size must be ≥ 1") }
            if !(0...9).contains(deflate) { problems.append("deflate must be 0–9") }
        }
        if inputs.contains(.image), let problem = (image ?? ImageConfig()).problem {
            problems.append(problem)
        }
        if inputs.contains(.text), let problem = (text ?? TextConfig()).problem {
            problems.append(problem)
        }
        if !problems.isEmpty {
            throw PipelineError(path: path, code: "config",
                                reason: problems.joined(separator: "; "))
        }
        return self
    }

    /// What would make the audio and visual stages fail or loop, and the shard settings.
    private func audioVisualProblems() -> [String] {
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
        if let classes, classes < 1 { problems.append("classes must be ≥ 1") }
        if let classOrder, !["sorted", "first-appearance"].contains(classOrder) {
            problems.append("class_order must be sorted or first-appearance")
        }
        if let labelBase, !(0...1).contains(labelBase) {
            problems.append("label_base must be 0 or 1")
        }
        if let framesPerClip, framesPerClip < 1 { problems.append("frames_per_clip must be ≥ 1") }
        if !(audio.logOffset > 0) {
            problems.append("audio.log_offset must be > 0 (log of a silent bin would be −inf)")
        }
        if frames.width > 8_192 || frames.height > 8_192 {
            problems.append("frames width and height must be at most 8192")
        }
        if problems.isEmpty {
            do {
                _ = try SpectrogramExtractor(config: audio)
                _ = try FrameExtractor(config: frames)
            } catch let error as MediaError {
                problems.append(error.reason)
            } catch {
                problems.append("\(error)")
            }
        }
        return problems
    }

    /// The config key: the first 16 hex digits of SHA-256 over the canonical configuration, the
    /// shard schema version, the versions of the libraries that change the numbers and the real
    /// path of the dataset root, so that two dataset folders never share a cache folder. The
    /// text stage counts by its vocabulary's SHA-256, not by the vocabulary's path.
    public func key(sourceRoot: String) throws -> String {
        let libraries = MediaLibraries.versions.mapValues { JSONValue.string($0) }
        var hashed = self
        hashed.text?.vocab = ""
        let identity: JSONValue = .object([
            "config": try JSONValue.from(hashed),
            "schema_version": .number(Double(Manifest.currentSchemaVersion)),
            "libraries": .object(libraries),
            "source_root": .string(sourceRoot),
        ])
        return String(SHA256.hex(of: try identity.canonicalText()).prefix(16))
    }
}
