import Foundation
import XCTest
@testable import Media

/// Frames `[start, end)` at the native rate, T kept evenly, RGB or one gray channel, read from
/// FLV files whose frame i is a flat colour computed from i.
final class GestureFrameReaderTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws { folder = FrameFixtures.temporaryFolder() }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    /// Frame i: R = 20 + 3i, G = 235 − 3i, B = 128 (distinct for i < 60).
    private func colour(_ index: Int) -> (Int, Int, Int) { (20 + 3 * index, 235 - 3 * index, 128) }

    private func writeVideo(frames: Int, width: Int = 64, height: Int = 48) throws -> String {
        let path = folder.appendingPathComponent("gesture.flv").path
        let images = (0..<frames).map { index -> [UInt8] in
            let (r, g, b) = colour(index)
            return [UInt8(r), UInt8(g), UInt8(b)].repeated(width * height)
        }
        try VideoWriter.writeFLV(path: path, frames: images, width: width, height: height, fps: 30)
        return path
    }

    private func mean(_ bytes: ArraySlice<UInt8>, channel: Int, of channels: Int) -> Double {
        let values = stride(from: bytes.startIndex + channel, to: bytes.endIndex, by: channels)
            .map { Double(bytes[$0]) }
        return values.reduce(0, +) / Double(values.count)
    }

    func testPicksAreEvenlySpaced() {
        XCTAssertEqual(GestureFrameReader.picks(length: 80, count: 8), [0, 10, 20, 30, 40, 50,
                                                                         60, 70])
        XCTAssertEqual(GestureFrameReader.picks(length: 10, count: 4), [0, 2, 5, 7])
        XCTAssertEqual(GestureFrameReader.picks(length: 3, count: 6), [0, 0, 1, 1, 2, 2])
        XCTAssertEqual(GestureFrameReader.picks(length: 0, count: 6), [])
    }

    func testRangeAtNativeRateInRGBAndGray() throws {
        let path = try writeVideo(frames: 50)
        let reader = try GestureFrameReader(count: 8, width: 32, height: 24)
        let rgb = try reader.read(path: path, range: 5..<45, channels: .rgb)
        XCTAssertEqual(rgb.sourceIndices, [5, 10, 15, 20, 25, 30, 35, 40])
        XCTAssertEqual(rgb.pixels.count, 8 * 32 * 24 * 3)
        XCTAssertNil(rgb.note)
        // flv1 at qscale 2 through limited-range YUV: a flat colour comes back within 4 levels.
        for (position, index) in rgb.sourceIndices.enumerated() {
            let (r, g, b) = colour(index)
            let frame = rgb.frame(position)
            XCTAssertEqual(mean(frame, channel: 0, of: 3), Double(r), accuracy: 4, "frame \(index)")
            XCTAssertEqual(mean(frame, channel: 1, of: 3), Double(g), accuracy: 4, "frame \(index)")
            XCTAssertEqual(mean(frame, channel: 2, of: 3), Double(b), accuracy: 4, "frame \(index)")
        }

        let gray = try reader.read(path: path, range: 5..<45, channels: .gray)
        XCTAssertEqual(gray.channels, 1)
        XCTAssertEqual(gray.pixels.count, 8 * 32 * 24)
        for (position, index) in gray.sourceIndices.enumerated() {
            let (r, g, b) = colour(index)
            let luma = Double((77 * r + 150 * g + 29 * b + 128) >> 8)
            XCTAssertEqual(mean(gray.frame(position), channel: 0, of: 1), luma, accuracy: 4)
        }
    }

    func testShortVideoIsReadAsFarAsItGoes() throws {
        let path = try writeVideo(frames: 20)
        let reader = try GestureFrameReader(count: 4, width: 16, height: 16)
        let frames = try reader.read(path: path, range: 12..<40, channels: .rgb)
        XCTAssertEqual(frames.sourceIndices, [12, 14, 16, 18])   // picks of 8 frames 12…19
        XCTAssertEqual(frames.note?.contains("ends at frame 20"), true)
        XCTAssertMediaError("range-outside-video", path: path) {
            _ = try reader.read(path: path, range: 25..<40, channels: .rgb)
        }
        XCTAssertMediaError("bad-config") { _ = try GestureFrameReader(count: 0, width: 8,
                                                                       height: 8) }
    }
}

private extension Array {
    /// The array concatenated `times` times.
    func repeated(_ times: Int) -> [Element] {
        (0..<times).flatMap { _ in self }
    }
}
