import Datasets
import Foundation
import XCTest

/// Scanning a dataset root through a layout file: columns against headers, rows, media.
final class FolderLayoutScanTests: XCTestCase {
    private var folder: TemporaryLayout!

    override func setUpWithError() throws { folder = try TemporaryLayout() }
    override func tearDown() { folder.remove() }

    private func scan(_ json: String) throws -> LayoutScan {
        let file = try FolderLayoutFile(data: Data(json.utf8), path: "layout.json")
        return FolderLayout(file: file).scan(root: folder.root)
    }

    private func addAudio(_ id: String) throws {
        try folder.write("wav/\(id).wav", TemporaryLayout.wav(seconds: 1))
    }

    private static let audioFrames = #""audio": "wav/{id}.wav", "frames": "frames/{id}/""#

    func testAColumnTheTableLacksIsALayoutFindingWithItsKeyPath() throws {
        try folder.write("lists/train.csv", text: "id,word,speaker\na,one,x\n")
        try folder.write("lists/test.csv", text: "id,emotion\nb,one\n")
        let result = try scan("""
            {"splits": {"train": {"file": "lists/train.csv", "id_column": "id",
                                  "label_column": "emotion"},
                        "test": {"file": "lists/test.csv", "id_column": "id",
                                  "label_column": "emotion"}},
             "modalities": {\(Self.audioFrames)}}
            """)
        // The test split fits, but no media is checked (b's files are missing) until the
        // layout fits every table.
        XCTAssertEqual(result.findings, [Finding(
            path: "layout.json", id: "", code: "layout", severity: .error,
            message: "splits.train.label_column: no column 'emotion' in lists/train.csv "
                + "(columns: 'id', 'word', 'speaker')")])
        XCTAssertEqual(result.samples, [])

        try folder.write("lists/test.tsv", text: "a\tone\n")
        let byIndex = try scan("""
            {"splits": {"test": {"file": "lists/test.tsv", "header": false, "id_column": 0,
                                 "label_column": 1, "group_column": 4}},
             "modalities": {\(Self.audioFrames)}}
            """)
        XCTAssertEqual(byIndex.findings.map(\.message), [
            "splits.test.group_column: column 4 does not exist in lists/test.tsv (2 columns, "
                + "counted from 0)"])
    }

    func testEveryRowProblemIsOneFindingAndGoodRowsBecomeSamples() throws {
        try folder.write("lists/train.csv", text: """
            id,label,caption
            good,dog,"a dog, barking"
            good,dog,again
            short,dog
            ../up,dog,x
            odd,bird,x
            lfs,cat,x
            folderless,cat,x
            quiet,cat,
            dir,cat,x
            """)
        for id in ["good", "folderless", "quiet"] { try addAudio(id) }
        try folder.write("wav/lfs.wav", text: "version https://git-lfs.github.com/spec/v1\n")
        try FileManager.default.createDirectory(atPath: folder.root + "/wav/dir.wav",
                                                withIntermediateDirectories: true)
        for id in ["good", "lfs", "quiet", "dir"] {
            try folder.write("frames/\(id)/00001.png", Data([0x89, 0x50, 0x4E, 0x47, 0, 0]))
        }
        let result = try scan("""
            {"splits": {"train": {"file": "lists/train.csv", "id_column": "id",
                                  "label_column": "label"}},
             "labels": ["cat", "dog"],
             "modalities": {\(Self.audioFrames), "text": {"column": "caption"}}}
            """)
        let codes = result.findings.map { "\($0.id):\($0.code)" }
        XCTAssertEqual(codes, ["good:duplicate-id", "short:bad-row", "../up:unsafe-id",
                               "odd:unknown-label", "lfs:lfs-pointer", "folderless:missing",
                               "quiet:empty-text", "dir:unreadable"])
        XCTAssertEqual(result.findings.first?.path, "lists/train.csv:3")
        XCTAssertEqual(result.findings.filter { $0.severity == .warning }.map(\.id), ["quiet"])
        XCTAssertEqual(result.classes, ["cat", "dog"], "listed labels keep their order")
        XCTAssertEqual(result.samples.map(\.id), ["good", "quiet"])
        let good = try XCTUnwrap(result.samples.first)
        XCTAssertEqual(good.label, 1)
        XCTAssertEqual(good.texts, ["text": "a dog, barking"])
        let real = try XCTUnwrap(DatasetRoot(path: folder.root)?.real)
        XCTAssertEqual(good.sources, ["audio": real + "/wav/good.wav",
                                      "frames": real + "/frames/good"])
    }

