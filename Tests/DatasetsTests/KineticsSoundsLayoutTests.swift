import Foundation
import XCTest
@testable import Datasets

/// Kinetics-Sounds folders built file by file: media lookup, class maps and the A4 checks.
final class KineticsSoundsLayoutTests: XCTestCase {
    private var layout: TemporaryLayout!

    override func setUpWithError() throws { layout = try TemporaryLayout() }
    override func tearDown() { layout.remove() }

    /// The first bytes of an MP4 (`ftyp` box): all the checks read of it.
    private static let mp4Header = Data([0, 0, 0, 0x18] + Array("ftypisom".utf8)
                                        + [0, 0, 2, 0] + Array("isomiso2".utf8))

    /// A clip with a WAV and a one-image frame folder.
    private func addClip(_ id: String, split: String = "train") throws {
        try layout.write("\(split)_wav/\(id).wav", TemporaryLayout.wav(seconds: 1))
        try layout.write("\(split)_img/Image-01-FPS/\(id)/00000.jpg", TemporaryLayout.jpegHeader)
    }

    private func scan(_ options: KineticsSoundsOptions = KineticsSoundsOptions()) -> LayoutScan {
        KineticsSoundsLayout(options: options).scan(root: layout.root)
    }

    private func anyCount() -> KineticsSoundsOptions {
        var options = KineticsSoundsOptions()
        options.expectedClasses = nil
        return options
    }

    func testNamedClassesSortedOrByFirstAppearance() throws {
        try layout.write("annotations/train.csv", text: "label,youtube_id\r\n"
                         + "tapping pen,-b_1\r\nbowling,-a_2\r\ntapping pen,-c_3\r\n")
        try layout.write("annotations/test.csv", text: "youtube_id,label\nt_1,bowling\n")
        for id in ["-b_1", "-a_2", "-c_3"] { try addClip(id) }
        try addClip("t_1", split: "test")

        let sorted = scan(anyCount())
        XCTAssertEqual(sorted.findings, [])
        XCTAssertEqual(sorted.classes, ["bowling", "tapping pen"])
        XCTAssertEqual(sorted.samples.map(\.label), [1, 0, 1, 0])
        XCTAssertEqual(sorted.samples.map(\.id), ["-b_1", "-a_2", "-c_3", "t_1"])

        var reference = anyCount()
        reference.classOrder = .firstAppearance
        let first = scan(reference)
        XCTAssertEqual(first.classes, ["tapping pen", "bowling"])
        XCTAssertEqual(first.samples.map(\.label), [0, 1, 0, 1])
    }

    func testAClassOnlyInTestIsAFolderWideError() throws {
        try layout.write("annotations/train.csv", text: "label,youtube_id\nbowling,a_1\n")
        try layout.write("annotations/test.csv", text: "label,youtube_id\nbowling,t_1\n"
                         + "singing,t_2\nsinging,t_3\n")
        try addClip("a_1")
        for id in ["t_1", "t_2", "t_3"] { try addClip(id, split: "test") }
        let result = scan(anyCount())
        let wide = result.findings.filter { $0.code == "class-not-in-train" }
        XCTAssertEqual(wide.count, 1)
        XCTAssertEqual(wide.first?.id, "")
        XCTAssertEqual(wide.first?.path, "annotations/test.csv")
        XCTAssertTrue(wide.first?.message.contains("'singing' (2 clips)") ?? false)
        XCTAssertEqual(result.findings.filter { $0.code == "unknown-label" }.map(\.id),
                       ["t_2", "t_3"])
        XCTAssertEqual(result.samples.map(\.id), ["a_1", "t_1"])
    }

    func testClassCountDisagreeingWithTheConfigIsAnError() throws {
        try layout.write("annotations/train.csv", text: "label,youtube_id\nbowling,a_1\n"
                         + "singing,a_2\n")
        try layout.write("annotations/test.csv", text: "label,youtube_id\nbowling,t_1\n")
        let result = scan()   // the standard 31 classes
        let count = result.findings.filter { $0.code == "class-count" }
        XCTAssertEqual(count.count, 1)
        XCTAssertEqual(count.first?.severity, .error)
        XCTAssertEqual(count.first?.id, "")
        XCTAssertTrue(count.first?.message.contains("expects 31 classes") ?? false)
        XCTAssertTrue(count.first?.message.contains("has 2") ?? false)
        XCTAssertEqual(scan(anyCount()).findings.filter { $0.code == "class-count" }, [])
    }

    func testIndexedListsNameClassesByIndexOrFromAFile() throws {
        let rows = (0..<31).map { "c_\($0),10,\($0)" }.joined(separator: "\r\n")
        try layout.write("annotations/train.csv", text: rows + "\r\n")
        try layout.write("annotations/test.csv", text: "t_1,10,30\n")
        let result = scan()
        XCTAssertEqual(result.classes, (0..<31).map(String.init))
        XCTAssertEqual(result.findings.filter { $0.id.isEmpty }, [])
        XCTAssertEqual(result.findings.filter { $0.code == "no-audio" }.count, 32)

        let names = (0..<31).map { "class \($0)" }
        try layout.write("annotations/classes.txt", text: names.joined(separator: "\n") + "\n")
        var named = KineticsSoundsOptions()
        named.classNamesFile = "annotations/classes.txt"
        XCTAssertEqual(scan(named).classes, names)

        try layout.write("annotations/classes.txt", text: names.dropLast().joined(separator: "\n"))
        let short = scan(named).findings.filter { $0.code == "class-count" }
        XCTAssertEqual(short.map(\.path), ["annotations/classes.txt"])
    }

