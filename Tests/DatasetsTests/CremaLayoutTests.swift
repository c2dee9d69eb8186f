import Foundation
import XCTest
@testable import Datasets

final class CremaLayoutTests: XCTestCase {
    private var layout: TemporaryLayout!

    override func setUpWithError() throws { layout = try TemporaryLayout() }
    override func tearDown() { layout.remove() }

    private func scan() -> LayoutScan { CremaLayout().scan(root: layout.root) }

    private func codes(_ scan: LayoutScan, id: String) -> [String] {
        scan.findings.filter { $0.id == id }.map(\.code)
    }

    func testCleanLayoutHasNoFindingsAndBothVisualSources() throws {
        try layout.write("annotations/train.csv",
                         text: "1001_DFA_ANG_XX,ANG\r\n1002_IEO_HAP_LO,HAP\r\n")
        try layout.write("annotations/test.csv", text: "1003_TIE_NEU_XX,NEU\r\n")
        try layout.addClip("1001_DFA_ANG_XX")
        try layout.addClip("1002_IEO_HAP_LO", frames: false)
        try layout.addClip("1003_TIE_NEU_XX")

        let result = scan()
        XCTAssertEqual(result.findings, [])
        XCTAssertEqual(result.samples.map(\.id),
                       ["1001_DFA_ANG_XX", "1002_IEO_HAP_LO", "1003_TIE_NEU_XX"])
        XCTAssertEqual(result.samples.map(\.label), [5, 1, 0])
        XCTAssertEqual(result.samples.map(\.split), ["train", "train", "test"])
        XCTAssertNotNil(result.samples[0].sources["frames"])
        XCTAssertNotNil(result.samples[1].sources["video"])
    }

