/// How frames are sampled from a video or a frame folder and scaled for the cache.
public struct FrameConfig: Codable, Equatable {
    /// Output frames per second of source time (`fps`), 1 by default.
    public var fps: Double
    /// Output width in pixels (`width`), 224 by default.
    public var width: Int
    /// Output height in pixels (`height`), 224 by default.
    public var height: Int
    /// Most frames kept per clip (`max_frames`), 10 by default; decoding stops once reached.
    public var maxFrames: Int
    /// Fewest frames a clip must yield (`min_frames`), 1 by default; fewer is an error.
    public var minFrames: Int
    /// Which frame stands for each second (`rule`), first-of-second by default.
    public var rule: FrameRule
    /// The libswscale filter (`scaler`): "bilinear" (default), "bicubic" or "area".
    public var scaler: String
    /// How the frame is fitted to width×height (`resize`): "stretch" (default; no crop, no
    /// pad) or "shorter-side-crop" (scale by one factor to cover width×height, keep the
    /// centre).
    public var resize: String

    /// The scaler names this configuration accepts.
    public static let scalers = ["bilinear", "bicubic", "area"]
    /// The resize modes this configuration accepts.
    public static let resizeModes = ["stretch", "shorter-side-crop"]

    /// The defaults: 1 FPS, 224×224, up to 10 frames, first-of-second, bilinear, stretch.
    public init() {
        fps = 1
        width = 224
        height = 224
        maxFrames = 10
        minFrames = 1
        rule = .firstOfSecond
        scaler = "bilinear"
        resize = "stretch"
    }

    /// A description of what is wrong with the values, or nil when they are usable.
    public var problem: String? {
        if !(fps > 0) || !fps.isFinite { return "fps must be a positive number, found \(fps)" }
        if width <= 0 || height <= 0 { return "width and height must be positive" }
        if maxFrames < 1 { return "max_frames must be at least 1, found \(maxFrames)" }
        if minFrames < 0 || minFrames > maxFrames {
            return "min_frames must lie in 0…max_frames, found \(minFrames)"
        }
        if !Self.scalers.contains(scaler) {
            return "unknown scaler \"\(scaler)\" (expected one of \(Self.scalers))"
        }
        if !Self.resizeModes.contains(resize) {
            return "unknown resize \"\(resize)\" (expected one of \(Self.resizeModes))"
        }
        return nil
    }
}

// MARK: - Codable

extension FrameConfig {
    private enum CodingKeys: String, CodingKey {
        case fps
        case width
        case height
        case maxFrames = "max_frames"
        case minFrames = "min_frames"
        case rule
        case scaler
        case resize
    }

    /// Decodes snake_case keys; a missing key keeps its default, an unknown rule, scaler or
    /// resize value is a decoding error.
    public init(from decoder: Decoder) throws {
        self.init()
        let values = try decoder.container(keyedBy: CodingKeys.self)
        fps = try values.decodeIfPresent(Double.self, forKey: .fps) ?? fps
        width = try values.decodeIfPresent(Int.self, forKey: .width) ?? width
        height = try values.decodeIfPresent(Int.self, forKey: .height) ?? height
        maxFrames = try values.decodeIfPresent(Int.self, forKey: .maxFrames) ?? maxFrames
        minFrames = try values.decodeIfPresent(Int.self, forKey: .minFrames) ?? minFrames
        rule = try values.decodeIfPresent(FrameRule.self, forKey: .rule) ?? rule
        scaler = try values.decodeIfPresent(String.self, forKey: .scaler) ?? scaler
        resize = try values.decodeIfPresent(String.self, forKey: .resize) ?? resize
        if !Self.scalers.contains(scaler) {
            throw DecodingError.dataCorruptedError(
                forKey: .scaler, in: values,
                debugDescription: "unknown scaler \"\(scaler)\", expected one of \(Self.scalers)")
        }
        if !Self.resizeModes.contains(resize) {
            throw DecodingError.dataCorruptedError(
                forKey: .resize, in: values,
                debugDescription: "unknown resize \"\(resize)\", expected \(Self.resizeModes)")
        }
    }

    /// Encodes every key, snake_case.
    public func encode(to encoder: Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(fps, forKey: .fps)
        try values.encode(width, forKey: .width)
        try values.encode(height, forKey: .height)
        try values.encode(maxFrames, forKey: .maxFrames)
        try values.encode(minFrames, forKey: .minFrames)
        try values.encode(rule, forKey: .rule)
        try values.encode(scaler, forKey: .scaler)
        try values.encode(resize, forKey: .resize)
    }
}
