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
        switch kind {
        case .png:
            guard bytes.count >= 24 else { return nil }
            return (bigEndian(bytes, 16, 4), bigEndian(bytes, 20, 4))
        case .gif:
            guard bytes.count >= 10 else { return nil }
            return (littleEndian16(bytes, 6), littleEndian16(bytes, 8))
        case .jpeg:
            return jpegSize(bytes)
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
    private static func jpegSize(_ data: Data) -> (width: Int, height: Int)? {
        var index = 2
        while index + 9 <= data.count {
            guard bigEndian(data, index, 1) == 0xFF else { return nil }
            let marker = bigEndian(data, index + 1, 1)
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

    /// The unsigned little-endian 16-bit integer at offset `start` of `data`.
    private static func littleEndian16(_ data: Data, _ start: Int) -> Int {
        bigEndian(data, start + 1, 1) << 8 | bigEndian(data, start, 1)
    }

    /// The unsigned big-endian integer of `count` bytes at offset `start` of `data`.
    private static func bigEndian(_ data: Data, _ start: Int, _ count: Int) -> Int {
        let first = data.startIndex + start
        return data[first..<(first + count)].reduce(0) { $0 << 8 | Int($1) }
    }
}
