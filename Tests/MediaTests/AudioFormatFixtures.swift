import Foundation

@testable import Media

/// `Fixtures/audio/parity/parity.json`, written by `tools/ref/audio_parity.py` with librosa 0.11
/// (and PyAV for container files).
struct AudioFormatFixtures: Decodable {
    /// One decoded source file and the shape of its references.
    struct DecodeCase: Decodable {
        let name: String
        let file: String
        /// `librosa.load` for files libsndfile reads, `pyav` for container tracks.
        let reference: String
        let sourceRate: Int
        let sourceFrames: Int
        let channels: Int
        let resampledLength: Int
        let bins: Int
        let frames: Int
        let maxMagnitude: Double

        enum CodingKeys: String, CodingKey {
            case name = "case", file, reference, channels, bins, frames
            case sourceRate = "source_rate", sourceFrames = "source_frames"
            case resampledLength = "resampled_length", maxMagnitude = "max_magnitude"
        }
    }

    /// One output-kind, mel or STFT-option reference, or a mel filter bank.
    struct OutputCase: Decodable {
        let name: String
        /// Audio-config keys that differ from the recipe (nil for a filter bank).
        let config: [String: JSONAny]?
        /// `librosa.filters.mel` keyword arguments (nil for a spectrogram).
        let filterBank: [String: JSONAny]?
        let rows: Int
        let frames: Int
        let maxAbs: Double

        enum CodingKeys: String, CodingKey {
            case name = "case", config, rows, frames
            case filterBank = "filter_bank", maxAbs = "max_abs"
        }
    }

    let librosa: String
    let av: String
    let recipe: [String: JSONAny]
    let decode: [DecodeCase]
    let edge: [DecodeCase]
    let outputs: [OutputCase]

    /// The parity folder.
    static var folder: URL {
        get throws { try AudioTestSupport.fixtureFolder.appendingPathComponent("parity") }
    }

    static func load() throws -> AudioFormatFixtures {
        let data = try Data(contentsOf: folder.appendingPathComponent("parity.json"))
        return try JSONDecoder().decode(AudioFormatFixtures.self, from: data)
    }

    /// The recipe with `overrides` applied, as an audio configuration.
    func config(_ overrides: [String: JSONAny] = [:]) throws -> AudioConfig {
        var object = recipe.mapValues(\.value)
        for (key, value) in overrides { object[key] = value.value }
        let data = try JSONSerialization.data(withJSONObject: object)
        return try JSONDecoder().decode(AudioConfig.self, from: data)
    }

    /// Little-endian float32 values of `<name>.f32` in the parity folder.
    static func values(_ name: String) throws -> [Float] {
        try AudioTestSupport.readFloat32(folder.appendingPathComponent("\(name).f32"))
    }
}

/// Any JSON value, kept so that it can be written back (to merge config overrides).
struct JSONAny: Decodable {
    let value: Any

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            value = NSNull()
        } else if let b = try? c.decode(Bool.self) {
            value = b
        } else if let n = try? c.decode(Int.self) {
            value = n
        } else if let n = try? c.decode(Double.self) {
            value = n
        } else if let s = try? c.decode(String.self) {
            value = s
        } else if let a = try? c.decode([JSONAny].self) {
            value = a.map(\.value)
        } else {
            value = try c.decode([String: JSONAny].self).mapValues(\.value)
        }
    }
}
