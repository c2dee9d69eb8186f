import Foundation
import XCTest
@testable import Cache

final class ShardRoundTripTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "amss-cache-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func writeSample(to path: String) throws {
        let audio = (0..<(3 * 4 * 5)).map { Float($0) * 0.5 - 7 }
        let frames = (0..<(3 * 2 * 2 * 2 * 3)).map { UInt8(truncatingIfNeeded: $0 * 3) }
        try ShardWriter.write(
            to: path, ids: ["1001_DFA_ANG_XX", "é/ü", ""],
            columns: [
                ShardColumn(name: "label", shape: [3], values: .int64([5, 0, 2])),
                ShardColumn(name: "audio", shape: [3, 4, 5], values: .float32(audio),
                            attributes: ["axes": "sample,frequency,time"]),
                ShardColumn(name: "frames", shape: [3, 2, 2, 2, 3], values: .uint8(frames)),
                ShardColumn(name: "frame_count", shape: [3], values: .int32([2, 1, 2])),
            ],
            attributes: ["config_key": "abc123"], listAttributes: ["classes": ["NEU", "HAP"]])
    }

    func testValuesComeBackExactly() throws {
        let path = folder + "/shard-00000.h5"
        try writeSample(to: path)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".tmp"))

        let reader = try ShardReader(path: path)
        XCTAssertEqual(reader.sampleCount, 3)
        XCTAssertEqual(try reader.ids(), ["1001_DFA_ANG_XX", "é/ü", ""])
        XCTAssertEqual(try reader.int64Column("label"), [5, 0, 2])
        XCTAssertEqual(try reader.int32Column("frame_count"), [2, 1, 2])
        XCTAssertEqual(try reader.shape(of: "audio"), [3, 4, 5])
        XCTAssertEqual(try reader.readFloat32("audio", sample: 1),
                       (20..<40).map { Float($0) * 0.5 - 7 })
        XCTAssertEqual(try reader.readUInt8("frames", sample: 2),
                       (48..<72).map { UInt8(truncatingIfNeeded: $0 * 3) })
        XCTAssertEqual(try reader.stringAttribute("classes"), ["NEU", "HAP"])
        XCTAssertEqual(try reader.stringAttribute("config_key"), ["abc123"])
        XCTAssertTrue(reader.hasDataset("audio"))
        XCTAssertFalse(reader.hasDataset("tokens"))
        XCTAssertThrowsError(try reader.readFloat32("audio", sample: 3))
    }

    func testSameContentsGiveSameBytes() throws {
        try writeSample(to: folder + "/a.h5")
        try writeSample(to: folder + "/b.h5")
        XCTAssertEqual(try SHA256.hex(ofFile: folder + "/a.h5"),
                       try SHA256.hex(ofFile: folder + "/b.h5"))
    }

    func testMismatchedShapeIsRejectedBeforeWriting() {
        let path = folder + "/bad.h5"
        XCTAssertThrowsError(try ShardWriter.write(
            to: path, ids: ["a", "b"],
            columns: [ShardColumn(name: "label", shape: [3], values: .int64([1, 2, 3]))]))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    func testNonHDF5FileIsATypedError() throws {
        let path = folder + "/text.h5"
        try Data("not hdf5".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try ShardReader(path: path)) { error in
            XCTAssertEqual((error as? CacheError)?.code, "hdf5")
        }
    }

    func testManifestRoundTrip() throws {
        let manifest = Manifest(
            dataset: "crema", config: .object(["n_fft": .number(512)]), configKey: "k",
            toolVersion: "0.1.0", classes: ["NEU", "HAP"],
            splits: ["train": [ShardEntry(file: "train/shard-00000.h5", samples: 3, sha256: "x")]],
            rejected: [RejectedSample(id: "a", path: "AudioWAV/a.wav", code: "not-audio",
                                      reason: "r")])
        try manifest.save(cacheFolder: folder)
        let text = try String(contentsOfFile: folder + "/manifest.json", encoding: .utf8)
        XCTAssertTrue(text.contains("\"schema_version\" : 1"))
        let loaded = try Manifest.load(cacheFolder: folder)
        XCTAssertEqual(loaded.splits, manifest.splits)
        XCTAssertEqual(loaded.rejected, manifest.rejected)
        XCTAssertEqual(loaded.config, manifest.config)
    }
}
