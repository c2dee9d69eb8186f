import Datasets
import Foundation
import XCTest

/// Mistakes in a layout file: each is one error naming the file and the JSON key path.
final class FolderLayoutFileTests: XCTestCase {
    private static let split = #""file": "lists/train.csv", "id_column": "id", "label_column": 1"#
    private static let modalities = #""audio": "wav/{id}.wav", "frames": "frames/{id}/""#

    /// A layout with `splits`, `modalities` and any `extra` top-level members.
    private func layout(splits: String = "\"train\": {\(split)}",
                        modalities: String = modalities, extra: String = "") -> String {
        "{\"splits\": {\(splits)}, \"modalities\": {\(modalities)}\(extra)}"
    }

    /// The error of parsing `json`, or a test failure when it parses.
    private func failure(_ json: String, file: StaticString = #filePath,
                         line: UInt = #line) -> FolderLayoutError? {
        do {
            _ = try FolderLayoutFile(data: Data(json.utf8), path: "my/layout.json")
            XCTFail("parsed without an error: \(json)", file: file, line: line)
        } catch let error as FolderLayoutError {
            XCTAssertEqual(error.file, "my/layout.json", file: file, line: line)
            return error
        } catch {
            XCTFail("not a FolderLayoutError: \(error)", file: file, line: line)
        }
        return nil
    }

    private func assertError(_ json: String, keyPath: String, contains fragment: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        guard let error = failure(json, file: file, line: line) else { return }
        XCTAssertEqual(error.keyPath, keyPath, error.description, file: file, line: line)
        XCTAssertTrue(error.reason.contains(fragment), "'\(error.reason)' lacks '\(fragment)'",
                      file: file, line: line)
    }

    func testAValidFileGivesItsSettingsAndDefaults() throws {
        let json = layout(splits: "\"test\": {\"file\": \"t.tsv\", \"header\": false, "
                          + "\"id_column\": 0, \"label_column\": 2, \"group_column\": 3}, "
                          + "\"train\": {\(Self.split)}",
                          modalities: Self.modalities + ", \"video\": \"v/{split}/{id}.mp4\"",
                          extra: ", \"pipeline\": {\"shard_size\": 8}")
        let parsed = try FolderLayoutFile(data: Data(json.utf8), path: "l.json")
        XCTAssertEqual(parsed.name, "folder")
        XCTAssertEqual(parsed.splits.map(\.name), ["train", "test"], "read in train, test order")
        XCTAssertEqual(parsed.splits.map(\.separator), [",", "\t"], "format from the extension")
        XCTAssertEqual(parsed.splits.map(\.header), [true, false])
        XCTAssertEqual(parsed.splits[0].idColumn, .name("id"))
        XCTAssertEqual(parsed.splits[0].labelColumn, .index(1))
        XCTAssertEqual(parsed.splits[1].groupColumn, .index(3))
        XCTAssertEqual(parsed.labels, .sorted)
        XCTAssertEqual(parsed.modalities, ["audio", "visual"], "frames and video are one")
        XCTAssertEqual(parsed.sources["video"]?.path(id: "{split}", split: "test", label: "x"),
                       "v/test/{split}.mp4", "a value is never substituted again")
        XCTAssertEqual(parsed.sources["frames"]?.path(id: "a", split: "train", label: "x"),
                       "frames/a")
        let pipeline = try XCTUnwrap(parsed.pipeline)
        XCTAssertEqual(try JSONSerialization.jsonObject(with: pipeline) as? [String: Int],
                       ["shard_size": 8])
    }

    func testUnknownKeysSuggestTheNearestKnownOne() {
        assertError("{\"splits\": {\"train\": {\(Self.split)}}, \"modalites\": {}}",
                    keyPath: "modalites", contains: "did you mean 'modalities'?")
        assertError(layout(splits: "\"tran\": {\(Self.split)}"), keyPath: "splits.tran",
                    contains: "did you mean 'train'?")
        assertError(layout(splits: "\"train\": {\(Self.split), \"label_colum\": 2}"),
                    keyPath: "splits.train.label_colum", contains: "did you mean 'label_column'?")
        assertError(layout(modalities: Self.modalities + ", \"audoi\": \"a/{id}.wav\""),
                    keyPath: "modalities.audoi", contains: "did you mean 'audio'?")
        assertError(layout(extra: ", \"zzzzzzzz\": 1"), keyPath: "zzzzzzzz",
                    contains: "known keys: name, splits, labels, modalities, pipeline")
    }

    func testMissingPartsAreNamed() {
        assertError("{\"modalities\": {\(Self.modalities)}}", keyPath: "splits",
                    contains: "missing")
        assertError("{\"splits\": {\"train\": {\(Self.split)}}}", keyPath: "modalities",
                    contains: "missing")
        assertError(layout(splits: ""), keyPath: "splits", contains: "no split")
        assertError(layout(splits: "\"train\": {\"id_column\": 0, \"label_column\": 1}"),
                    keyPath: "splits.train.file", contains: "missing")
        assertError(layout(splits: "\"train\": {\"file\": \"a.csv\", \"id_column\": 0}"),
                    keyPath: "splits.train.label_column", contains: "missing")
        assertError(layout(modalities: Self.modalities + ", \"text\": {}"),
                    keyPath: "modalities.text.column", contains: "missing")
    }

