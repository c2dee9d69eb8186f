import Cache
import Datasets
import Foundation
import Pipeline
import Training
import XCTest

/// `amss validate` and `amss prep` on the Sarcasm and Twitter15 layouts that
/// `tools/make_textimage_real.py` builds from real tweets (VADER) and real photos
/// (scikit-image), checked against values known independently: the committed reference token
/// ids of the same tweets (Tests/TextTests/Fixtures/corpus/tweets.ids, BertTokenizerLegacy),
/// Pillow's decoded, EXIF-turned and resized pictures, and the labels and ids the script wrote.
final class RealTextImageTests: XCTestCase {
    /// libavcodec + libswscale against Pillow (libjpeg-turbo, its own bilinear filter): at most
    /// this mean |Δ| in levels over one picture's 224·224·3 values.
    private let meanBound = 1.5
    /// …and at most this share of the values more than 8 levels apart (edges of the resampling).
    private let outlierShare = 0.01
    private let length = 128
    private var scratch = ""

    override func setUpWithError() throws {
        scratch = NSTemporaryDirectory() + "amss-textimage-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: scratch)
    }

    /// What the builder wrote: per dataset the rows, drops and planted bad rows.
    private struct Expected: Decodable {
        struct Row: Decodable {
            let split: String
            let label: Int
            let line: Int
            let variant: String
        }
        struct Bad: Decodable {
            let code: String
            let id: String?
        }
        struct Layout: Decodable {
            let rows: [String: Row]
            let dropped: [String: Int]
            let bad: [Bad]
        }
        let sarcasm: Layout
        let twitter15: Layout
        let sarcasmRaw: Layout

        enum CodingKeys: String, CodingKey {
            case sarcasm, twitter15
            case sarcasmRaw = "sarcasm_raw"
        }
    }

    private var repository: String { CacheTestSupport.repository() }
    private var vocabulary: String {
        repository + "/Tests/TextTests/Fixtures/vocab/bert-base-uncased.txt"
    }

    private func locate() throws -> (root: String, expected: Expected) {
        let root = ProcessInfo.processInfo.environment["AMSS_REAL_TEXTIMAGE"]
            ?? repository + "/tools/.media/textimage-real"
        guard let data = FileManager.default.contents(atPath: root + "/EXPECTED.json") else {
            XCTFail("no image–text layouts at \(root): run tools/test.sh (or tools/fetch_media.sh"
                    + " && python3 tools/make_textimage_real.py \(root))")
            throw CocoaError(.fileNoSuchFile)
        }
        return (root, try JSONDecoder().decode(Expected.self, from: data))
    }

    /// The reference ids of every tweet (with [CLS] and [SEP], no cut), by line.
    private func referenceIDs() throws -> [[Int32]] {
        let text = try String(contentsOfFile: repository
                              + "/Tests/TextTests/Fixtures/corpus/tweets.ids", encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.split(separator: " ").compactMap { Int32($0) } }
    }

    func testSarcasmValidatePrepAgainstReferences() throws {
        try check(dataset: "sarcasm", layout: try locate().expected.sarcasm)
    }

    func testTwitter15ValidatePrepAgainstReferences() throws {
        try check(dataset: "twitter15", layout: try locate().expected.twitter15)
    }

