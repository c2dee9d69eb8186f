import Foundation
import XCTest
@testable import Cache

/// `verify` names every corrupt, foreign, missing and extra file; `quickCheck` (what `train`
/// runs) trusts unchanged size + mtime and re-hashes everything else.
final class CacheVerifierTests: XCTestCase {
    private var folders: [String] = []

    override func tearDownWithError() throws {
        for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
    }

    private func cache(_ name: String) throws -> String {
        let folder = try CacheFixture.cache(name)
        folders.append(folder)
        return folder
    }

    private func codes(_ report: CacheVerifier.Report, _ file: String) -> Set<String> {
        Set(report.problems.filter { $0.path.hasSuffix(file) }.map(\.code))
    }

    func testSoundCachePasses() throws {
        let folder = try cache("sound")
        let report = CacheVerifier.verify(cacheFolder: folder, schema: CacheFixture.schema)
        XCTAssertEqual(report.problems, [])
        XCTAssertEqual(report.shards, 2)
        XCTAssertEqual(report.samples, 5)
        XCTAssertNoThrow(try CacheVerifier.quickCheck(cacheFolder: folder, full: true))
    }

    func testFlippedByteIsACheckumProblemNamingTheFile() throws {
        let folder = try cache("flip")
        let path = folder + "/train/shard-00001.h5"
        let size = try XCTUnwrap(FileStamp.of(path)).bytes
        try CacheFixture.flipByte(path, at: UInt64(size - 10))
        let report = CacheVerifier.verify(cacheFolder: folder, schema: CacheFixture.schema)
        XCTAssertTrue(codes(report, "train/shard-00001.h5").contains("checksum"),
                      "\(report.problems)")
        XCTAssertEqual(codes(report, "train/shard-00000.h5"), [])
        XCTAssertThrowsError(try CacheVerifier.quickCheck(cacheFolder: folder)) { error in
            XCTAssertEqual((error as? CacheError)?.path, path)
            XCTAssertEqual((error as? CacheError)?.code, "checksum")
        }
    }

    func testTruncatedShardIsCaught() throws {
        let folder = try cache("truncate")
        let path = folder + "/train/shard-00000.h5"
        XCTAssertEqual(truncate(path, 2000), 0)
        let report = CacheVerifier.verify(cacheFolder: folder, schema: CacheFixture.schema)
        XCTAssertEqual(codes(report, "train/shard-00000.h5"), ["truncated", "checksum", "hdf5"])
        XCTAssertTrue(report.problems.allSatisfy { $0.path == path }, "\(report.problems)")
        XCTAssertThrowsError(try CacheVerifier.quickCheck(cacheFolder: folder)) { error in
            XCTAssertEqual((error as? CacheError)?.path, path)
        }
    }

