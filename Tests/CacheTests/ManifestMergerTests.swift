import Foundation
import XCTest
@testable import Cache

/// `cache merge`: joins complete parts of one config and plan, refuses anything else.
final class ManifestMergerTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = try CacheFixture.folder("merge")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Writes part `index` of `count` owning shard files `files` (each of `index + 1` samples).
    private func writePart(_ index: Int, of count: Int, files: [String], key: String = "k1",
                           plan: String = "p", complete: Bool = true,
                           rejected: [RejectedSample] = []) throws {
        var part = PartManifest(dataset: "synthetic", config: .object([:]), configKey: key,
                                toolVersion: "test", classes: ["a", "b", "c"], part: index,
                                parts: count, plan: plan, buckets: ["train": 4], shards: files,
                                invalid: [RejectedSample(id: "bad", path: "x.wav", code: "missing",
                                                         reason: "r")])
        for file in files {
            try CacheFixture.writeShard(folder + "/" + file, count: index + 1, configKey: key)
            part.record(try CacheFixture.entry(folder, file, samples: index + 1), split: "train")
        }
        part.rejected = rejected
        part.complete = complete
        try part.save(cacheFolder: folder)
    }

    func testCompletePartsMergeIntoOneManifestAndTidyUp() throws {
        try writePart(0, of: 2, files: ["train/shard-00000.h5", "train/shard-00002.h5"],
                      rejected: [RejectedSample(id: "z", path: "z.wav", code: "not-audio",
                                                reason: "r")])
        try writePart(1, of: 2, files: ["train/shard-00001.h5"],
                      rejected: [RejectedSample(id: "m", path: "m.wav", code: "not-audio",
                                                reason: "r")])
        try CacheFixture.writeShard(folder + "/train/shard-00007.h5", count: 1)  // stale
        _ = FileManager.default.createFile(atPath: folder + "/train/shard-00001.h5.tmp",
                                       contents: nil)

        let outcome = try ManifestMerger.commit(cacheFolder: folder)
        XCTAssertEqual(outcome.parts, 2)
        XCTAssertEqual(outcome.shards, 3)
        XCTAssertEqual(outcome.samples, 1 + 2 + 1)
        let manifest = try Manifest.load(cacheFolder: folder)
        XCTAssertEqual(manifest.splits["train"]?.map(\.file),
                       ["train/shard-00000.h5", "train/shard-00001.h5", "train/shard-00002.h5"])
        XCTAssertEqual(manifest.rejected.map(\.id), ["bad", "m", "z"],
                       "validation rejects once, then stage rejects by id")
        XCTAssertEqual(manifest.buckets, ["train": 4])
        XCTAssertEqual(PartManifest.files(in: folder), [])
        XCTAssertEqual(CacheFiles.shardFiles(in: folder), manifest.splits["train"]?.map(\.file))
        XCTAssertEqual(CacheFiles.temporaries(in: folder), [])
        XCTAssertTrue(CacheVerifier.verify(cacheFolder: folder).ok)
    }

    func testMissingPartIsRefusedNamingIt() throws {
        try writePart(0, of: 3, files: ["train/shard-00000.h5"])
        try writePart(2, of: 3, files: ["train/shard-00002.h5"])
        XCTAssertThrowsError(try ManifestMerger.commit(cacheFolder: folder)) { error in
            let cacheError = error as? CacheError
            XCTAssertEqual(cacheError?.code, "missing")
            XCTAssertTrue(cacheError?.path.hasSuffix("parts/part-1-of-3.json") ?? false,
                          "\(String(describing: cacheError))")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/manifest.json"))
    }

    func testUnfinishedPartIsRefused() throws {
        try writePart(0, of: 2, files: ["train/shard-00000.h5"])
        try writePart(1, of: 2, files: ["train/shard-00001.h5"], complete: false)
        XCTAssertThrowsError(try ManifestMerger.commit(cacheFolder: folder)) { error in
            XCTAssertEqual((error as? CacheError)?.code, "incomplete")
            XCTAssertTrue((error as? CacheError)?.path.hasSuffix("part-1-of-2.json") ?? false)
        }
    }

    func testPartsOfAnotherConfigOrPlanAreRefused() throws {
        try writePart(0, of: 2, files: ["train/shard-00000.h5"])
        try writePart(1, of: 2, files: ["train/shard-00001.h5"], key: "k2")
        XCTAssertThrowsError(try ManifestMerger.merged(cacheFolder: folder)) { error in
            XCTAssertEqual((error as? CacheError)?.code, "config-mismatch")
            XCTAssertTrue((error as? CacheError)?.reason.contains("k2") ?? false)
        }
        try writePart(1, of: 2, files: ["train/shard-00001.h5"], plan: "other")
        XCTAssertThrowsError(try ManifestMerger.merged(cacheFolder: folder)) { error in
            XCTAssertEqual((error as? CacheError)?.code, "plan-mismatch")
        }
        try writePart(1, of: 2, files: ["train/shard-00001.h5"])
        try writePart(0, of: 3, files: [])
        XCTAssertThrowsError(try ManifestMerger.merged(cacheFolder: folder)) { error in
            XCTAssertEqual((error as? CacheError)?.code, "plan-mismatch")
        }
    }

    func testNoPartsIsAnError() {
        XCTAssertThrowsError(try ManifestMerger.merged(cacheFolder: folder)) { error in
            XCTAssertEqual((error as? CacheError)?.code, "missing")
        }
    }
}
