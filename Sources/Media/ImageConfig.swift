/// How a single picture (an image modality, one per sample) is turned into cached pixels.
public struct ImageConfig: Codable, Equatable, Sendable {
    /// Output width in pixels (`width`), 224 by default.
    public var width: Int
    /// Output height in pixels (`height`), 224 by default.
    public var height: Int
    /// The libswscale filter (`scaler`): "bilinear" (default), "bicubic" or "area".
    public var scaler: String
    /// How the picture is fitted to width×height (`resize`): "stretch" (default) or
    /// "shorter-side-crop", as for frames.
    public var resize: String
    /// Whether a JPEG's EXIF Orientation tag is applied before scaling (`exif_orientation`),
    /// true by default (as Pillow's `ImageOps.exif_transpose`).
    public var exifOrientation: Bool

    /// The defaults: 224×224, bilinear, stretch, EXIF orientation applied.
    public init() {
        width = 224
        height = 224
        scaler = "bilinear"
        resize = "stretch"
        exifOrientation = true
    }

    /// A description of what is wrong with the values, or nil when they are usable.
    public var problem: String? {
        if width < 1 || height < 1 || width > 8_192 || height > 8_192 {
            return "image width and height must lie in 1…8192, found \(width)×\(height)"
        }
        if !FrameConfig.scalers.contains(scaler) {
            return "unknown image scaler \"\(scaler)\" (expected one of \(FrameConfig.scalers))"
        }
        if !FrameConfig.resizeModes.contains(resize) {
            return "unknown image resize \"\(resize)\" (expected one of "
                + "\(FrameConfig.resizeModes))"
        }
        return nil
    }

    private enum CodingKeys: String, CodingKey {
        case width, height, scaler, resize
        case exifOrientation = "exif_orientation"
    }

    /// Decodes snake_case keys; a missing key keeps its default, an unknown scaler or resize
    /// value is a decoding error.
    public init(from decoder: Decoder) throws {
        self.init()
        let values = try decoder.container(keyedBy: CodingKeys.self)
        width = try values.decodeIfPresent(Int.self, forKey: .width) ?? width
        height = try values.decodeIfPresent(Int.self, forKey: .height) ?? height
        scaler = try values.decodeIfPresent(String.self, forKey: .scaler) ?? scaler
        resize = try values.decodeIfPresent(String.self, forKey: .resize) ?? resize
        exifOrientation = try values.decodeIfPresent(Bool.self, forKey: .exifOrientation)
            ?? exifOrientation
        if !FrameConfig.scalers.contains(scaler) {
            throw DecodingError.dataCorruptedError(
                forKey: .scaler, in: values, debugDescription: "unknown scaler \"\(scaler)\", "
                    + "expected one of \(FrameConfig.scalers)")
        }
        if !FrameConfig.resizeModes.contains(resize) {
            throw DecodingError.dataCorruptedError(
                forKey: .resize, in: values, debugDescription: "unknown resize \"\(resize)\", "
                    + "expected one of \(FrameConfig.resizeModes)")
        }
    }

    /// Encodes every key, snake_case.
    public func encode(to encoder: Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(width, forKey: .width)
        try values.encode(height, forKey: .height)
        try values.encode(scaler, forKey: .scaler)
        try values.encode(resize, forKey: .resize)
        try values.encode(exifOrientation, forKey: .exifOrientation)
    }
}
