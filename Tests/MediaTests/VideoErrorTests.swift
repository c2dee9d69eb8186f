import Foundation
import XCTest

@testable import Media

/// Bad inputs: each gives a `MediaError` with its code, never a crash or a hang.
final class VideoErrorTests: XCTestCase {
    private var folder: URL!

    override func setUp() {
        folder = FrameFixtures.temporaryFolder()
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: folder)
    }

    private func write(_ name: String, _ bytes: [UInt8]) -> String {
        let url = folder.appendingPathComponent(name)
        try! Data(bytes).write(to: url)
        return url.path
    }

    private func extractor(_ edit: (inout FrameConfig) -> Void = { _ in }) -> FrameExtractor {
        var config = FrameConfig()
        edit(&config)
        return try! FrameExtractor(config: config)
    }

    /// Asserts the same code from the probe and from frame extraction.
    private func assertBoth(_ code: String, _ path: String, line: UInt = #line) {
        XCTAssertMediaError(code, path: path, line: line) { try VideoProbe.probe(path: path) }
        XCTAssertMediaError(code, path: path, line: line) {
            try self.extractor().frames(fromVideo: path)
        }
    }

    func testMissingFile() {
        assertBoth("missing", folder.appendingPathComponent("1001_DFA_ANG_XX.flv").path)
    }

    func testTextFileNamedFLV() {
        assertBoth("not-video", write("notes.flv", Array("these are notes, not a video\n".utf8)))
    }

    func testGitLFSPointer() {
        let pointer = "version https://git-lfs.github.com/spec/v1\n"
            + "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
            + "size 251327\n"
        assertBoth("lfs-pointer", write("1001_DFA_ANG_XX.flv", Array(pointer.utf8)))
    }

    func testZeroByteFile() {
        assertBoth("empty-media", write("empty.flv", []))
    }

    func testDirectoryInsteadOfFile() {
        assertBoth("unreadable", folder.path)
    }

    func testAudioOnlyFile() throws {
        let path = FrameFixtures.path("audio_only.flv")
        assertBoth("not-video", path)
        do {
            _ = try VideoProbe.probe(path: path)
        } catch let error as MediaError {
            XCTAssertTrue(error.reason.contains("audio mp3"), error.reason)
        }
    }

    /// The first half of the FLV decodes to the frames before the cut, with their indices.
    func testTruncatedFLVYieldsTheFramesBeforeTheCut() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath:
            FrameFixtures.path("bunny_30fps.flv"))))
        let path = write("half.flv", Array(bytes.prefix(bytes.count / 2)))
        let frames = extractor()
        let clip = try frames.frames(fromVideo: path)
        XCTAssertGreaterThan(frames.lastDecodedFrames, 30)
        XCTAssertLessThan(frames.lastDecodedFrames, 120)
        let expected = [0, 30, 60, 90].filter { $0 < frames.lastDecodedFrames }
        XCTAssertEqual(clip.sourceIndices, expected)
        for i in 0..<clip.count {
            let index = FrameFixtures.burnedIndex(clip.frame(i), width: 224, height: 224,
                                                  sourceWidth: 480, sourceHeight: 360,
                                                  bits: 8, strip: 24)
            XCTAssertEqual(index, clip.sourceIndices[i])
        }
    }

    /// An MP4 cut before its moov atom (written at the end) cannot be opened.
    func testTruncatedMP4WithoutMoovAtom() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath:
            FrameFixtures.path("carphone_2997.mp4"))))
        let moov = Array("moov".utf8)
        let at = try XCTUnwrap((4..<(bytes.count - 4)).first {
            Array(bytes[$0..<($0 + 4)]) == moov
        })
        XCTAssertGreaterThan(at, bytes.count / 2, "moov is at the end of this file")
        let path = write("half.mp4", Array(bytes.prefix(bytes.count / 2)))
        assertBoth("unreadable", path)
    }

    /// A file whose header is FLV but whose frames are garbage: no frame, a clear error.
    func testFLVHeaderWithGarbageBody() {
        var bytes: [UInt8] = [0x46, 0x4C, 0x56, 0x01, 0x01, 0, 0, 0, 9, 0, 0, 0, 0]
        var state: UInt32 = 12_345
        for _ in 0..<4096 {
            state = state &* 1_103_515_245 &+ 12_345
            bytes.append(UInt8(truncatingIfNeeded: state >> 16))
        }
        let path = write("garbage.flv", bytes)
        do {
            let clip = try extractor().frames(fromVideo: path)
            XCTFail("garbage decoded to \(clip.count) frames")
        } catch let error as MediaError {
            XCTAssertTrue(["not-video", "no-frames", "unreadable"].contains(error.code), "\(error)")
            XCTAssertEqual(error.path, path)
        } catch {
            XCTFail("\(error)")
        }
    }

    func testTooFewFrames() {
        let path = FrameFixtures.path("bunny_30fps.flv")
        XCTAssertMediaError("too-few-frames", path: path) {
            try self.extractor { $0.minFrames = 5 }.frames(fromVideo: path)
        }
    }

    func testBadConfigIsRejectedAtInit() {
        var config = FrameConfig()
        config.scaler = "nearest"
        XCTAssertMediaError("bad-config") { try FrameExtractor(config: config) }
        config = FrameConfig()
        config.fps = 0
        XCTAssertMediaError("bad-config") { try FrameExtractor(config: config) }
        config = FrameConfig()
        config.minFrames = 11
        XCTAssertMediaError("bad-config") { try FrameExtractor(config: config) }
    }
}
