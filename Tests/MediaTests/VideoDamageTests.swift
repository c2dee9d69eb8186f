import Foundation
import XCTest

@testable import Media

/// Damaged, tiny and very long videos: frames where they exist, a reason where they do not.
final class VideoDamageTests: XCTestCase {
    private var expected: [String: Any] {
        FrameCLIParityTests.expected
    }

    /// Packets midway cannot be decoded: the decoder skips them as the ffmpeg CLI does (the same
    /// 96 of 105 frames come out), picks go by time, and the clip says what was skipped.
    func testUndecodablePacketsMidway() throws {
        let info = expected["damaged.mp4"] as! [String: Any]
        let path = FrameFixtures.path("cli/damaged.mp4")
        var config = FrameConfig()
        config.width = 144
        config.height = 96
        let frames = try FrameExtractor(config: config, decoderThreads: 1)
        let clip = try frames.frames(fromVideo: path)
        XCTAssertEqual(info["frame_count"] as! Int, 96)
        XCTAssertEqual(frames.lastDecodedFrames, 96)
        XCTAssertEqual(clip.sourceIndices, info["first_of_second"] as! [Int])
        XCTAssertEqual(clip.sourceTimes, [0, 1, 2, 3].map(Double.init))
        let damage = try XCTUnwrap(clip.damage)
        XCTAssertTrue(damage.contains("damaged packets skipped"), damage)

        let clean = try FrameExtractor(config: config)
            .frames(fromVideo: FrameFixtures.path("cli/h264_30fps.mp4"))
        XCTAssertNil(clean.damage)
        // Frame 0 comes before the damage: identical pixels to the clean file's.
        XCTAssertEqual(clip.frame(0), clean.frame(0))
    }

    /// A 1-frame video: first-of-second keeps it; ffmpeg-fps, like the CLI, keeps nothing and
    /// the reason says so.
    func testOneFrameVideo() throws {
        let path = FrameFixtures.path("cli/one_frame.mp4")
        let clip = try FrameExtractor(config: FrameConfig()).frames(fromVideo: path)
        XCTAssertEqual(clip.sourceIndices, [0])
        XCTAssertEqual(clip.count, 1)
        var config = FrameConfig()
        config.rule = .ffmpegFPS
        do {
            _ = try FrameExtractor(config: config).frames(fromVideo: path)
            XCTFail("ffmpeg-fps kept a frame of a 1-frame video")
        } catch let error as MediaError {
            XCTAssertEqual(error.code, "no-frames")
            XCTAssertEqual(error.path, path)
            XCTAssertTrue(error.reason.contains("1 frames decoded, none kept by ffmpeg-fps"),
                          error.reason)
        }
    }

    /// A 2-hour video (7200 frames at 1 fps, written here): decoding stops once max_frames are
    /// kept, so only the first frames are read.
    func testTwoHourVideoStopsEarly() throws {
        let side = 16
        let frames = (0..<7200).map { i in
            [UInt8](repeating: UInt8(truncatingIfNeeded: i), count: side * side * 3)
        }
        let folder = FrameFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("two_hours.flv").path
        try VideoWriter.writeFLV(path: path, frames: frames, width: side, height: side, fps: 1)
        XCTAssertEqual(try VideoProbe.probe(path: path).duration, 7200, accuracy: 2)

        for rule in FrameRule.allCases {
            var config = FrameConfig()
            config.rule = rule
            config.maxFrames = 10
            let extractor = try FrameExtractor(config: config)
            let clip = try extractor.frames(fromVideo: path)
            XCTAssertEqual(clip.count, 10, rule.rawValue)
            // ffmpeg-fps knows second k's frame only once frame k + 1 arrives.
            XCTAssertLessThanOrEqual(extractor.lastDecodedFrames, 11, rule.rawValue)
        }
    }
}
