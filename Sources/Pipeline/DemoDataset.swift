import Datasets
import Foundation
import Media

/// A small synthetic dataset in the CREMA-D layout, for `amss demo`.
///
/// Both modalities carry class signal, audio more than vision (the modality-imbalance setting):
/// each emotion has its own pitch and tremolo rate (a harmonic tone in light noise), which a
/// spectrogram encoder learns to near 100 % in a few epochs, while the frames show a small,
/// low-contrast square on a noise background drawn afresh for every frame (so no clip carries
/// a fixed pattern an encoder could memorise), tinted by the emotion's colour for a share of
/// the clips and grey otherwise, so vision alone is capped near that share plus a sixth of the
/// rest and is learnt more slowly. Half of the clips have a JPEG frame folder, the other half
/// only an FLV video, so both visual paths run. The media are synthetic; the names, layout and
/// file formats are CREMA-D's.
public struct DemoDataset {
    /// Clips per emotion in each split (144 / 48 / 96 clips of 6 emotions by default).
    public var perClass: [String: Int] = ["train": 24, "valid": 8, "test": 16]
    /// Seed of every random choice, so the sample is the same on every machine.
    public var seed: UInt64 = 7
    /// Share of the clips whose square shows the emotion's colour; the others show grey and
    /// carry no visual cue, which caps vision alone near `share + (1 − share) / 6` (79 %).
    public var visualCueShare = 0.75
    /// Side of the square as a fraction of the frame's width and height.
    public var squareSide = 0.25
    /// How far the square's colour is from the background grey (1: the full palette colour);
    /// at 0.1 a channel moves by at most 12 grey levels, against the background's noise.
    public var colourContrast = 0.1
    /// Full width of the uniform noise added to every pixel of every frame around the grey
    /// level 110 (20: values in 100...120), drawn anew for each frame, square included, so
    /// it cannot identify a clip. Wider noise hides the cue more and leaves the visual
    /// encoder unsteady on evaluation (random crops in training smooth the noise; the whole
    /// frames of evaluation do not).
    public var backgroundNoise = 20.0
    /// Standard deviation of the audio's white noise (the tone's amplitude is 0.2).
    public var audioNoise = 0.02

    /// Makes the default demo sample description.
    public init() {}

    /// Writes the sample into `root` (created if needed) and returns the number of clips.
    @discardableResult
    public func write(to root: String) throws -> Int {
        var random = DemoRandom(seed: seed)
        let manager = FileManager.default
        for folder in ["annotations", "AudioWAV", "Image-01-FPS", "VideoFlash"] {
            try manager.createDirectory(atPath: root + "/" + folder,
                                        withIntermediateDirectories: true)
        }
        let sentences = CremaClipName.sentences.sorted()
        var clip = 0
        for split in ["train", "valid", "test"] {
            var rows: [String] = []
            for repetition in 0..<(perClass[split] ?? 0) {
                for (label, emotion) in CremaClipName.emotions.enumerated() {
                    let actor = 1001 + clip % 91
                    let sentence = sentences[(clip / 91 + repetition) % sentences.count]
                    let id = String(format: "%04d_%@_%@_XX", actor, sentence, emotion)
                    clip += 1
                    rows.append("\(id),\(emotion)")
                    let seconds = 1.5 + 2.0 * random.unit()
                    try writeAudio(root: root, id: id, label: label, seconds: seconds,
                                   random: &random)
                    try writeVisual(root: root, id: id, label: label, seconds: seconds,
                                    asVideo: clip % 2 == 0, random: &random)
                }
            }
            let text = rows.joined(separator: "\r\n") + "\r\n"
            try Data(text.utf8).write(to: URL(fileURLWithPath: "\(root)/annotations/\(split).csv"))
        }
        return clip
    }