    func testVideoStandsInForAMissingFrameFolderAndPlaceholdersFillPaths() throws {
        try folder.write("lists/all.csv", text: "id,label\nv1,cat\nv2,dog\nv3,dog\n")
        try folder.write("audio/train/dog/v3.wav", TemporaryLayout.wav(seconds: 1))
        try folder.write("video/v3.flv", text: "<html>404 Not Found</html>")
        try folder.write("audio/train/cat/v1.wav", TemporaryLayout.wav(seconds: 1))
        try folder.write("audio/train/dog/v2.wav", TemporaryLayout.wav(seconds: 1))
        try folder.write("video/v1.flv", TemporaryLayout.flvHeader)
        try folder.write("frames/v2/00000.jpg", TemporaryLayout.jpegHeader)
        let result = try scan("""
            {"splits": {"train": {"file": "lists/all.csv", "id_column": 0, "label_column": 1}},
             "modalities": {"audio": "audio/{split}/{label}/{id}.wav",
                            "frames": "frames/{id}/", "video": "video/{id}.flv"}}
            """)
        XCTAssertEqual(result.findings.map { "\($0.path) \($0.code)" },
                       ["video/v3.flv not-video"])
        XCTAssertEqual(result.findings.first?.message, "expected a video file, found text")
        XCTAssertEqual(result.classes, ["cat", "dog"], "collected and sorted")
        XCTAssertEqual(result.samples.map { $0.sources.keys.sorted() },
                       [["audio", "video"], ["audio", "frames"]])
    }

    func testImagesTextAndALinkOutOfTheRoot() throws {
        try folder.write("t.tsv", text: "id\tlabel\ttext\nr1\tb\thello\nr2\ta\tworld\n"
                         + "r3\ta\tthere\n")
        try folder.write("img/r1.gif", text: "GIF89a....")
        try folder.write("img/r2.gif", TemporaryLayout.jpegHeader)
        let outside = NSTemporaryDirectory() + "amss-outside-\(UUID().uuidString).gif"
        try Data("GIF89a".utf8).write(to: URL(fileURLWithPath: outside))
        defer { try? FileManager.default.removeItem(atPath: outside) }
        try FileManager.default.createSymbolicLink(atPath: folder.root + "/img/r3.gif",
                                                   withDestinationPath: outside)
        let result = try scan("""
            {"splits": {"test": {"file": "t.tsv", "id_column": "id", "label_column": "label"}},
             "modalities": {"image": "img/{id}.gif", "text": {"column": "text"}}}
            """)
        XCTAssertEqual(result.findings.map(\.code), ["outside-root"])
        XCTAssertEqual(result.findings.first?.path, "img/r3.gif")
        XCTAssertEqual(result.samples.map(\.id), ["r1", "r2"], "GIF and JPEG both pass")
        XCTAssertEqual(result.samples.map(\.label), [1, 0])
        XCTAssertEqual(result.samples.map { $0.texts["text"] }, ["hello", "world"])
    }

    func testBrokenTablesAndTestOnlyLabelsAndSharedGroups() throws {
        try folder.write("train.csv", text: "id,label,spk\na,x,s1\nb,y,s2\n")
        try folder.write("test.csv", text: "id,label,spk\nc,x,s2\nd,z,s3\n")
        try folder.write("valid.csv", text: "id,label,spk\ne,\"x\n")
        for id in ["a", "b", "c", "d"] {
            try addAudio(id)
            try folder.write("frames/\(id)/1.jpg", TemporaryLayout.jpegHeader)
        }
        let split = #""id_column": "id", "label_column": "label", "group_column": "spk""#
        let result = try scan("""
            {"splits": {"train": {"file": "train.csv", \(split)},
                        "valid": {"file": "valid.csv", \(split)},
                        "test": {"file": "test.csv", \(split)}},
             "modalities": {\(Self.audioFrames)}}
            """)
        XCTAssertEqual(result.findings.map { "\($0.path) \($0.code)" },
                       ["valid.csv:2 bad-table", "test.csv:3 unknown-label",
                        "test.csv group-overlap"])
        XCTAssertEqual(result.classes, ["x", "y"], "labels come from train only")
        XCTAssertTrue(result.findings[2].message.contains("'s2'"))
        XCTAssertEqual(result.samples.map(\.id), ["a", "b", "c"])
    }
}
