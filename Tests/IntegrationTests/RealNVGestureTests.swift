import Datasets
import Foundation
import Media
import XCTest

/// `amss validate nvgesture` and the gesture frame stage on the real-media NVGesture layout of
/// `tools/make_nvgesture_real.py`, against its EXPECTED.json and ffmpeg's own frames.
final class RealNVGestureTests: XCTestCase {
    private struct Expected: Decodable {
        struct Gesture: Decodable {
            let id: String
            let label: Int
            let start: Int
            let end: Int
            let frames: [Int]
            let expected: String
            let position: Int
            let flow: [Int]?
        }

        struct Bad: Decodable {
            let id: String
            let code: String
            let line: Int
        }

        let keep: Int
        let size: Int
        let good: [String: [Gesture]]
        let bad: [Bad]
    }

    /// Mean absolute difference allowed per 8-bit value between our frames and ffmpeg's
    /// `scale=112:112:flags=bilinear,format=rgb24` of the same frame: two swscale paths (scale
    /// in YUV then convert, or both at once) round differently (measured worst 1.89). The frame
    /// numbers are checked exactly through `sourceIndices`; this bound catches decoding,
    /// scaling, channel-order and gray-formula errors, not an off-by-one on near-static footage
    /// (some picked neighbours here differ by less than 1).
    private let bound = 2.5

    private func locate() throws -> (root: String, expected: Expected) {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        let root = ProcessInfo.processInfo.environment["AMSS_REAL_NVGESTURE"]
            ?? repository + "/tools/.media/nvgesture-real"
        guard let data = FileManager.default.contents(atPath: root + "/EXPECTED.json") else {
            XCTFail("no real-media NVGesture layout at \(root): run tools/test.sh (or python3 "
                    + "tools/make_nvgesture_real.py \(root))")
            throw CocoaError(.fileNoSuchFile)
        }
        return (root, try JSONDecoder().decode(Expected.self, from: data))
    }

    func testValidateFindsEveryPlantedLine() throws {
        let (root, expected) = try locate()
        let run = try CacheTestSupport.amss(["validate", "nvgesture", root, "--json"])
        XCTAssertEqual(run.status, 1, run.err)
        let last = run.out.split(separator: "\n").last.map(String.init) ?? ""
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(last.utf8))
            as? [String: Any])
        XCTAssertEqual(report["samples"] as? Int, expected.good.values.reduce(0) { $0 + $1.count })
        let findings = report["findings"] as? [[String: Any]] ?? []
        XCTAssertEqual(findings.count, expected.bad.count, "\(findings)")
        for bad in expected.bad {
            let codes = findings.filter { $0["id"] as? String == bad.id }
                .compactMap { $0["code"] as? String }
            XCTAssertTrue(codes.contains(bad.code), "\(bad.id): expected \(bad.code), got \(codes)")
        }
    }

    func testGestureFramesEqualFFmpegFrames() throws {
        let (root, expected) = try locate()
        let scan = NVGestureLayout().scanGestures(root: root)
        let byId = Dictionary(scan.samples.map { ($0.sample.id, $0) }) { first, _ in first }
        let reader = try GestureFrameReader(count: expected.keep, width: expected.size,
                                            height: expected.size)
        var worst = 0.0
        for (split, gestures) in expected.good {
            for gesture in gestures {
                let sample = try XCTUnwrap(byId[gesture.id], gesture.id)
                XCTAssertEqual(sample.sample.split, split)
                XCTAssertEqual(sample.sample.label, gesture.label)
                XCTAssertEqual(sample.position, gesture.position)
                XCTAssertEqual(sample.ranges, ["rgb": gesture.start..<gesture.end,
                                               "depth": gesture.start..<gesture.end])
                XCTAssertEqual(sample.sample.sources["flow"] != nil, gesture.flow != nil)
                for (key, channels) in [("rgb", GestureFrameReader.Channels.rgb),
                                        ("depth", .gray)] {
                    let path = try XCTUnwrap(sample.sample.sources[key])
                    let range = try XCTUnwrap(sample.ranges[key])
                    let frames = try reader.read(path: path, range: range, channels: channels)
                    XCTAssertEqual(frames.sourceIndices, gesture.frames, "\(gesture.id) \(key)")
                    let reference = try XCTUnwrap(FileManager.default.contents(
                        atPath: "\(root)/\(gesture.expected).\(key).rgb"))
                    let wanted = channels == .rgb ? [UInt8](reference)
                        : GestureFrameReader.luma([UInt8](reference))
                    XCTAssertEqual(frames.pixels.count, wanted.count)
                    let difference = zip(frames.pixels, wanted).reduce(0.0) {
                        $0 + abs(Double($1.0) - Double($1.1)) } / Double(max(1, wanted.count))
                    worst = max(worst, difference)
                    XCTAssertLessThanOrEqual(difference, bound, "\(gesture.id) \(key)")
                }
            }
        }
        print("gesture frames: worst mean absolute difference \(worst)")
    }
}
