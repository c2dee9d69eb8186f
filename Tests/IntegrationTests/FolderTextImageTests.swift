import Cache
import Foundation
import XCTest

/// `prep folder` with an image and a text modality: a layout file over the real Sarcasm layout
/// that `tools/make_textimage_real.py` builds gives, sample for sample, the same labels, token
/// ids and pixels as the built-in `prep sarcasm` (whose values RealTextImageTests checks
/// against BertTokenizerLegacy's ids and Pillow's pictures); and an audio + image layout over
/// the real spoken-digit layout of `tools/make_folder_real.py` trains.
final class FolderTextImageTests: XCTestCase {
    private var scratch = ""

    override func setUpWithError() throws {
        scratch = NSTemporaryDirectory() + "amss-folder-text-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: scratch)
    }

    private let layout = """
        {"name": "captions",
         "splits": {"train": {"file": "annotations/train_data.tsv", "id_column": "ImageID",
                              "label_column": "Label"},
                    "valid": {"file": "annotations/valid_data.tsv", "id_column": "ImageID",
                              "label_column": "Label"},
                    "test": {"file": "annotations/test_data.tsv", "id_column": "ImageID",
                             "label_column": "Label"}},
         "labels": ["0", "1"],
         "modalities": {"image": "sarcasm/images/{id}", "text": {"column": "String"}}}
        """

    /// Every shard's samples of the cache folder printed last by `prep`, by id.
    private func samples(of prep: (status: Int32, out: String, err: String)) throws
        -> [String: (label: Int64, tokens: [Int32], image: [UInt8])] {
        XCTAssertEqual(prep.status, 0, prep.err)
        let folder = String(prep.out.split(separator: "\n").last ?? "")
        var found: [String: (label: Int64, tokens: [Int32], image: [UInt8])] = [:]
        for (_, entry) in try Manifest.load(cacheFolder: folder).allEntries {
            let reader = try ShardReader(path: folder + "/" + entry.file)
            let labels = try reader.int64Column("label")
            let tokens = try reader.int32Column("tokens")
            let length = tokens.count / max(1, labels.count)
            for (index, id) in try reader.ids().enumerated() {
                let row = Array(tokens[(index * length)..<((index + 1) * length)])
                found[id] = (labels[index], row, try reader.readUInt8("image", sample: index))
            }
        }
        return found
    }

    func testImageAndTextLayoutGivesTheSarcasmShardsValues() throws {
        let media = ProcessInfo.processInfo.environment["AMSS_REAL_TEXTIMAGE"]
            ?? CacheTestSupport.repository() + "/tools/.media/textimage-real"
        let root = media + "/sarcasm"
        guard FileManager.default.fileExists(atPath: root + "/annotations/train_data.tsv") else {
            XCTFail("no Sarcasm layout at \(root): run tools/test.sh")
            return
        }
        let vocabulary = CacheTestSupport.repository()
            + "/Tests/TextTests/Fixtures/vocab/bert-base-uncased.txt"
        let layoutFile = scratch + "/captions.json"
        try Data(layout.utf8).write(to: URL(fileURLWithPath: layoutFile))

        let noVocabulary = try CacheTestSupport.amss([
            "prep", "folder", root, "--layout", layoutFile, "--cache", scratch + "/none",
            "--quiet"])
        let folder = try samples(of: try CacheTestSupport.amss([
            "prep", "folder", root, "--layout", layoutFile, "--vocab", vocabulary,
            "--cache", scratch + "/folder", "--quiet"]))
        let builtIn = try samples(of: try CacheTestSupport.amss([
            "prep", "sarcasm", root, "--vocab", vocabulary, "--cache", scratch + "/sarcasm",
            "--quiet"]))

        XCTAssertEqual(noVocabulary.status, 1)
        XCTAssertTrue(noVocabulary.err.contains("vocab"), noVocabulary.err)
        // The built-in layout names a sample after its picture without the extension.
        let renamed = Dictionary(uniqueKeysWithValues: folder.map {
            (($0.key as NSString).deletingPathExtension, $0.value)
        })
        XCTAssertGreaterThan(builtIn.count, 50)
        XCTAssertEqual(Set(renamed.keys), Set(builtIn.keys))
        for (id, ours) in renamed {
            let theirs = try XCTUnwrap(builtIn[id])
            XCTAssertEqual(ours.label, theirs.label, id)
            XCTAssertEqual(ours.tokens, theirs.tokens, id)
            XCTAssertTrue(ours.image == theirs.image, "pixels of \(id) differ")
        }
    }

    func testAudioAndImageLayoutPrepsAndTrainsOneEpoch() throws {
        let root = ProcessInfo.processInfo.environment["AMSS_REAL_FOLDER"]
            ?? CacheTestSupport.repository() + "/tools/.media/folder-real"
        guard FileManager.default.fileExists(atPath: root + "/lists/train.csv") else {
            XCTFail("no folder layout at \(root): run tools/test.sh")
            return
        }
        let layoutFile = scratch + "/stills.json"
        try Data("""
            {"name": "stills",
             "splits": {"train": {"file": "lists/train.csv", "id_column": "clip",
                                  "label_column": "word"},
                        "test": {"file": "lists/test.tsv", "header": false, "id_column": 0,
                                 "label_column": 2}},
             "modalities": {"audio": "wav/{id}.wav", "image": "frames/{id}/00000.jpg"},
             "pipeline": {"audio": {"clip_seconds": 2},
                          "image": {"width": 64, "height": 64}, "shard_size": 16}}
            """.utf8).write(to: URL(fileURLWithPath: layoutFile))

        let prep = try CacheTestSupport.amss([
            "prep", "folder", root, "--layout", layoutFile, "--cache", scratch + "/cache",
            "--quiet"])
        XCTAssertEqual(prep.status, 0, prep.err)
        let folder = String(prep.out.split(separator: "\n").last ?? "")
        let manifest = try Manifest.load(cacheFolder: folder)
        let entry = try XCTUnwrap(manifest.allEntries.first?.entry)
        let reader = try ShardReader(path: folder + "/" + entry.file)
        XCTAssertEqual(try reader.shape(of: "image"), [entry.samples, 64, 64, 3])
        XCTAssertEqual(try reader.shape(of: "audio"), [entry.samples, 257, 125])
        XCTAssertFalse(reader.hasDataset("frames"))
        let train = try CacheTestSupport.amss([
            "train", folder, "--epochs", "1", "--width", "0.125", "--batch-size", "8",
            "--out", scratch + "/run", "--json"])

        XCTAssertEqual(train.status, 0, train.err)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(
            with: Data((train.out.split(separator: "\n").last ?? "").utf8)) as? [String: Any])
        let accuracy = try XCTUnwrap((summary["best_test_acc"] as? NSNumber)?.doubleValue,
                                     "\(summary)")
        XCTAssertTrue((0...100).contains(accuracy))
    }
}
