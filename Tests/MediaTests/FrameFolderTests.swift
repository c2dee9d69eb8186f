import Foundation
import XCTest

@testable import Media

/// Frame folders (`Image-01-FPS/<clip>/`): numeric file order, JPEG and PNG decoding, bad files.
final class FrameFolderTests: XCTestCase {
    private var folder: URL!

    override func setUp() {
        folder = FrameFixtures.temporaryFolder()
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: folder)
    }

    /// A solid-colour 16×16 JPEG whose red channel is `level`.
    private func writeSolid(_ name: String, level: UInt8) throws {
        let rgb = [UInt8](repeating: 0, count: 16 * 16 * 3).enumerated()
            .map { $0.offset % 3 == 0 ? level : 40 }
        try JPEGWriter.write(path: folder.appendingPathComponent(name).path, rgb: rgb,
                             width: 16, height: 16, quality: 95)
    }

    private func names(_ paths: [String]) -> [String] {
        paths.map { URL(fileURLWithPath: $0).lastPathComponent }
    }

    func testNumbersNotDirectoryOrderNorBytes() throws {
        for (name, level) in [("10.jpg", 200), ("2.jpg", 120), ("1.jpg", 60)] {
            try writeSolid(name, level: UInt8(level))
        }
        let files = try FrameExtractor.frameFiles(inFolder: folder.path)
        XCTAssertEqual(names(files), ["1.jpg", "2.jpg", "10.jpg"])
        XCTAssertTrue(files.allSatisfy { $0.hasPrefix(folder.path + "/") })

        var config = FrameConfig()
        config.width = 8
        config.height = 8
        let clip = try FrameExtractor(config: config).frames(fromFolder: folder.path)
        XCTAssertEqual(clip.sourceIndices, [0, 1, 2])
        let reds = (0..<3).map { Int(clip.frame($0).first!) }
        for (red, level) in zip(reds, [60, 120, 200]) {
            XCTAssertEqual(red, level, accuracy: 3)
        }
    }

    func testZeroPaddedAndMixedWidthNames() {
        XCTAssertEqual(FrameFileOrder.sorted(["00090.jpg", "00000.jpg", "00120.jpg", "00030.jpg"]),
                       ["00000.jpg", "00030.jpg", "00090.jpg", "00120.jpg"])
        XCTAssertEqual(FrameFileOrder.sorted(["100.jpg", "0011.jpg", "9.jpg", "010.jpg"]),
                       ["9.jpg", "010.jpg", "0011.jpg", "100.jpg"])
        XCTAssertEqual(FrameFileOrder.sorted(["frame_1_30.jpg", "frame_0_29.jpg",
                                              "frame_1_59.jpg", "frame_0_0.jpg"]),
                       ["frame_0_0.jpg", "frame_0_29.jpg", "frame_1_30.jpg", "frame_1_59.jpg"])
        let huge = "123456789012345678901234567890.jpg"
        XCTAssertEqual(FrameFileOrder.sorted([huge, "99999999999999999999.jpg"]),
                       ["99999999999999999999.jpg", huge])
        XCTAssertEqual(FrameFileOrder.numbers(in: "a007b000c"), [Array("7".utf8), Array("0".utf8)])
    }

    func testOnlyVisibleImageFilesCount() throws {
        try writeSolid("3.JPG", level: 10)
        try writeSolid("1.jpeg", level: 20)
        try writeSolid("._2.jpg", level: 30)
        try Data("x".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("4.jpg.d"),
                                                withIntermediateDirectories: false)
        XCTAssertEqual(names(try FrameExtractor.frameFiles(inFolder: folder.path)),
                       ["1.jpeg", "3.JPG"])
    }

    func testMaxFramesTakesTheFirstFilesInOrder() throws {
        for i in [12, 3, 7, 1] { try writeSolid("\(i).jpg", level: UInt8(i * 10)) }
        var config = FrameConfig()
        config.maxFrames = 2
        config.width = 4
        config.height = 4
        let clip = try FrameExtractor(config: config).frames(fromFolder: folder.path)
        XCTAssertEqual(clip.count, 2)
        XCTAssertEqual(Int(clip.frame(0).first!), 10, accuracy: 3)
        XCTAssertEqual(Int(clip.frame(1).first!), 30, accuracy: 3)
    }

    /// Lossless PNGs (greyscale and RGBA) at their own size decode to their known values.
    func testPNGGreyAndRGBA() throws {
        let pngs = FrameFixtures.path("png_frames")
        XCTAssertEqual(names(try FrameExtractor.frameFiles(inFolder: pngs)), ["2.png", "10.png"])

        var config = FrameConfig()
        config.width = 32
        config.height = 32
        config.maxFrames = 1
        let grey = try FrameExtractor(config: config).frames(fromFolder: pngs)
        var worst = 0
        for y in 0..<32 {
            for x in 0..<32 {
                for c in 0..<3 {
                    let got = Int(grey.pixels[(y * 32 + x) * 3 + c])
                    worst = max(worst, abs(got - 4 * (x + y)))
                }
            }
        }
        XCTAssertLessThanOrEqual(worst, 1, "grey → RGB")

        let rgbaFolder = FrameFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: rgbaFolder) }
        try FileManager.default.copyItem(atPath: pngs + "/10.png",
                                         toPath: rgbaFolder.appendingPathComponent("1.png").path)
        config.width = 64
        config.height = 48
        let rgba = try FrameExtractor(config: config).frames(fromFolder: rgbaFolder.path)
        worst = 0
        for y in 0..<48 {
            for x in 0..<64 {
                let want = [4 * x, 5 * y, 128]
                for c in 0..<3 {
                    worst = max(worst, abs(Int(rgba.pixels[(y * 64 + x) * 3 + c]) - want[c]))
                }
            }
        }
        XCTAssertEqual(worst, 0, "RGBA → RGB drops alpha exactly")

        // One folder holding both sizes and pixel formats scales each to the same size.
        config.width = 16
        config.height = 16
        config.maxFrames = 10
        let mixed = try FrameExtractor(config: config).frames(fromFolder: pngs)
        XCTAssertEqual(mixed.count, 2)
        XCTAssertEqual(mixed.pixels.count, 2 * 16 * 16 * 3)
        XCTAssertEqual(Int(mixed.frame(1)[mixed.frame(1).startIndex + 2]), 128, accuracy: 1)
    }

    func testEmptyAndMissingFolders() throws {
        XCTAssertMediaError("no-frames", path: folder.path) {
            try FrameExtractor(config: FrameConfig()).frames(fromFolder: folder.path)
        }
        try Data("x".utf8).write(to: folder.appendingPathComponent("readme.txt"))
        XCTAssertMediaError("no-frames", path: folder.path) {
            try FrameExtractor(config: FrameConfig()).frames(fromFolder: folder.path)
        }
        let missing = folder.appendingPathComponent("1001_DFA_ANG_XX").path
        XCTAssertMediaError("missing", path: missing) {
            try FrameExtractor.frameFiles(inFolder: missing)
        }
    }

    func testBadImageFiles() throws {
        let cases: [(String, [UInt8], String)] = [
            ("1.jpg", Array("plain text".utf8), "not-image"),
            ("2.jpg", [], "empty-media"),
            ("3.png", Array("version https://git-lfs.github.com/spec/v1\n".utf8), "lfs-pointer"),
            ("4.jpg", [0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 0x11, count: 64),
             "decode-failed"),
        ]
        for (name, bytes, code) in cases {
            let sub = folder.appendingPathComponent(name + ".d")
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: false)
            let file = sub.appendingPathComponent(name)
            try Data(bytes).write(to: file)
            XCTAssertMediaError(code, path: file.path) {
                try FrameExtractor(config: FrameConfig()).frames(fromFolder: sub.path)
            }
        }
    }
}