    func testPathPatternsMustNameTheIdAndStayInsideTheRoot() {
        assertError(layout(modalities: "\"audio\": \"wav/clip.wav\", \"frames\": \"f/{id}/\""),
                    keyPath: "modalities.audio", contains: "pattern has no {id}")
        assertError(layout(modalities: "\"audio\": \"../wav/{id}.wav\", \"frames\": \"f/{id}\""),
                    keyPath: "modalities.audio", contains: "`..`")
        assertError(layout(modalities: "\"audio\": \"a/{id}.wav\", \"frames\": \"/f/{id}/\""),
                    keyPath: "modalities.frames", contains: "absolute path")
        assertError(layout(modalities: "\"audio\": \"a/{id}/../../x\", \"frames\": \"f/{id}\""),
                    keyPath: "modalities.audio", contains: "`..`")
        assertError(layout(modalities: "\"audio\": \"a/{name}.wav\", \"frames\": \"f/{id}\""),
                    keyPath: "modalities.audio", contains: "unknown placeholder {name}")
        assertError(layout(modalities: "\"audio\": \"a/{id.wav\", \"frames\": \"f/{id}\""),
                    keyPath: "modalities.audio", contains: "without its `}`")
        assertError(layout(modalities: "\"audio\": 3, \"frames\": \"f/{id}\""),
                    keyPath: "modalities.audio", contains: "expected a string, found a number")
        assertError(layout(splits: "\"train\": {\"file\": \"../lists/t.csv\", \"id_column\": 0, "
                           + "\"label_column\": 1}"),
                    keyPath: "splits.train.file", contains: "`..`")
        assertError(layout(splits: "\"train\": {\"file\": \"/etc/t.csv\", \"id_column\": 0, "
                           + "\"label_column\": 1}"),
                    keyPath: "splits.train.file", contains: "absolute path")
    }

    func testALayoutNeedsTwoModalityKinds() {
        assertError(layout(modalities: "\"audio\": \"wav/{id}.wav\""), keyPath: "modalities",
                    contains: "1 modality (audio)")
        assertError(layout(modalities: "\"frames\": \"f/{id}/\", \"video\": \"v/{id}.mp4\""),
                    keyPath: "modalities", contains: "1 modality (visual)")
        assertError(layout(modalities: ""), keyPath: "modalities", contains: "0 modalities")
    }

    func testColumnsAndFormatsAreChecked() {
        assertError(layout(splits: "\"train\": {\"file\": \"t.csv\", \"header\": false, "
                           + "\"id_column\": 0, \"label_column\": \"word\"}"),
                    keyPath: "splits.train.label_column", contains: "no header")
        assertError(layout(splits: "\"train\": {\"file\": \"t.csv\", \"id_column\": -1, "
                           + "\"label_column\": 1}"),
                    keyPath: "splits.train.id_column", contains: "whole number ≥ 0")
        assertError(layout(splits: "\"train\": {\"file\": \"t.csv\", \"id_column\": 1.5, "
                           + "\"label_column\": 1}"),
                    keyPath: "splits.train.id_column", contains: "whole number ≥ 0")
        assertError(layout(splits: "\"train\": {\"file\": \"t.csv\", \"id_column\": \"\", "
                           + "\"label_column\": 1}"),
                    keyPath: "splits.train.id_column", contains: "column name or a 0-based")
        assertError(layout(splits: "\"train\": {\(Self.split), \"format\": \"xlsx\"}"),
                    keyPath: "splits.train.format", contains: "\"csv\" or \"tsv\"")
        assertError(layout(splits: "\"train\": {\(Self.split), \"header\": \"yes\"}"),
                    keyPath: "splits.train.header", contains: "true or false")
        assertError(layout(splits: "\"train\": {\"file\": \"t.csv\", \"header\": false, "
                           + "\"id_column\": 0, \"label_column\": 1}",
                           modalities: Self.modalities + ", \"text\": {\"column\": \"caption\"}"),
                    keyPath: "modalities.text.column", contains: "no header")
    }

    func testLabelsAreSortedOrADistinctList() {
        assertError(layout(extra: ", \"labels\": \"alphabetical\""), keyPath: "labels",
                    contains: "\"sorted\" or a list")
        assertError(layout(extra: ", \"labels\": [\"a\", \"b\", \"a\"]"), keyPath: "labels[2]",
                    contains: "listed twice (first at labels[0])")
        assertError(layout(extra: ", \"labels\": [\"a\", \" \"]"), keyPath: "labels[1]",
                    contains: "empty")
        assertError(layout(extra: ", \"labels\": [\"a\"]"), keyPath: "labels",
                    contains: "at least two")
        assertError(layout(extra: ", \"labels\": [\"a\", 2]"), keyPath: "labels[1]",
                    contains: "expected a string")
    }

    func testTheFileAsAWholeAndItsNameAndPipelineSection() {
        assertError("{\"splits\": ", keyPath: "", contains: "not valid JSON")
        assertError("[1, 2]", keyPath: "", contains: "expected an object, found an array")
        assertError(layout(extra: ", \"name\": \"my/set\""), keyPath: "name",
                    contains: "cannot name a cache folder")
        assertError(layout(extra: ", \"name\": \".hidden\""), keyPath: "name",
                    contains: "cannot name a cache folder")
        assertError(layout(extra: ", \"pipeline\": [1]"), keyPath: "pipeline",
                    contains: "expected an object")
        let error = failure(layout(modalities: "\"audio\": \"wav/x.wav\", \"frames\": \"f/{id}\""))
        XCTAssertEqual(error?.description, "my/layout.json: modalities.audio: pattern has no "
                       + "{id}: every sample would share the path 'wav/x.wav'")
        XCTAssertEqual(error?.finding.code, "layout")
        XCTAssertEqual(error?.finding.path, "my/layout.json")
    }

    func testAMissingLayoutFileIsAnErrorNamingIt() {
        XCTAssertThrowsError(try FolderLayoutFile.load(path: "/nonexistent/l.json")) { error in
            XCTAssertEqual((error as? FolderLayoutError)?.file, "/nonexistent/l.json")
        }
    }
}