    /// A 16 kHz harmonic tone whose pitch and tremolo rate follow the emotion, in white noise.
    ///
    /// Both cues are local textures of the spectrogram (the spacing of the harmonic comb, the
    /// period of the loudness pattern), which convolutional encoders with global pooling can use.
    private func writeAudio(root: String, id: String, label: Int, seconds: Double,
                            random: inout DemoRandom) throws {
        let rate = 16_000
        let count = Int(seconds * Double(rate))
        let pitch = 120.0 * pow(1.35, Double(label)) * (0.97 + 0.06 * random.unit())
        let tremolo = 2.0 + 2.0 * Double(label) + random.unit()
        let harmonics = max(1, min(12, Int(3_500 / pitch)))
        var phase = 0.0
        var samples = [Float](repeating: 0, count: count)
        for index in 0..<count {
            let time = Double(index) / Double(rate)
            phase += 2 * Double.pi * pitch / Double(rate)
            let envelope = min(1, time * 8, (seconds - time) * 8)
                * (0.6 + 0.4 * sin(2 * Double.pi * tremolo * time))
            var tone = 0.0
            for harmonic in 1...harmonics {
                tone += sin(Double(harmonic) * phase) / Double(harmonic)
            }
            samples[index] = Float(0.2 * envelope * tone + audioNoise * random.normal())
        }
        try AudioFile.writeWAV16(path: "\(root)/AudioWAV/\(id).wav", samples: samples,
                                 sampleRate: rate)
    }

    /// One frame per second as JPEGs, or an FLV at 15 fps, of a square drifting over a noise
    /// background drawn for each frame, tinted towards the emotion's colour by
    /// `colourContrast` when shown.
    private func writeVisual(root: String, id: String, label: Int, seconds: Double,
                             asVideo: Bool, random: inout DemoRandom) throws {
        let shown = random.unit() < visualCueShare
        let colour = (0..<3).map { channel -> Int in
            let target = shown ? Double(DemoDataset.palette[label][channel]) : 110
            return Int((110 + colourContrast * (target - 110)).rounded())
        }
        let (width, height) = asVideo ? (160, 120) : (224, 224)
        let fps = asVideo ? 15 : 1
        let frameCount = max(1, Int(seconds * Double(fps)))
        let fraction = min(max(squareSide, 0.01), 1)
        let side = (max(1, Int(Double(width) * fraction)), max(1, Int(Double(height) * fraction)))
        let x = Int(random.unit() * Double(width - side.0))
        let y = Int(random.unit() * Double(height - side.1))
        var frames: [[UInt8]] = []
        for frame in 0..<frameCount {
            var background = [UInt8](repeating: 0, count: width * height * 3)
            for index in background.indices {
                let value = 110 + backgroundNoise * (random.unit() - 0.5)
                background[index] = UInt8(max(0, min(255, value.rounded(.down))))
            }
            var pixels = background
            let left = min(width - side.0, x + frame % 8)
            for row in y..<(y + side.1) {
                for column in left..<(left + side.0) {
                    for channel in 0..<3 {
                        let noise = Int(background[(row * width + column) * 3 + channel]) - 110
                        let value = colour[channel] + noise
                        pixels[(row * width + column) * 3 + channel] =
                            UInt8(max(0, min(255, value)))
                    }
                }
            }
            frames.append(pixels)
        }
        if asVideo {
            try VideoWriter.writeFLV(path: "\(root)/VideoFlash/\(id).flv", frames: frames,
                                     width: width, height: height, fps: fps)
        } else {
            let folder = "\(root)/Image-01-FPS/\(id)"
            try FileManager.default.createDirectory(atPath: folder,
                                                    withIntermediateDirectories: true)
            for (index, pixels) in frames.enumerated() {
                try JPEGWriter.write(path: String(format: "%@/%05d.jpg", folder, index),
                                     rgb: pixels, width: width, height: height, quality: 90)
            }
        }
    }

    private static let palette: [[UInt8]] = [
        [230, 40, 40], [40, 200, 40], [40, 60, 230], [230, 220, 40], [200, 40, 220], [40, 220, 220],
    ]
}

/// SplitMix64 with uniform and normal draws, for reproducible demo media.
struct DemoRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A uniform double in [0, 1).
    mutating func unit() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }

    /// A standard normal draw (Box–Muller).
    mutating func normal() -> Double {
        let u = max(unit(), 1e-12), v = unit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