    func testOneBasedListReadAsZeroBasedIsCaught() throws {
        let rows = (1...31).map { "c_\($0),10,\($0)" }.joined(separator: "\n")
        try layout.write("annotations/train.csv", text: rows)
        try layout.write("annotations/test.csv", text: "t_1,10,31\n")
        let wrong = scan()
        XCTAssertEqual(wrong.findings.filter { $0.code == "class-count" }.count, 1)
        let range = wrong.findings.filter { $0.code == "label-range" }
        XCTAssertEqual(range.map(\.id), ["c_31", "t_1"])
        XCTAssertTrue(range.first?.message.contains("set `label_base` to 1") ?? false)

        var oneBased = KineticsSoundsOptions()
        oneBased.labelBase = 1
        let right = scan(oneBased)
        XCTAssertEqual(right.findings.filter { $0.code != "no-audio" && $0.code != "no-frames" },
                       [])
    }

    func testClassOnlyInTestOfAnIndexedList() throws {
        try layout.write("annotations/train.csv", text: "a_1,10,0\na_2,10,2\n")
        try layout.write("annotations/test.csv", text: "t_1,10,1\n")
        var three = KineticsSoundsOptions()
        three.expectedClasses = 3
        let result = scan(three)
        XCTAssertEqual(result.findings.filter { $0.code == "class-not-in-train" }.map(\.path),
                       ["annotations/test.csv"])
        XCTAssertEqual(result.findings.filter { $0.code == "class-without-train" }.first?
            .severity, .warning)
    }

    func testAudioFromTheClipsVideoWhenThereIsNoWAV() throws {
        try layout.write("annotations/train.csv", text: "-v_1,10,0\n-f_2,10,0\n-n_3,10,0\n")
        try layout.write("annotations/valid.csv", text: "-w_4,10,0\n")
        try layout.write("annotations/test.csv", text: "-x_5,10,0\n")
        try layout.write("train_video/-v_1.mp4", Self.mp4Header)
        try layout.write("train_video/-f_2.mkv", Data([0x1A, 0x45, 0xDF, 0xA3, 0x9F]))
        try layout.write("train_img/Image-01-FPS/-f_2/00000.jpg", TemporaryLayout.jpegHeader)
        try addClip("-w_4", split: "valid")
        try layout.write("test_wav/-x_5.wav", TemporaryLayout.wav(seconds: 1))
        try layout.write("test_video/-x_5.avi", Data(Array("RIFF\0\0\0\0AVI LIST".utf8)))
        var one = KineticsSoundsOptions()
        one.expectedClasses = 1
        let result = scan(one)
        let real = try XCTUnwrap(DatasetRoot(path: layout.root)).real
        let sources = Dictionary(uniqueKeysWithValues: result.samples.map { ($0.id, $0.sources) })
        XCTAssertEqual(sources["-v_1"], ["audio": real + "/train_video/-v_1.mp4",
                                         "video": real + "/train_video/-v_1.mp4"])
        XCTAssertEqual(sources["-f_2"], ["audio": real + "/train_video/-f_2.mkv",
                                         "frames": real + "/train_img/Image-01-FPS/-f_2"])
        XCTAssertEqual(sources["-w_4"], ["audio": real + "/valid_wav/-w_4.wav",
                                         "frames": real + "/valid_img/Image-01-FPS/-w_4"])
        XCTAssertEqual(sources["-x_5"], ["audio": real + "/test_wav/-x_5.wav",
                                         "video": real + "/test_video/-x_5.avi"])
        XCTAssertEqual(result.findings.map(\.code), ["no-audio", "no-frames"])
        XCTAssertEqual(result.findings.map(\.id), ["-n_3", "-n_3"])
        XCTAssertEqual(result.samples.map(\.split), ["train", "train", "valid", "test"])
    }

    func testBadVideoIsReportedOnce() throws {
        try layout.write("annotations/train.csv", text: "a_1,10,0\n")
        try layout.write("annotations/test.csv", text: "a_1,10,0\n")
        try layout.write("train_video/a_1.mp4", Data("version https://git-lfs.github.com/spec/v1\n"
                                                     .utf8))
        var one = KineticsSoundsOptions()
        one.expectedClasses = 1
        let result = scan(one)
        XCTAssertEqual(result.findings.map(\.code), ["lfs-pointer", "duplicate-id"])
        XCTAssertEqual(result.findings.last?.path, "annotations/test.csv:1")
        XCTAssertEqual(result.samples, [])
    }

    func testMixedFormsAndMissingListsAreFolderWide() throws {
        try layout.write("annotations/train.csv", text: "label,youtube_id\nbowling,a_1\n")
        try layout.write("annotations/test.txt", text: "t_1,10,0\n")
        let mixed = scan(anyCount())
        XCTAssertTrue(mixed.findings.contains { $0.code == "mixed-formats" && $0.id.isEmpty })

        try FileManager.default.removeItem(atPath: layout.root + "/annotations/test.txt")
        let missing = scan(anyCount()).findings.filter { $0.code == "missing" && $0.id.isEmpty }
        XCTAssertEqual(missing.map(\.path), ["annotations/test.csv"])
        let absent = KineticsSoundsLayout().scan(root: layout.root + "/nope")
        XCTAssertEqual(absent.findings.map(\.code), ["missing"])
    }
}
