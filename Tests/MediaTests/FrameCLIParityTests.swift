import CFFmpeg
import Foundation
import XCTest

@testable import Media

/// Clips with the frame index burned in and rgb24 images, all made by the Debian ffmpeg CLI
/// (tools/ref/frame_cli_fixtures.py, expectations in Fixtures/video/cli.json).
final class FrameCLIParityTests: XCTestCase {
    static let expected: [String: Any] = {
        let url = FrameFixtures.folder.appendingPathComponent("cli.json")
        let data = try! Data(contentsOf: url)
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    let clips = ["h264_30fps.mp4", "h264_2997fps.mp4", "vp9_25fps.webm", "vfr.mkv", "remux.ts",
                 "rotated.mp4", "rotated_180.mp4", "rotated_270.mp4"]
    let rules: [(FrameRule, String)] = [(.firstOfSecond, "first_of_second"),
                                        (.ffmpegFPS, "ffmpeg_fps"),
                                        (.referenceIndex, "reference_index")]

    private func info(_ clip: String) -> [String: Any] {
        Self.expected[clip] as! [String: Any]
    }

    private func path(_ name: String) -> String {
        FrameFixtures.path("cli/" + name)
    }

    private func extract(_ clip: String, rule: FrameRule = .firstOfSecond, width: Int? = nil,
                         height: Int? = nil, edit: (inout FrameConfig) -> Void = { _ in })
        throws -> FrameClip
    {
        var config = FrameConfig()
        config.rule = rule
        config.maxFrames = 50
        config.width = width ?? info(clip)["width"] as! Int
        config.height = height ?? info(clip)["height"] as! Int
        edit(&config)
        return try FrameExtractor(config: config).frames(fromVideo: path(clip))
    }

    /// The RGB bytes of a PNG written by the CLI as rgb24, read through libavcodec's png decoder.
    private func png(_ name: String) throws -> (width: Int, height: Int, rgb: [UInt8]) {
        var result: (Int, Int, [UInt8]) = (0, 0, [])
        try ImageDecoder().decode(path: path(name)) { frame in
            XCTAssertEqual(frame.pointee.format, AV_PIX_FMT_RGB24.rawValue)
            let width = Int(frame.pointee.width)
            let height = Int(frame.pointee.height)
            let stride = Int(frame.pointee.linesize.0)
            guard let base = frame.pointee.data.0 else { return }
            var rgb: [UInt8] = []
            for y in 0..<height {
                rgb += UnsafeBufferPointer(start: base + y * stride, count: width * 3)
            }
            result = (width, height, rgb)
        }
        return result
    }

    func testEveryRuleGivesTheBurnedIndicesTheCLIGives() throws {
        for clip in clips {
            for (rule, key) in rules {
                let want = info(clip)[key] as! [Int]
                let turned = clip.hasPrefix("rotated")
                let quarter = clip == "rotated.mp4" || clip == "rotated_270.mp4"
                let got = try extract(clip, rule: rule, width: quarter ? 96 : nil,
                                      height: quarter ? 144 : nil)
                XCTAssertEqual(got.sourceIndices, want, "\(clip) \(rule.rawValue)")
                if turned { continue }  // pixels: testNativeSizeFramesEqualTheCLIBitForBit
                let read = (0..<got.count).map {
                    FrameFixtures.burnedIndex(got.frame($0), width: got.width,
                                              height: got.height, sourceWidth: got.width,
                                              sourceHeight: got.height, bits: 9, strip: 16)
                }
                XCTAssertEqual(read, want, "\(clip) \(rule.rawValue): pixels show these frames")
            }
        }
    }

    /// ffmpeg-fps repeats a frame over a gap and yields no frame for a 1-frame clip, as the CLI.
    func testGapsAndSingleFrames() throws {
        XCTAssertEqual(info("vfr.mkv")["ffmpeg_fps"] as! [Int], [14, 39, 39, 48, 64, 88])
        let times = try extract("vfr.mkv").sourceTimes
        let reference = info("vfr.mkv")["times"] as! [Double]
        let picks = info("vfr.mkv")["first_of_second"] as! [Int]
        for (got, index) in zip(times, picks) {
            XCTAssertEqual(got, reference[index], accuracy: 1e-6)
        }

        XCTAssertEqual(try extract("one_frame.mp4").sourceIndices, [0])
        XCTAssertEqual(try extract("one_frame.mp4", rule: .referenceIndex).sourceIndices, [0])
        XCTAssertEqual(info("one_frame.mp4")["ffmpeg_fps"] as! [Int], [])
        XCTAssertMediaError("no-frames", path: path("one_frame.mp4")) {
            try self.extract("one_frame.mp4", rule: .ffmpegFPS)
        }
    }

    /// The MPEG-TS remux starts at 1.47 s; times are counted from the stream start.
    func testTransportStreamStartIsSubtracted() throws {
        XCTAssertEqual(info("remux.ts")["start_time"] as! Double, 1.466667, accuracy: 1e-6)
        let clip = try extract("remux.ts")
        XCTAssertEqual(clip.sourceTimes, [0, 1, 2, 3].map(Double.init))
    }

    /// int(29.97) = 29: the reference index rule keeps 11 frames from 10.5 s, by time 11 too
    /// (0…10 s), but they drift: frame 290 is at 9.68 s, not 10 s.
    func testReferenceIndexDriftsAt2997() throws {
        let clip = try extract("h264_2997fps.mp4", rule: .referenceIndex)
        XCTAssertEqual(clip.sourceIndices, stride(from: 0, through: 290, by: 29).map { $0 })
        XCTAssertEqual(clip.sourceTimes.last ?? 0, 290 * 1001 / 30000, accuracy: 1e-6)
    }

    /// Native size: bit for bit the CLI's rgb24 (scale=iw:ih:flags=bilinear+accurate_rnd+
    /// full_chroma_int), rotated phone videos included (autorotated by 90°, 180° and 270°).
    func testNativeSizeFramesEqualTheCLIBitForBit() throws {
        let images = Self.expected["native_png"] as! [String: [String: Any]]
        XCTAssertEqual(images.count, 6)
        for (name, item) in images {
            let clip = item["clip"] as! String
            let index = item["index"] as! Int
            let want = try png(name)
            let got = try extract(clip, width: want.width, height: want.height)
            let at = try XCTUnwrap(got.sourceIndices.firstIndex(of: index), name)
            XCTAssertEqual(Array(got.frame(at)), want.rgb, name)
        }
    }

    /// Resized: within ±2 levels of the CLI's scale filter with the same flags (measured: max 0,
    /// as both use the same libswscale).
    func testResizedFramesAreWithinTwoLevelsOfTheCLI() throws {
        let cases: [(String, String, String)] = [
            ("bunny_n30_stretch_bilinear.png", "bilinear", "stretch"),
            ("bunny_n30_stretch_bicubic.png", "bicubic", "stretch"),
            ("bunny_n30_stretch_area.png", "area", "stretch"),
            ("bunny_n30_crop_bilinear.png", "bilinear", "shorter-side-crop"),
        ]
        for (name, scaler, resize) in cases {
            let want = try png(name)
            var config = FrameConfig()
            config.width = want.width
            config.height = want.height
            config.scaler = scaler
            config.resize = resize
            config.maxFrames = 2
            let clip = try FrameExtractor(config: config)
                .frames(fromVideo: FrameFixtures.path("bunny_30fps.flv"))
            XCTAssertEqual(clip.sourceIndices[1], 30)
            let got = Array(clip.frame(1))
            let worst = zip(got, want.rgb).map { abs(Int($0) - Int($1)) }.max() ?? 99
            print("\(name): max |Δ| = \(worst) levels")
            XCTAssertLessThanOrEqual(worst, 2, name)
        }
    }

    /// Hand-worked: 37.5 → 38, 36.5 → 36, 0 → 0.
    func testCropOffsetRoundsHalfToEven() {
        XCTAssertEqual(FrameScaler.centreOffset(excess: 75), 38)
        XCTAssertEqual(FrameScaler.centreOffset(excess: 73), 36)
        XCTAssertEqual(FrameScaler.centreOffset(excess: 0), 0)
        let scaler = try? FrameScaler(width: 224, height: 224, scaler: "bilinear",
                                      resize: "shorter-side-crop")
        XCTAssertEqual(scaler?.scaledSize(sourceWidth: 480, sourceHeight: 360).width, 299)
        XCTAssertEqual(scaler?.scaledSize(sourceWidth: 96, sourceHeight: 144).height, 336)
    }

    func testDisplayMatrixAnglesMapToTheCLIFilters() {
        let unit: Int32 = 1 << 16
        // rotate=90 as written by the mp4 muxer: the CLI applies transpose=cclock; rotate=270
        // gives transpose=clock, rotate=180 hflip + vflip.
        XCTAssertEqual(FrameRotation.of(matrix: [0, -unit, 0, unit, 0, 0, 0, 0, 1 << 30]),
                       .transpose(flipSource: false, flipOutput: true))
        XCTAssertEqual(FrameRotation.of(matrix: [0, unit, 0, -unit, 0, 0, 0, 0, 1 << 30]),
                       .transpose(flipSource: true, flipOutput: false))
        XCTAssertEqual(FrameRotation.of(matrix: [-unit, 0, 0, 0, -unit, 0, 0, 0, 1 << 30]),
                       .flip(horizontal: true, vertical: true))
        XCTAssertEqual(FrameRotation.of(matrix: [unit, 0, 0, 0, unit, 0, 0, 0, 1 << 30]), .none)
    }
}
