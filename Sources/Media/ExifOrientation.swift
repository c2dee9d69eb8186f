import Foundation

/// The EXIF Orientation tag (0x0112) of a JPEG: how the stored pixels must be turned to be
/// upright, as the tag's eight values define it (TIFF 6.0 / Exif 2.3).
///
/// Parsed from the first APP1 `Exif\0\0` segment before the scan data: the TIFF header's byte
/// order (`II` or `MM`), the offset of IFD0, then the Orientation entry of IFD0. A missing,
/// malformed or out-of-range tag counts as upright (1), as image viewers treat it.
public enum ExifOrientation: Int, CaseIterable, Sendable {
    /// 1: stored upright.
    case upright = 1
    /// 2: mirrored left–right.
    case mirrored = 2
    /// 3: turned 180°.
    case rotated180 = 3
    /// 4: mirrored top–bottom.
    case mirroredVertically = 4
    /// 5: mirrored along the top-left to bottom-right diagonal (transposed).
    case transposed = 5
    /// 6: stored turned 90° counter-clockwise; shown by turning it 90° clockwise.
    case rotated90 = 6
    /// 7: mirrored along the top-right to bottom-left diagonal (transversed).
    case transversed = 7
    /// 8: stored turned 90° clockwise; shown by turning it 90° counter-clockwise.
    case rotated270 = 8

    /// The transform that makes the stored pixels upright: out(r, c) in terms of the stored
    /// image `in` of height H and width W — 2: in(r, W−1−c); 3: in(H−1−r, W−1−c);
    /// 4: in(H−1−r, c); 5: in(c, r); 6: in(H−1−c, r); 7: in(H−1−c, W−1−r); 8: in(c, W−1−r).
    var rotation: FrameRotation {
        switch self {
        case .upright: return .none
        case .mirrored: return .flip(horizontal: true, vertical: false)
        case .rotated180: return .flip(horizontal: true, vertical: true)
        case .mirroredVertically: return .flip(horizontal: false, vertical: true)
        case .transposed: return .transpose(flipSource: false, flipOutput: false)
        case .rotated90: return .transpose(flipSource: true, flipOutput: false)
        case .transversed: return .transpose(flipSource: true, flipOutput: true)
        case .rotated270: return .transpose(flipSource: false, flipOutput: true)
        }
    }

    /// The orientation recorded in the JPEG file `bytes`, `.upright` when there is none.
    public static func of(jpeg bytes: Data) -> ExifOrientation {
        let data = [UInt8](bytes.prefix(1 << 20))
        guard data.count >= 4, data[0] == 0xFF, data[1] == 0xD8 else { return .upright }
        var index = 2
        while index + 4 <= data.count {
            guard data[index] == 0xFF else { return .upright }
            let marker = data[index + 1]
            if marker == 0xFF { index += 1; continue }
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { index += 2; continue }
            if marker == 0xDA || marker == 0xD9 { return .upright }
            let length = Int(data[index + 2]) << 8 | Int(data[index + 3])
            guard length >= 2, index + 2 + length <= data.count else { return .upright }
            let body = (index + 4)..<(index + 2 + length)
            if marker == 0xE1, let value = orientation(inAPP1: data[body]) { return value }
            index += 2 + length
        }
        return .upright
    }

    /// The Orientation of an APP1 segment body that holds Exif data, or nil when the body is
    /// not Exif (XMP, for instance) or has no usable tag.
    static func orientation(inAPP1 body: ArraySlice<UInt8>) -> ExifOrientation? {
        let segment = Array(body)
        guard segment.count >= 14, segment.starts(with: Array("Exif".utf8) + [0, 0]) else {
            return nil
        }
        let tiff = Array(segment[6...])
        let little: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return .upright
        }
        func read16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            return little ? Int(tiff[at]) | Int(tiff[at + 1]) << 8
                : Int(tiff[at]) << 8 | Int(tiff[at + 1])
        }
        func read32(_ at: Int) -> Int? {
            guard let first = read16(at), let second = read16(at + 2) else { return nil }
            return little ? first | second << 16 : first << 16 | second
        }

        guard read16(2) == 42, let ifd = read32(4), let entries = read16(ifd) else {
            return .upright
        }
        for entry in 0..<entries {
            let at = ifd + 2 + entry * 12
            guard let tag = read16(at), let type = read16(at + 2) else { return .upright }
            guard tag == 0x0112 else { continue }
            guard type == 3, let value = read16(at + 8) else { return .upright }
            return ExifOrientation(rawValue: value) ?? .upright
        }
        return .upright
    }
}
