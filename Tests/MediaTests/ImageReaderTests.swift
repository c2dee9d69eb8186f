import Foundation
import XCTest

@testable import Media

/// `ImageReader` against Pillow on real pictures (tools/ref/image_fixtures.py): EXIF
/// orientation for all eight values, GIF first frame, WebP lossless and lossy.
final class ImageReaderTests: XCTestCase {
    /// JPEG decoders differ in IDCT and chroma upsampling (libavcodec's mjpeg against
    /// libjpeg-turbo under Pillow): at most this mean |Δ| in levels per channel value.
    private let jpegMeanBound = 3.0
    /// A wrongly turned picture differs by far more: at least this mean |Δ|.
    private let wrongTurnFloor = 12.0

    private static var folder: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/image")
    }

    private func path(_ name: String) -> String { Self.folder.appendingPathComponent(name).path }

    /// Pillow's upright RGB of a fixture and its size.
    private func reference(_ name: String) throws -> (pixels: [UInt8], width: Int, height: Int) {
        let data = try Data(contentsOf: Self.folder.appendingPathComponent("references.json"))
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let sizes = try XCTUnwrap(root["sizes"] as? [String: [String: Int]])
        let size = try XCTUnwrap(sizes[name], name)
        let raw = (name as NSString).deletingPathExtension + ".rgb"
        let pixels = [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent(raw)))
        let width = try XCTUnwrap(size["width"]), height = try XCTUnwrap(size["height"])
        XCTAssertEqual(pixels.count, width * height * 3, name)
        return (pixels, width, height)
    }

    /// A reader whose output size is the picture's upright size (no resampling).
    private func reader(width: Int, height: Int, orientation: Bool = true) throws -> ImageReader {
        var config = ImageConfig()
        config.width = width
        config.height = height
        config.exifOrientation = orientation
        return try ImageReader(config: config)
    }

    private func meanDifference(_ a: [UInt8], _ b: [UInt8]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return .infinity }
        let total = zip(a, b).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
        return Double(total) / Double(a.count)
    }

    func testOrientationTagIsParsedForAllEightValues() throws {
        for value in 1...8 {
            let bytes = try Data(contentsOf: Self.folder.appendingPathComponent(
                "orient-\(value).jpg"))
            XCTAssertEqual(ExifOrientation.of(jpeg: bytes).rawValue, value)
        }
        XCTAssertEqual(ExifOrientation.of(jpeg: Data([0xFF, 0xD8, 0xFF, 0xD9])), .upright)
        XCTAssertEqual(ExifOrientation.of(jpeg: Data("not a jpeg".utf8)), .upright)
    }

    func testEveryOrientationComesOutUprightAsPillowGivesIt() throws {
        let upright = try reference("orient-1.jpg")
        var worst = 0.0
        for name in (1...8).map({ "orient-\($0).jpg" }) + ["orient-5-444.jpg",
                                                           "orient-6-422.jpg"] {
            let expected = try reference(name)
            XCTAssertEqual(expected.width, upright.width, name)
            XCTAssertEqual(expected.height, upright.height, name)
            let ours = try reader(width: expected.width, height: expected.height)
                .pixels(ofFile: path(name))
            let difference = meanDifference(ours, expected.pixels)
            worst = max(worst, difference)
            XCTAssertLessThanOrEqual(difference, jpegMeanBound, name)
            // The fixture is only a test of orientation if ignoring the tag goes wrong.
            if name != "orient-1.jpg" {
                let stored = try reader(width: expected.width, height: expected.height,
                                        orientation: false).pixels(ofFile: path(name))
                XCTAssertGreaterThanOrEqual(meanDifference(stored, expected.pixels),
                                            wrongTurnFloor, name)
            }
        }
        print("image parity: EXIF orientations 1–8 against Pillow, worst mean |Δ| \(worst)")
    }

    func testGIFGivesItsFirstFrameExactly() throws {
        let expected = try reference("first-frame.gif")
        let ours = try reader(width: expected.width, height: expected.height)
            .pixels(ofFile: path("first-frame.gif"))
        XCTAssertEqual(ours.count, expected.pixels.count)
        let largest = zip(ours, expected.pixels).map { abs(Int($0) - Int($1)) }.max() ?? -1
        XCTAssertEqual(largest, 0, "a palette picture decodes to the same RGB everywhere")
    }

    func testWebPLosslessIsExactAndLossyIsClose() throws {
        let lossless = try reference("lossless.webp")
        let exact = try reader(width: lossless.width, height: lossless.height)
            .pixels(ofFile: path("lossless.webp"))
        XCTAssertEqual(exact, lossless.pixels)

        let lossy = try reference("lossy.webp")
        let close = try reader(width: lossy.width, height: lossy.height)
            .pixels(ofFile: path("lossy.webp"))
        let difference = meanDifference(close, lossy.pixels)
        print("image parity: lossy WebP against Pillow (libwebp), mean |Δ| \(difference)")
        XCTAssertLessThanOrEqual(difference, jpegMeanBound)
    }

    func testNotAPictureIsATypedError() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("amss-image-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("x.jpg").path
        try Data("RIFF0000WAVEfmt ".utf8).write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try reader(width: 8, height: 8).pixels(ofFile: file)) { error in
            XCTAssertEqual((error as? MediaError)?.code, "not-image")
            XCTAssertEqual((error as? MediaError)?.path, file)
        }
    }

    /// A scratch folder removed by the caller.
    private func scratch() throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("amss-image-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    func testAPictureOverPillowsBombLimitIsRefusedBeforeDecoding() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A PNG signature and an IHDR chunk claiming 16000 × 16000 (256 M pixels > 178 956 970).
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        png += Array("IHDR".utf8) + [0, 0, 0x3E, 0x80, 0, 0, 0x3E, 0x80, 8, 2, 0, 0, 0]
        png += [0, 0, 0, 0]
        let file = folder.appendingPathComponent("bomb.png").path
        try Data(png).write(to: URL(fileURLWithPath: file))

        XCTAssertThrowsError(try reader(width: 8, height: 8).pixels(ofFile: file)) { error in
            XCTAssertEqual((error as? MediaError)?.code, "too-large")
            XCTAssertTrue((error as? MediaError)?.reason.contains("16000×16000") == true,
                          "\(error)")
        }
        // The JPEG start-of-frame size is Pillow's.
        let upright = try reference("orient-1.jpg")
        let jpeg = try Data(contentsOf: URL(fileURLWithPath: path("orient-1.jpg")))
        XCTAssertEqual(ImageHeader.size(of: jpeg, kind: .jpeg).map { [$0.width, $0.height] },
                       [upright.width, upright.height])
    }

    func testACutOffJPEGDecodesAndSaysSo() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let whole = try Data(contentsOf: URL(fileURLWithPath: path("orient-1.jpg")))
        let file = folder.appendingPathComponent("cut.jpg").path
        try whole.prefix(whole.count * 2 / 3).write(to: URL(fileURLWithPath: file))
        let reader = try reader(width: 8, height: 8)

        _ = try reader.pixels(ofFile: path("orient-1.jpg"))
        XCTAssertFalse(reader.lastWasTruncated)
        _ = try reader.pixels(ofFile: file)
        XCTAssertTrue(reader.lastWasTruncated)
    }
}
