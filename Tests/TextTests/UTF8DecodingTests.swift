import XCTest
@testable import Text

/// Replacement of ill-formed UTF-8 by maximal subparts (what Python's errors='replace' does).
final class UTF8DecodingTests: XCTestCase {
    private func decode(_ bytes: [UInt8]) -> [UInt32] {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return [] }
            var index = 0
            var scalars: [UInt32] = []
            while index < buffer.count {
                scalars.append(UTF8Decoding.scalar(base, at: &index, end: buffer.count))
            }
            return scalars
        }
    }

    /// The example of the Unicode Standard, section 3.9 ("U+FFFD Substitution of Maximal
    /// Subparts"): 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64.
    func testStandardExample() {
        let replacement: UInt32 = 0xFFFD
        XCTAssertEqual(decode([0x61, 0xF1, 0x80, 0x80, 0xE1, 0x80, 0xC2, 0x62, 0x80, 0x63, 0x80,
                               0xBF, 0x64]),
                       [0x61, replacement, replacement, replacement, 0x62, replacement, 0x63,
                        replacement, replacement, 0x64])
    }

    func testWellFormedAndBoundaries() {
        let text = "aé€😁\u{10FFFF}"
        XCTAssertEqual(decode(Array(text.utf8)), text.unicodeScalars.map(\.value))
        XCTAssertEqual(decode([0xED, 0xA0, 0x80]), [0xFFFD, 0xFFFD, 0xFFFD])
        XCTAssertEqual(decode([0xF4, 0x90, 0x80, 0x80]), [0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD])
        XCTAssertEqual(decode([0xE2, 0x82]), [0xFFFD])
        XCTAssertEqual(decode([0xC0, 0xAF]), [0xFFFD, 0xFFFD])
    }

    func testEncodingRoundTrip() {
        var bytes: [UInt8] = []
        for scalar in [0x24, 0xA2, 0x939, 0x20AC, 0xD55C, 0x10348] as [UInt32] {
            UTF8Decoding.append(scalar, to: &bytes)
        }
        XCTAssertEqual(bytes, Array("$¢ह€한𐍈".utf8))
    }
}
