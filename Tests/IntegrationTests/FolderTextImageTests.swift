import Cache
import Foundation
import XCTest

/// `prep folder` with an image and a text modality: a layout file over the real Sarcasm layout
/// that `tools/make_textimage_real.py` builds gives, sample for sample, the same labels, token
/// ids and pixels as the built-in `prep sarcasm` (whose values RealTextImageTests checks
/// against BertTokenizerLegacy's ids and Pillow's pictures).
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
                found[id] = (labels[index], Array(tokens[(index * length)..<((index + 1) * length)]),
                             try reader.readUInt8("image", sample: index))
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
}
