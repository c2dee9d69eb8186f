import Foundation

/// `Fixtures/audio/cases.json`, written by `tools/ref/audio_fixtures.py` with librosa 0.11.
struct AudioParityFixtures: Decodable {
    /// One reference spectrogram: a committed clip and the fit rule it was made with.
    struct Case: Decodable {
        let name: String
        let clip: String
        let fit: String
        let sourceRate: Int
        let sourceFrames: Int
        let resampledLength: Int
        let fittedLength: Int
        let bins: Int
        let frames: Int
        let maxMagnitude: Double

        enum CodingKeys: String, CodingKey {
            case name = "case", clip, fit, bins, frames
            case sourceRate = "source_rate", sourceFrames = "source_frames"
            case resampledLength = "resampled_length", fittedLength = "fitted_length"
            case maxMagnitude = "max_magnitude"
        }
    }

    let librosa: String
    let libsoxr: String
    let resampledClips: [String]
    let cases: [Case]

    enum CodingKeys: String, CodingKey {
        case librosa, libsoxr, cases
        case resampledClips = "resampled_clips"
    }

    static func load(_ folder: URL) throws -> AudioParityFixtures {
        let data = try Data(contentsOf: folder.appendingPathComponent("cases.json"))
        return try JSONDecoder().decode(AudioParityFixtures.self, from: data)
    }
}
