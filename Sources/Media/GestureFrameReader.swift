import CFFmpeg

/// Reads the frames `[start, end)` of one sensor video at its native rate (every decoded frame
/// counts, none is skipped for a target FPS) and keeps `count` of them evenly spaced, scaled to
/// width×height as RGB or as one gray channel. Not thread-safe: make one per worker thread.
public final class GestureFrameReader {
    /// The output pixel layout.
    public enum Channels: Sendable {
        /// RGB24.
        case rgb
        /// One channel: the BT.601 luma of the scaled RGB frame, (77 R + 150 G + 29 B + 128) / 256,
        /// which is the recorded value itself for a gray-coded depth video (R = G = B).
        case gray
    }

    /// Frames kept per recording.
    public let count: Int
    /// Output width in pixels.
    public let width: Int
    /// Output height in pixels.
    public let height: Int

    private let scaler: FrameScaler

    /// Makes a reader; throws `bad-config` for a count or size below 1.
    public init(count: Int, width: Int, height: Int, scaler: String = "bilinear") throws {
        AVLog.silence()
        guard count >= 1, width >= 1, height >= 1, width <= 8_192, height <= 8_192 else {
            throw MediaError(path: "", code: "bad-config", reason: "gesture frames need count, "
                             + "width and height ≥ 1 (and a size ≤ 8192), got \(count) frames "
                             + "of \(width)×\(height)")
        }
        self.count = count
        self.width = width
        self.height = height
        self.scaler = try FrameScaler(width: width, height: height, scaler: scaler,
                                      resize: "stretch")
    }

    /// The offsets kept from a range of `length` frames: ⌊i · length / count⌋ for i < count
    /// (each frame once when length ≥ count, repeats spread evenly when it is shorter).
    public static func picks(length: Int, count: Int) -> [Int] {
        guard length > 0, count > 0 else { return [] }
        return (0..<count).map { $0 * length / count }
    }

    /// Decodes `path` up to frame `range.upperBound − 1` and returns the kept frames of
    /// `range`. A video that ends inside the range is read as far as it goes (noted in
    /// `note`); one that ends before `range.lowerBound` throws `range-outside-video`.
    /// Decoding uses av_frame_clone to hold the range's frames until the picks are known.
    public func read(path: String, range: Range<Int>, channels: Channels) throws
        -> GestureFrames {
        let decoder = try VideoDecoder(path: path, threads: 1)
        scaler.rotation = FrameRotation.of(stream: decoder.input.stream)
        var held: [UnsafeMutablePointer<AVFrame>?] = []
        defer { for index in held.indices { av_frame_free(&held[index]) } }
        try decoder.forEachFrame { decoded in
            if decoded.index >= range.lowerBound {
                guard let copy = av_frame_clone(decoded.frame) else {
                    throw MediaError(path: path, code: "out-of-memory",
                                     reason: "cannot hold a decoded frame (av_frame_clone)")
                }
                held.append(copy)
            }
            return decoded.index + 1 < range.upperBound
        }
        guard !held.isEmpty else {
            throw MediaError(path: path, code: "range-outside-video", reason: "the video has "
                             + "\(decoder.decodedCount) frames; the gesture starts at frame "
                             + "\(range.lowerBound)")
        }

        let offsets = Self.picks(length: held.count, count: count)
        let rgbBytes = width * height * 3
        var rgb = [UInt8](repeating: 0, count: rgbBytes)
        var pixels: [UInt8] = []
        let channelCount = channels == .rgb ? 3 : 1
        pixels.reserveCapacity(count * width * height * channelCount)
        var converted: (offset: Int, bytes: [UInt8])?
        for offset in offsets {
            if converted?.offset != offset, let frame = held[offset] {
                try scaler.convert(frame, path: path, into: &rgb, at: 0)
                converted = (offset, channels == .rgb ? rgb : Self.luma(rgb))
            }
            pixels += converted?.bytes ?? []
        }
        var result = GestureFrames(count: offsets.count, height: height, width: width,
                                   channels: channelCount, pixels: pixels,
                                   sourceIndices: offsets.map { range.lowerBound + $0 })
        if held.count < range.count {
            result.note = "the video ends at frame \(range.lowerBound + held.count); the range "
                + "[\(range.lowerBound), \(range.upperBound)) was read as "
                + "[\(range.lowerBound), \(range.lowerBound + held.count))"
        }
        return result
    }

    /// One gray byte per RGB24 pixel: (77 R + 150 G + 29 B + 128) >> 8.
    public static func luma(_ rgb: [UInt8]) -> [UInt8] {
        var gray = [UInt8](repeating: 0, count: rgb.count / 3)
        for pixel in gray.indices {
            let red = Int(rgb[3 * pixel]), green = Int(rgb[3 * pixel + 1])
            let blue = Int(rgb[3 * pixel + 2])
            gray[pixel] = UInt8((77 * red + 150 * green + 29 * blue + 128) >> 8)
        }
        return gray
    }
}