    func testEveryBadRowKindIsOneErrorAndTheRestSurvive() throws {
        let rows = [
            "1001_DFA_ANG_XX,ANG", "1040_ITH_SAD_X,SAD", "1001_DFA_ANG_XX,ANG",
            "1002_DFA_ANG_XX,XYZ", "1003_DFA_ANG_XX,HAP", "../../etc/passwd,ANG", "/,NEU",
            "1004_DFA_ANG_XX,ANG", "1005_DFA_ANG_XX,ANG", "1006_DFA_ANG_XX,ANG",
            "1007_DFA_ANG_XX,ANG", "1008_DFA_ANG_XX,ANG", "1009_DFA_ANG_XX,ANG",
            "1010_DFA_ANG_XX,ANG", "1011_DFA_ANG_XX,ANG", "onlyonefield",
        ]
        try layout.write("annotations/train.csv", text: rows.joined(separator: "\n"))
        try layout.write("annotations/test.csv", text: "1012_DFA_NEU_XX,NEU\n")
        try layout.write("annotations/valid.csv", text: "bad\u{0}id,NEU\n")
        try layout.addClip("1001_DFA_ANG_XX")
        try layout.addClip("1012_DFA_NEU_XX")
        try layout.write("AudioWAV/1004_DFA_ANG_XX.wav",
                         text: "version https://git-lfs.github.com/spec/v1\noid sha256:ab\n")
        try layout.write("Image-01-FPS/1004_DFA_ANG_XX/1.jpg", TemporaryLayout.jpegHeader)
        try layout.write("AudioWAV/1005_DFA_ANG_XX.wav", TemporaryLayout.wav(seconds: 0))
        try layout.write("Image-01-FPS/1005_DFA_ANG_XX/1.jpg", TemporaryLayout.jpegHeader)
        try layout.write("AudioWAV/1006_DFA_ANG_XX.wav", TemporaryLayout.wav(seconds: 61))
        try layout.write("Image-01-FPS/1006_DFA_ANG_XX/1.jpg", TemporaryLayout.jpegHeader)
        try layout.write("Image-01-FPS/1007_DFA_ANG_XX/1.jpg", TemporaryLayout.jpegHeader)
        try layout.write("AudioWAV/1008_DFA_ANG_XX.wav", TemporaryLayout.wav(seconds: 2))
        try layout.write("VideoFlash/1008_DFA_ANG_XX.flv", text: "just some text\n")
        try layout.write("AudioWAV/1009_DFA_ANG_XX.wav", TemporaryLayout.wav(seconds: 2))
        try FileManager.default.createDirectory(
            atPath: layout.root + "/Image-01-FPS/1009_DFA_ANG_XX",
            withIntermediateDirectories: true)
        try layout.write("AudioWAV/1010_DFA_ANG_XX.wav", text: "hello, I am text\n")
        try layout.write("Image-01-FPS/1010_DFA_ANG_XX/1.jpg", TemporaryLayout.jpegHeader)
        try layout.write("AudioWAV/1011_DFA_ANG_XX.wav", Data())
        try layout.write("Image-01-FPS/1011_DFA_ANG_XX/1.jpg", TemporaryLayout.jpegHeader)

        let result = scan()
        XCTAssertEqual(result.samples.map(\.id), ["1001_DFA_ANG_XX", "1012_DFA_NEU_XX"])
        XCTAssertEqual(codes(result, id: "1040_ITH_SAD_X"), ["bad-name"])
        XCTAssertEqual(codes(result, id: "1001_DFA_ANG_XX"), ["duplicate-id"])
        XCTAssertEqual(codes(result, id: "1002_DFA_ANG_XX"), ["unknown-label"])
        XCTAssertEqual(codes(result, id: "1003_DFA_ANG_XX"), ["label-mismatch"])
        XCTAssertEqual(codes(result, id: "../../etc/passwd"), ["unsafe-id"])
        XCTAssertEqual(codes(result, id: "/"), ["unsafe-id"])
        XCTAssertEqual(codes(result, id: "bad\u{0}id"), ["unsafe-id"])
        XCTAssertEqual(codes(result, id: "1004_DFA_ANG_XX"), ["lfs-pointer"])
        XCTAssertEqual(codes(result, id: "1005_DFA_ANG_XX"), ["empty-media"])
        XCTAssertEqual(codes(result, id: "1006_DFA_ANG_XX"), ["duration-outlier"])
        XCTAssertEqual(codes(result, id: "1007_DFA_ANG_XX"), ["missing"])
        XCTAssertEqual(codes(result, id: "1008_DFA_ANG_XX"), ["not-video"])
        XCTAssertEqual(codes(result, id: "1009_DFA_ANG_XX"), ["no-frames"])
        XCTAssertEqual(codes(result, id: "1010_DFA_ANG_XX"), ["not-audio"])
        XCTAssertEqual(codes(result, id: "1011_DFA_ANG_XX"), ["empty-media"])
        XCTAssertEqual(codes(result, id: "onlyonefield"), ["bad-row"])
        XCTAssertTrue(result.hasErrors)
        let missing = result.findings.first { $0.id == "1007_DFA_ANG_XX" }
        XCTAssertEqual(missing?.path, "AudioWAV/1007_DFA_ANG_XX.wav")
        XCTAssertTrue(result.findings.first { $0.id == "bad\u{0}id" }?.line
            .contains("bad\\u{0000}id") ?? false)
    }

    func testSymlinkOutsideTheRootIsNeverFollowed() throws {
        try layout.write("annotations/train.csv", text: "1001_DFA_ANG_XX,ANG\n")
        try layout.write("annotations/test.csv", text: "1002_DFA_ANG_XX,ANG\n")
        let outside = NSTemporaryDirectory() + "amss-outside-\(UUID().uuidString).wav"
        try TemporaryLayout.wav(seconds: 1).write(to: URL(fileURLWithPath: outside))
        defer { try? FileManager.default.removeItem(atPath: outside) }
        try FileManager.default.createDirectory(atPath: layout.root + "/AudioWAV",
                                                withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: layout.root + "/AudioWAV/1001_DFA_ANG_XX.wav", withDestinationPath: outside)
        try layout.write("Image-01-FPS/1001_DFA_ANG_XX/1.jpg", TemporaryLayout.jpegHeader)
        try layout.addClip("1002_DFA_ANG_XX")
        try FileManager.default.removeItem(atPath: layout.root + "/AudioWAV/1002_DFA_ANG_XX.wav")
        try FileManager.default.createSymbolicLink(
            atPath: layout.root + "/AudioWAV/1002_DFA_ANG_XX.wav",
            withDestinationPath: layout.root + "/AudioWAV/1001_DFA_ANG_XX.wav")
        try layout.write("AudioWAV/real.wav", TemporaryLayout.wav(seconds: 1))

        let result = scan()
        XCTAssertEqual(codes(result, id: "1001_DFA_ANG_XX"), ["outside-root"])
        XCTAssertEqual(codes(result, id: "1002_DFA_ANG_XX"), ["outside-root"])
        XCTAssertEqual(result.samples, [])
    }