    func testSarcasmRawListLiteralsGiveTheTweetsVerbatim() throws {
        let (root, expected) = try locate()
        let tweets = try String(contentsOfFile: repository
                                + "/Tests/TextTests/Fixtures/corpus/tweets.txt", encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let scan = SarcasmLayout().scanTextImage(root: root + "/sarcasm-raw")
        XCTAssertEqual(scan.findings.map(\.line), [])
        XCTAssertEqual(Set(scan.samples.map(\.id)), Set(expected.sarcasmRaw.rows.keys))
        for sample in scan.samples {
            let row = try XCTUnwrap(expected.sarcasmRaw.rows[sample.id])
            XCTAssertEqual(sample.text, tweets[row.line], sample.id)
            XCTAssertEqual(sample.label, row.label, sample.id)
        }
        try check(dataset: "sarcasm", layout: expected.sarcasmRaw, folder: "sarcasm-raw")
    }

    func testTwitter15ReferenceModeHasNoSpecialsAndPadsWithZero() throws {
        let (root, expected) = try locate()
        let out = try CacheTestSupport.amss([
            "prep", "twitter15", root + "/twitter15", "--cache", scratch + "/cache", "--vocab",
            vocabulary, "--compat", "reference", "--quiet", "--json"])
        XCTAssertEqual(out.status, 0, out.err)
        let folder = try XCTUnwrap(CacheTestSupport.cacheFolder(fromJSON: out.out))
        let references = try referenceIDs()
        var compared = 0
        for (id, tokens, mask) in try textRows(folder) {
            let row = try XCTUnwrap(expected.twitter15.rows[id], id)
            let pieces = Array(references[row.line].dropFirst().dropLast())
            let kept = min(pieces.count, length)
            XCTAssertEqual(tokens, Array(pieces.prefix(kept))
                           + Array(repeating: 0, count: length - kept), id)
            XCTAssertEqual(mask, Array(repeating: 1, count: kept)
                           + Array(repeating: 0, count: length - kept), id)
            compared += 1
        }
        XCTAssertEqual(compared, expected.twitter15.rows.count)
    }

    func testAnEditedCaptionRebuildsOnlyItsShard() throws {
        let source = try locate().root + "/sarcasm"
        let root = scratch + "/sarcasm"
        try FileManager.default.copyItem(atPath: source, toPath: root)
        guard let config = PipelineConfig.builtIn("sarcasm") else { return XCTFail("no config") }
        var options = PrepOptions(dataset: "sarcasm", root: root, config: config)
        options.cacheRoot = scratch + "/cache"
        options.quiet = true
        options.vocabulary = vocabulary
        let first = try PrepRunner.run(options)
        XCTAssertEqual(first.shardsWritten, 3)

        // One changed caption of the valid split (ids, labels and pictures unchanged) must
        // rebuild that split's shard alone.
        let table = root + "/annotations/valid_data.tsv"
        var lines = try String(contentsOfFile: table, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var fields = lines[1].split(separator: "\t", omittingEmptySubsequences: false)
            .map(String.init)
        fields[1] += " edited"
        lines[1] = fields.joined(separator: "\t")
        try lines.joined(separator: "\n").write(toFile: table, atomically: true, encoding: .utf8)
        let second = try PrepRunner.run(options)
        XCTAssertEqual(second.configKey, first.configKey)
        XCTAssertEqual(second.shardsWritten, 1)
        XCTAssertEqual(second.shardsReused, 2)
    }

    // MARK: - The check of one dataset

    private func check(dataset: String, layout: Expected.Layout, folder: String? = nil) throws {
        let root = try locate().root + "/" + (folder ?? dataset)

        // validate: the planted rows are errors, missing pictures warnings, exit code 1.
        let validation = try CacheTestSupport.amss(["validate", dataset, root, "--json"])
        XCTAssertEqual(validation.status, layout.bad.isEmpty ? 0 : 1, validation.err)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(
            with: Data(validation.out.utf8)) as? [String: Any])
        let findings = try XCTUnwrap(report["findings"] as? [[String: Any]])
        let errors = findings.filter { $0["severity"] as? String == "error" }
        XCTAssertEqual(errors.compactMap { $0["code"] as? String }.sorted(),
                       layout.bad.map(\.code).sorted())
        for bad in layout.bad where bad.id != nil {
            XCTAssertTrue(errors.contains { $0["id"] as? String == bad.id }, "\(bad)")
        }
        XCTAssertEqual(findings.filter { $0["code"] as? String == "missing-image" }.count,
                       layout.dropped.values.reduce(0, +))
        XCTAssertEqual((report["samples"] as? NSNumber)?.intValue, layout.rows.count)

        // prep: every good row written, the bad ones rejected, the drops counted per split.
        let started = Date()
        let prep = try CacheTestSupport.amss([
            "prep", dataset, root, "--cache", scratch + "/cache", "--vocab", vocabulary,
            "--workers", "2", "--quiet", "--json"])
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(prep.status, 0, prep.err)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(
            with: Data((prep.out.split(separator: "\n").last ?? "").utf8)) as? [String: Any])
        XCTAssertEqual(counts(summary["dropped"]), layout.dropped)
        XCTAssertEqual((summary["rejected"] as? NSNumber)?.intValue, layout.bad.count)
        var perSplit: [String: Int] = [:]
        for row in layout.rows.values { perSplit[row.split, default: 0] += 1 }
        XCTAssertEqual(counts(summary["samples"]), perSplit)
        print(String(format: "prep %@: %d samples in %.2f s (whole process) = %.0f samples/s",
                     dataset, layout.rows.count, seconds, Double(layout.rows.count) / seconds))

        let folder = try XCTUnwrap(summary["cache_folder"] as? String)
        try checkShards(folder, layout: layout, root: try locate().root)
        let config = try XCTUnwrap(PipelineConfig.recorded(in: try Manifest.load(
            cacheFolder: folder)))
        XCTAssertEqual(config.text?.vocabSHA256.count, 64)
        XCTAssertTrue(CacheVerifier.verify(cacheFolder: folder, schema: config.shardSchema).ok)

        // The trainer reads it as text and visual (training: RealTrainingKindsTests).
        let data = try TrainingData(cacheFolder: folder)
        XCTAssertEqual(data.modalities.map(\.name), ["text", "visual"])
        XCTAssertEqual(data.modalities.map(\.shape), [[length], [1, 224, 224, 3]])
    }

