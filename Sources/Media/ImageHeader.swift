import Foundation

/// What a picture's header says before any pixel is decoded: its size, and whether a JPEG
/// ends with its end-of-image marker.
enum ImageHeader {
    /// The most pixels a picture may have: Pillow's decompression-bomb error threshold
    /// (2 × `Image.MAX_IMAGE_PIXELS`), so that what the reference refuses is refused here too.
    static let maximumPixels = 178_956_970

    /// Width and height from a PNG IHDR chunk, a GIF logical screen or a JPEG start-of-frame
    /// segment; nil when the header does not say (or for WebP).
    static func size(of bytes: Data, kind: ImageDecoder.Kind) -> (width: Int, height: Int)? {
        let data = [UInt8](bytes.prefix(kind == .jpeg ? 1 << 20 : 32))
        switch kind {
        case .png:
            guard data.count >= 24 else { return nil }
            return (bigEndian(data, 16, 4), bigEndian(data, 20, 4))
        case .gif:
            guard data.count >= 10 else { return nil }
            return (Int(data[6]) | Int(data[7]) << 8, Int(data[8]) | Int(data[9]) << 8)
        case .jpeg:
            return jpegSize(data)
        case .webp:
            return nil
        }
    }

    /// Whether a JPEG's last bytes (after trailing zero padding) are the EOI marker FF D9.
    static func jpegIsComplete(_ bytes: Data) -> Bool {
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[end - 1] == 0 { end -= 1 }
        return end - bytes.startIndex >= 2 && bytes[end - 2] == 0xFF && bytes[end - 1] == 0xD9
    }

    /// The frame size of the first SOF segment (markers C0–CF but C4, C8, CC).
    private static func jpegSize(_ data: [UInt8]) -> (width: Int, height: Int)? {
        var index = 2
        while index + 9 <= data.count {
            guard data[index] == 0xFF else { return nil }
            let marker = data[index + 1]
            if marker == 0xFF { index += 1; continue }
            let length = bigEndian(data, index + 2, 2)
            if (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker) {
                return (bigEndian(data, index + 7, 2), bigEndian(data, index + 5, 2))
            }
            guard length >= 2 else { return nil }
            index += 2 + length
        }
        return nil
    }

    private static func bigEndian(_ data: [UInt8], _ start: Int, _ count: Int) -> Int {
        data[start..<(start + count)].reduce(0) { $0 << 8 | Int($1) }
    }
}