    /// A link that cannot be followed is named as such, not as a missing file; a header
    /// with a zero rate (or byte rate) is not audio, not empty.
    func testUnfollowableLinksAndAZeroRateHeaderNameTheirFault() throws {
        let ids = ["1001_DFA_ANG_XX", "1002_DFA_ANG_XX", "1003_DFA_ANG_XX", "1004_DFA_ANG_XX",
                   "1006_DFA_ANG_XX"]
        try layout.write("annotations/train.csv", text: ids.map { "\($0),ANG\n" }.joined())
        try layout.write("annotations/test.csv", text: "1005_DFA_ANG_XX,ANG\n")
        for id in ids + ["1005_DFA_ANG_XX"] { try layout.addClip(id) }
        let audio = layout.root + "/AudioWAV/"
        let manager = FileManager.default
        for id in ids.prefix(3) { try manager.removeItem(atPath: audio + id + ".wav") }
        try manager.createSymbolicLink(atPath: audio + "1001_DFA_ANG_XX.wav",
                                       withDestinationPath: audio + "1001_DFA_ANG_XX.wav")
        try manager.createSymbolicLink(atPath: audio + "1002_DFA_ANG_XX.wav",
                                       withDestinationPath: audio + "gone.wav")
        var zeroRate = TemporaryLayout.wav(seconds: 1)
        zeroRate.replaceSubrange(24..<32, with: Data(count: 8))   // rate and byte rate 0
        try layout.write("AudioWAV/1004_DFA_ANG_XX.wav", zeroRate)
        var rateOnly = TemporaryLayout.wav(seconds: 1)
        rateOnly.replaceSubrange(24..<28, with: Data(count: 4))   // rate 0, byte rate kept
        try layout.write("AudioWAV/1006_DFA_ANG_XX.wav", rateOnly)

        let result = scan()
        let message = { (id: String) in result.findings.first { $0.id == id }?.message ?? "" }
        XCTAssertEqual(codes(result, id: "1001_DFA_ANG_XX"), ["unreadable"])
        XCTAssertTrue(message("1001_DFA_ANG_XX").contains("loop"), message("1001_DFA_ANG_XX"))
        XCTAssertEqual(codes(result, id: "1002_DFA_ANG_XX"), ["unreadable"])
        XCTAssertTrue(message("1002_DFA_ANG_XX").contains("target does not exist"))
        XCTAssertEqual(codes(result, id: "1003_DFA_ANG_XX"), ["missing"])
        XCTAssertEqual(codes(result, id: "1004_DFA_ANG_XX"), ["not-audio"])
        XCTAssertTrue(message("1004_DFA_ANG_XX").contains("0 Hz"), message("1004_DFA_ANG_XX"))
        XCTAssertEqual(codes(result, id: "1006_DFA_ANG_XX"), ["not-audio"])
        XCTAssertTrue(message("1006_DFA_ANG_XX").contains("0 Hz and 1 channel(s)"))
        XCTAssertEqual(result.samples.map(\.id), ["1005_DFA_ANG_XX"])
    }

    func testMissingRootAndMissingSplitsAreErrors() {
        let absent = CremaLayout().scan(root: layout.root + "/nope")
        XCTAssertEqual(absent.findings.map(\.code), ["missing"])
        let empty = scan()
        XCTAssertEqual(empty.findings.map(\.path),
                       ["annotations/train.csv", "annotations/test.csv"])
    }