    func testShardOfAnotherConfigIsCaught() throws {
        let folder = try cache("foreign")
        let foreign = try CacheFixture.cache("k2", configKey: "k2")
        folders.append(foreign)
        let path = folder + "/train/shard-00001.h5"
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: foreign + "/train/shard-00001.h5", toPath: path)
        let report = CacheVerifier.verify(cacheFolder: folder, schema: CacheFixture.schema)
        XCTAssertTrue(codes(report, "train/shard-00001.h5").isSuperset(of: ["config-mismatch",
                                                                            "checksum"]),
                      "\(report.problems)")
        let mismatch = report.problems.first { $0.code == "config-mismatch" }
        XCTAssertTrue(mismatch?.reason.contains("k2") ?? false)
    }

    func testMissingManifestMissingShardAndExtraFiles() throws {
        let folder = try cache("missing")
        unlink(folder + "/train/shard-00000.h5")
        _ = FileManager.default.createFile(atPath: folder + "/train/shard-00009.h5", contents: nil)
        _ = FileManager.default.createFile(atPath: folder + "/train/shard-00001.h5.tmp",
                                       contents: nil)
        let report = CacheVerifier.verify(cacheFolder: folder, schema: CacheFixture.schema)
        XCTAssertEqual(codes(report, "train/shard-00000.h5"), ["missing"])
        XCTAssertEqual(codes(report, "train/shard-00009.h5"), ["extra"])
        XCTAssertEqual(codes(report, "train/shard-00001.h5.tmp"), ["extra"])
        XCTAssertThrowsError(try CacheVerifier.quickCheck(cacheFolder: folder)) { error in
            XCTAssertEqual((error as? CacheError)?.code, "missing")
        }

        unlink(folder + "/manifest.json")
        let bare = CacheVerifier.verify(cacheFolder: folder)
        XCTAssertEqual(bare.problems.map(\.path), [folder + "/manifest.json"])
        XCTAssertEqual(bare.problems.first?.code, "missing")
        XCTAssertThrowsError(try CacheVerifier.quickCheck(cacheFolder: folder)) { error in
            XCTAssertEqual((error as? CacheError)?.path, folder + "/manifest.json")
        }
    }

    func testWrongDtypeAndShapeAreSchemaProblems() throws {
        let folder = try cache("dtype")
        let path = folder + "/train/shard-00000.h5"
        try CacheFixture.writeShard(path, count: 3, labelType: true)
        let report = CacheVerifier.verify(cacheFolder: folder, schema: CacheFixture.schema)
        let reasons = report.problems.filter { $0.code == "schema" }.map(\.reason)
        XCTAssertTrue(reasons.contains { $0.contains("label is int32, expected int64") },
                      "\(reasons)")
        let wide = ShardSchema(datasets: [.init(name: "audio", kind: .float32,
                                                dimensions: [4, 6])])
        let shape = CacheVerifier.verify(cacheFolder: folder, schema: wide).problems
        XCTAssertTrue(shape.contains { $0.reason.contains("[3, 4, 5], expected [N, 4, 6]") },
                      "\(shape)")
    }

    /// Same size and mtime: trusted without re-hashing (so a quick check costs a stat per
    /// shard); a changed mtime means re-hashing; `full` re-hashes everything.
    func testQuickCheckTrustsUnchangedStampsOnly() throws {
        let folder = try cache("quick")
        let path = folder + "/train/shard-00000.h5"
        let before = try XCTUnwrap(FileStamp.of(path))
        try CacheFixture.flipByte(path, at: UInt64(before.bytes - 10))
        var restore = [timespec(tv_sec: Int(before.mtimeNs / 1_000_000_000),
                                tv_nsec: Int(before.mtimeNs % 1_000_000_000)),
                       timespec(tv_sec: Int(before.mtimeNs / 1_000_000_000),
                                tv_nsec: Int(before.mtimeNs % 1_000_000_000))]
        XCTAssertEqual(utimensat(AT_FDCWD, path, &restore, 0), 0)
        XCTAssertEqual(FileStamp.of(path), before)
        XCTAssertNoThrow(try CacheVerifier.quickCheck(cacheFolder: folder))
        XCTAssertThrowsError(try CacheVerifier.quickCheck(cacheFolder: folder, full: true))

        try CacheFixture.flipByte(path, at: UInt64(before.bytes - 10))  // back to the original
        CacheFixture.setModificationTime(path, seconds: 1_000_000)
        XCTAssertNotEqual(FileStamp.of(path), before)
        XCTAssertNoThrow(try CacheVerifier.quickCheck(cacheFolder: folder),
                         "a touched but unchanged shard passes after re-hashing")
    }

    func testLayoutQueriesOfTheReader() throws {
        let folder = try cache("layout")
        try CacheFixture.writeShard(folder + "/train/deflated.h5", count: 2, deflate: 6)
        let plain = try ShardReader(path: folder + "/train/shard-00000.h5")
        XCTAssertEqual(try plain.elementKind(of: "ids"), .utf8)
        XCTAssertEqual(try plain.elementKind(of: "label"), .int64)
        XCTAssertEqual(try plain.elementKind(of: "audio"), .float32)
        XCTAssertEqual(try plain.elementKind(of: "frames"), .uint8)
        XCTAssertEqual(try plain.chunkShape(of: "frames"), [1, 2, 3, 3, 3])
        XCTAssertEqual(try plain.chunkShape(of: "ids"), nil)
        XCTAssertEqual(try plain.deflateLevel(of: "audio"), 0)
        let deflated = try ShardReader(path: folder + "/train/deflated.h5")
        XCTAssertEqual(try deflated.deflateLevel(of: "audio"), 6)
        XCTAssertEqual(try deflated.readFloat32("audio", sample: 1), (20..<40).map { Float($0) })
    }
}
