import Foundation
import XCTest

@testable import Media

/// JPEGWriter and VideoWriter: write real frames, read them back through FrameExtractor.
final class VideoWriterTests: XCTestCase {
    private var folder: URL!

    override func setUp() {
        folder = FrameFixtures.temporaryFolder()
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Four 224×224 frames of real footage (fixture frames 0, 30, 60, 90).
    private func footage() throws -> FrameClip {
        try FrameExtractor(config: FrameConfig())
            .frames(fromVideo: FrameFixtures.path("bunny_30fps.flv"))
    }

    func testQualityToQscale() {
        // qscale = round(1 + 30·(100 − q)/99): 100 → 1, 95 → round(2.52) = 3,
        // 50 → round(16.15) = 16, 1 → 31.
        XCTAssertEqual(JPEGWriter.qscale(quality: 100), 1)
        XCTAssertEqual(JPEGWriter.qscale(quality: 95), 3)
        XCTAssertEqual(JPEGWriter.qscale(quality: 50), 16)
        XCTAssertEqual(JPEGWriter.qscale(quality: 1), 31)
    }

    func testJPEGRoundTrip() throws {
        let clip = try footage()
        let rgb = Array(clip.frame(1))
        let fine = folder.appendingPathComponent("fine/00030.jpg")
        let coarse = folder.appendingPathComponent("coarse/00030.jpg")
        for url in [fine, coarse] {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
        }
        try JPEGWriter.write(path: fine.path, rgb: rgb, width: 224, height: 224, quality: 95)
        try JPEGWriter.write(path: coarse.path, rgb: rgb, width: 224, height: 224, quality: 10)

        let bytes = [UInt8](try Data(contentsOf: fine))
        XCTAssertEqual(Array(bytes.prefix(2)), [0xFF, 0xD8])
        XCTAssertEqual(Array(bytes.suffix(2)), [0xFF, 0xD9])
        XCTAssertLessThan(try Data(contentsOf: coarse).count, bytes.count)

        let extractor = try FrameExtractor(config: FrameConfig())
        let back = try extractor.frames(fromFolder: fine.deletingLastPathComponent().path)
        let rough = try extractor.frames(fromFolder: coarse.deletingLastPathComponent().path)
        let fineError = FrameFixtures.meanAbs(back.frame(0), rgb[...])
        let coarseError = FrameFixtures.meanAbs(rough.frame(0), rgb[...])
        // Quality 95 (qscale 3) on busy 224×224 grass footage, one 4:2:0 round trip: mean |Δ|
        // measured 2.36, mostly chroma subsampling (quality 100: 1.9; quality 10: 7.0).
        XCTAssertLessThanOrEqual(fineError, 4, "quality 95")
        XCTAssertGreaterThan(coarseError, fineError, "quality 10 loses more")
    }

    func testJPEGWriterRejectsWrongSizes() {
        let path = folder.appendingPathComponent("x.jpg").path
        XCTAssertMediaError("bad-input", path: path) {
            try JPEGWriter.write(path: path, rgb: [0, 0, 0], width: 2, height: 2, quality: 90)
        }
        XCTAssertMediaError("bad-input", path: path) {
            try JPEGWriter.write(path: path, rgb: [0, 0, 0], width: 1, height: 1, quality: 0)
        }
    }

    func testFLVRoundTrip() throws {
        let clip = try footage()
        let frames = (0..<clip.count).map { Array(clip.frame($0)) }
        let path = folder.appendingPathComponent("demo.flv").path
        try VideoWriter.writeFLV(path: path, frames: frames, width: 224, height: 224, fps: 1)

        let info = try VideoProbe.probe(path: path)
        XCTAssertEqual([info.width, info.height], [224, 224])
        XCTAssertEqual(info.frameRate, 1, accuracy: 1e-9)

        let back = try FrameExtractor(config: FrameConfig()).frames(fromVideo: path)
        XCTAssertEqual(back.sourceIndices, [0, 1, 2, 3])
        XCTAssertEqual(back.sourceTimes, [0, 1, 2, 3])
        for i in 0..<back.count {
            // flv1 at qscale 2 plus limited-range 4:2:0: mean |Δ| measured 2.04–2.25; the
            // neighbouring frame measures 21–30.
            let error = FrameFixtures.meanAbs(back.frame(i), clip.frame(i))
            XCTAssertLessThanOrEqual(error, 4, "frame \(i)")
            if i > 0 {
                XCTAssertGreaterThan(FrameFixtures.meanAbs(back.frame(i), clip.frame(i - 1)), 4)
            }
        }
    }

    func testVideoWriterRejectsBadInput() {
        let path = folder.appendingPathComponent("x.flv").path
        XCTAssertMediaError("bad-input", path: path) {
            try VideoWriter.writeFLV(path: path, frames: [], width: 16, height: 16, fps: 1)
        }
        XCTAssertMediaError("bad-input", path: path) {
            try VideoWriter.writeFLV(path: path, frames: [[0]], width: 16, height: 16, fps: 1)
        }
    }
}