    func testTruncatedWAVIsAWarningAndStillUsed() throws {
        try layout.write("annotations/train.csv", text: "1001_DFA_ANG_XX,ANG\n")
        try layout.write("annotations/test.csv", text: "1002_DFA_ANG_XX,ANG\n")
        try layout.addClip("1002_DFA_ANG_XX")
        try layout.write("AudioWAV/1001_DFA_ANG_XX.wav",
                         TemporaryLayout.wav(seconds: 2).prefix(30_000))
        try layout.write("Image-01-FPS/1001_DFA_ANG_XX/1.jpg", TemporaryLayout.jpegHeader)
        let result = scan()
        XCTAssertEqual(codes(result, id: "1001_DFA_ANG_XX"), ["truncated"])
        XCTAssertEqual(result.samples.count, 2)
        XCTAssertFalse(result.hasErrors)
    }

    func testFoldersFIFOsCutJPEGsAndLongChunksAreHandled() throws {
        try layout.write("annotations/train.csv", text: """
            1001_DFA_ANG_XX,ANG
            1002_DFA_ANG_XX,ANG
            1003_DFA_ANG_XX,ANG
            1004_DFA_ANG_XX,ANG
            1005_DFA_ANG_XX,ANG
            """)
        try layout.write("annotations/test.csv", text: "1006_DFA_ANG_XX,ANG\n")
        let manager = FileManager.default
        try manager.createDirectory(atPath: layout.root + "/AudioWAV/1001_DFA_ANG_XX.wav",
                                    withIntermediateDirectories: true)
        try layout.write("Image-01-FPS/1001_DFA_ANG_XX/1.jpg", TemporaryLayout.jpegHeader)
        XCTAssertEqual(mkfifo(layout.root + "/AudioWAV/1002_DFA_ANG_XX.wav", 0o644), 0)
        try layout.write("Image-01-FPS/1002_DFA_ANG_XX/1.jpg", TemporaryLayout.jpegHeader)
        try layout.write("AudioWAV/1003_DFA_ANG_XX.wav", TemporaryLayout.wav(seconds: 1))
        try layout.write("Image-01-FPS/1003_DFA_ANG_XX/1.jpg", TemporaryLayout.jpegHeader.prefix(8))
        try layout.addClip("1004_DFA_ANG_XX")
        try manager.removeItem(atPath: layout.root + "/Image-01-FPS/1004_DFA_ANG_XX/00000.jpg")
        try manager.createDirectory(atPath: layout.root + "/Image-01-FPS/1004_DFA_ANG_XX/2.jpg",
                                    withIntermediateDirectories: true)
        // A 70 kB LIST chunk between fmt and data: still a readable 1 s WAV.
        var wav = TemporaryLayout.wav(seconds: 1)
        let dataAt = try XCTUnwrap(wav.range(of: Data("data".utf8))).lowerBound
        var list = Data("LIST".utf8)
        withUnsafeBytes(of: UInt32(70_000).littleEndian) { list.append(contentsOf: $0) }
        list.append(Data(count: 70_000))
        wav.insert(contentsOf: list, at: dataAt)
        try layout.write("AudioWAV/1005_DFA_ANG_XX.wav", wav)
        try layout.write("Image-01-FPS/1005_DFA_ANG_XX/1.jpg", TemporaryLayout.jpegHeader)
        try layout.addClip("1006_DFA_ANG_XX")

        let result = scan()
        XCTAssertEqual(codes(result, id: "1001_DFA_ANG_XX"), ["unreadable"])
        XCTAssertEqual(codes(result, id: "1002_DFA_ANG_XX"), ["unreadable"])
        XCTAssertEqual(codes(result, id: "1003_DFA_ANG_XX"), ["truncated-image"])
        XCTAssertEqual(codes(result, id: "1004_DFA_ANG_XX"), ["unreadable"])
        XCTAssertEqual(result.samples.map(\.id), ["1005_DFA_ANG_XX", "1006_DFA_ANG_XX"])
    }

    func testControlCharactersFromAnnotationsNeverReachTheTerminal() throws {
        try layout.write("annotations/train.csv", text: "1001_DFA_ANG_XX,\u{1B}[31mHAP\rFAKE\n")
        try layout.write("annotations/test.csv", text: "1002_DFA_ANG_XX,ANG\n")
        let line = try XCTUnwrap(scan().findings.first { $0.code == "unknown-label" }).line
        XCTAssertFalse(line.unicodeScalars.contains { $0.value < 0x20 }, line)
        XCTAssertTrue(line.contains("\\u{001b}[31mHAP\\rFAKE"), line)
    }
}
