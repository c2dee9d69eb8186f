import CFFmpeg
import XCTest

@testable import Media

/// The YUV→RGB matrix and range come from the frame's tags (hand-computed expectations, within
/// 1 grey level: rounding plus libswscale's 16-bit fixed-point coefficients).
final class FrameScalerTests: XCTestCase {
    /// A 16×16 yuv420p frame of one colour with the given tags, scaled to 4×4 RGB.
    private func convert(y: UInt8, cb: UInt8, cr: UInt8, format: AVPixelFormat = AV_PIX_FMT_YUV420P,
                         space: AVColorSpace, range: AVColorRange) throws -> [Int] {
        var frame = av_frame_alloc()
        defer { av_frame_free(&frame) }
        let image = try XCTUnwrap(frame)
        image.pointee.format = format.rawValue
        image.pointee.width = 16
        image.pointee.height = 16
        image.pointee.colorspace = space
        image.pointee.color_range = range
        XCTAssertGreaterThanOrEqual(av_frame_get_buffer(image, 0), 0)
        for (plane, value, rows) in [(0, y, 16), (1, cb, 8), (2, cr, 8)] {
            let stride = Int(withUnsafeBytes(of: image.pointee.linesize) {
                $0.load(fromByteOffset: plane * 4, as: Int32.self)
            })
            let base = withUnsafeBytes(of: image.pointee.data) {
                $0.load(fromByteOffset: plane * 8, as: UnsafeMutablePointer<UInt8>?.self)
            }
            (try XCTUnwrap(base)).update(repeating: value, count: stride * rows)
        }
        let scaler = try FrameScaler(width: 4, height: 4, scaler: "bilinear")
        var pixels = [UInt8](repeating: 0, count: 4 * 4 * 3)
        try scaler.convert(image, path: "synthetic", into: &pixels, at: 0)
        return pixels[(5 * 3)..<(5 * 3 + 3)].map(Int.init)
    }

    private func assertClose(_ got: [Int], _ want: [Double], line: UInt = #line) {
        for (g, w) in zip(got, want) {
            XCTAssertEqual(Double(g), w, accuracy: 1, "\(got) vs \(want)", line: line)
        }
    }

    // Y = 100, Cb = 128, Cr = 180 (Cr − 128 = 52).
    // BT.601 limited: R = 1.164·84 + 1.596·52 = 180.8, G = 97.8 − 0.813·52 = 55.5, B = 97.8.
    // BT.709 limited: R = 97.8 + 1.793·52 = 191.0, G = 97.8 − 0.533·52 = 70.1, B = 97.8.
    // BT.601 full (JPEG): R = 100 + 1.402·52 = 172.9, G = 100 − 0.714·52 = 62.9, B = 100.
    func testMatrixAndRangeFollowTheTags() throws {
        let untagged = try convert(y: 100, cb: 128, cr: 180, space: AVCOL_SPC_UNSPECIFIED,
                                   range: AVCOL_RANGE_UNSPECIFIED)
        assertClose(untagged, [180.8, 55.5, 97.8])
        let bt601 = try convert(y: 100, cb: 128, cr: 180, space: AVCOL_SPC_SMPTE170M,
                                range: AVCOL_RANGE_MPEG)
        assertClose(bt601, [180.8, 55.5, 97.8])
        let bt709 = try convert(y: 100, cb: 128, cr: 180, space: AVCOL_SPC_BT709,
                                range: AVCOL_RANGE_MPEG)
        assertClose(bt709, [191.0, 70.1, 97.8])
        let full = try convert(y: 100, cb: 128, cr: 180, space: AVCOL_SPC_BT470BG,
                               range: AVCOL_RANGE_JPEG)
        assertClose(full, [172.9, 62.9, 100])
        let yuvj = try convert(y: 100, cb: 128, cr: 180, format: AV_PIX_FMT_YUVJ420P,
                               space: AVCOL_SPC_UNSPECIFIED, range: AVCOL_RANGE_UNSPECIFIED)
        assertClose(yuvj, [172.9, 62.9, 100])
    }

    /// Limited-range white (235) and black (16) map to 255 and 0.
    func testLimitedRangeEnds() throws {
        assertClose(try convert(y: 235, cb: 128, cr: 128, space: AVCOL_SPC_UNSPECIFIED,
                                range: AVCOL_RANGE_MPEG), [255, 255, 255])
        assertClose(try convert(y: 16, cb: 128, cr: 128, space: AVCOL_SPC_UNSPECIFIED,
                                range: AVCOL_RANGE_MPEG), [0, 0, 0])
    }
}