    private func checkShards(_ folder: String, layout: Expected.Layout, root: String) throws {
        let references = try referenceIDs()
        let manifest = try Manifest.load(cacheFolder: folder)
        var seen = Set<String>()
        var worst = 0.0
        for (split, entry) in manifest.allEntries {
            let reader = try ShardReader(path: folder + "/" + entry.file)
            let ids = try reader.ids()
            let labels = try reader.int64Column("label")
            let tokens = try reader.int32Column("tokens")
            XCTAssertEqual(try reader.shape(of: "image"), [ids.count, 224, 224, 3])
            XCTAssertEqual(try reader.shape(of: "tokens"), [ids.count, length])
            for (index, id) in ids.enumerated() {
                let row = try XCTUnwrap(layout.rows[id], "unexpected id \(id)")
                seen.insert(id)
                XCTAssertEqual(row.split, split, id)
                XCTAssertEqual(Int(labels[index]), row.label, id)

                // [CLS] pieces [SEP] cut to 128 (the cut keeps [SEP]), [PAD] = 0 after.
                let full = references[row.line]
                let expected = full.count > length ? Array(full.prefix(length - 1)) + [102]
                    : full + Array(repeating: 0, count: length - full.count)
                XCTAssertEqual(Array(tokens[(index * length)..<((index + 1) * length)]),
                               expected, id)
                let mask = try reader.readUInt8("attention_mask", sample: index)
                XCTAssertEqual(mask.map(Int.init).reduce(0, +), min(full.count, length), id)

                let picture = try reader.readUInt8("image", sample: index)
                let reference = [UInt8](try Data(contentsOf: URL(fileURLWithPath: root
                    + "/reference/\(row.variant).rgb")))
                XCTAssertEqual(picture.count, reference.count, id)
                var total = 0, outliers = 0
                for (ours, theirs) in zip(picture, reference) {
                    let difference = abs(Int(ours) - Int(theirs))
                    total += difference
                    if difference > 8 { outliers += 1 }
                }
                let mean = Double(total) / Double(max(1, reference.count))
                worst = max(worst, mean)
                XCTAssertLessThanOrEqual(mean, meanBound, "\(id) (\(row.variant))")
                XCTAssertLessThanOrEqual(Double(outliers) / Double(max(1, reference.count)),
                                         outlierShare, "\(id) (\(row.variant))")
            }
        }
        XCTAssertEqual(seen, Set(layout.rows.keys))
        print("image parity against Pillow: worst mean |Δ| \(worst) levels over "
              + "\(seen.count) pictures")
    }

    /// A JSON object of counts as a dictionary.
    private func counts(_ value: Any?) -> [String: Int] {
        (value as? [String: Any] ?? [:]).compactMapValues { ($0 as? NSNumber)?.intValue }
    }

    /// (id, tokens, attention mask) of every sample of a cache.
    private func textRows(_ folder: String) throws -> [(String, [Int32], [UInt8])] {
        var rows: [(String, [Int32], [UInt8])] = []
        for (_, entry) in try Manifest.load(cacheFolder: folder).allEntries {
            let reader = try ShardReader(path: folder + "/" + entry.file)
            let tokens = try reader.int32Column("tokens")
            for (index, id) in try reader.ids().enumerated() {
                rows.append((id, Array(tokens[(index * length)..<((index + 1) * length)]),
                             try reader.readUInt8("attention_mask", sample: index)))
            }
        }
        return rows
    }
}
