import Cache
import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// `amss cache …`, `prep --part`, the train-side check and `bench read`, as users call them.
final class CacheCommandTests: XCTestCase {
    private var scratch = ""
    private var root: String { scratch + "/layout" }
    private var config: String { scratch + "/config.json" }

    override func setUpWithError() throws {
        scratch = try CacheTestSupport.scratch("cachecmd")
        try CacheTestSupport.smallLayout(at: root, train: 10, test: 4)
        try CacheTestSupport.config(at: config, shardSize: 3)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: scratch)
    }

    private func prep(_ cache: String, _ extra: [String] = []) throws -> String {
        let result = try CacheTestSupport.amss(["prep", "crema", root, "--cache", cache,
                                                "--config", config, "--quiet"] + extra)
        XCTAssertEqual(result.status, 0, result.err)
        return result.out.split(separator: "\n").last.map(String.init) ?? ""
    }

    private func jsonLine(_ out: String) throws -> [String: Any] {
        let lines = out.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "--json prints exactly one line: \(out)")
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data((lines.last ?? "").utf8))
            as? [String: Any])
    }

    func testInspectVerifyAndListASoundCache() throws {
        let folder = try prep(scratch + "/c")
        let text = try CacheTestSupport.amss(["cache", "inspect", folder])
        XCTAssertEqual(text.status, 0)
        XCTAssertTrue(text.out.contains("0=NEU 1=HAP 2=SAD 3=FEA 4=DIS 5=ANG"), text.out)
        XCTAssertTrue(text.out.contains("\"n_fft\":512"), text.out)

        let json = try jsonLine(try CacheTestSupport.amss(["cache", "inspect", folder,
                                                           "--json"]).out)
        let splits = try XCTUnwrap(json["splits"] as? [String: [String: Any]])
        XCTAssertEqual(splits["train"]?["samples"] as? Int, 10)
        XCTAssertEqual(splits["test"]?["samples"] as? Int, 4)
        let manifest = try Manifest.load(cacheFolder: folder)
        XCTAssertEqual(json["config_key"] as? String, manifest.configKey)
        let shards = try XCTUnwrap(json["shards"] as? [[String: Any]])
        XCTAssertEqual(shards.count, manifest.allEntries.count)
        for shard in shards {
            let file = try XCTUnwrap(shard["file"] as? String)
            XCTAssertEqual((shard["bytes"] as? NSNumber)?.int64Value,
                           FileStamp.of(folder + "/" + file)?.bytes)
        }

        let verify = try CacheTestSupport.amss(["cache", "verify", folder])
        XCTAssertEqual(verify.status, 0, verify.out)
        let verifyJSON = try jsonLine(try CacheTestSupport.amss(["cache", "verify", folder,
                                                                 "--json"]).out)
        XCTAssertEqual(verifyJSON["ok"] as? Bool, true)
        XCTAssertEqual(verifyJSON["samples"] as? Int, 14)

        let list = try jsonLine(try CacheTestSupport.amss(["cache", "ls", scratch + "/c",
                                                           "--json"]).out)
        let caches = try XCTUnwrap(list["caches"] as? [[String: Any]])
        XCTAssertEqual(caches.map { $0["folder"] as? String }, [folder])
        XCTAssertEqual(caches.first?["state"] as? String, "complete")
        XCTAssertEqual(caches.first?["samples"] as? Int, 14)
        XCTAssertEqual(caches.first?["dataset"] as? String, "crema")
    }

    func testVerifyAndTrainCatchDamagedShards() throws {
        let folder = try prep(scratch + "/c")
        let manifest = try Manifest.load(cacheFolder: folder)
        let files = manifest.allEntries.map(\.entry.file)
        let flipped = folder + "/" + files[0], cut = folder + "/" + files[1]
        let size = try XCTUnwrap(FileStamp.of(flipped)).bytes
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: flipped))
        try handle.seek(toOffset: UInt64(size / 2))
        let byte = handle.readData(ofLength: 1).first ?? 0
        try handle.seek(toOffset: UInt64(size / 2))
        handle.write(Data([byte ^ 1]))
        try handle.close()
        XCTAssertEqual(truncate(cut, 4096), 0)

        let verify = try CacheTestSupport.amss(["cache", "verify", folder])
        XCTAssertEqual(verify.status, 1)
        XCTAssertTrue(verify.out.contains(flipped + ": SHA-256"), verify.out)
        XCTAssertTrue(verify.out.contains(cut + ": the file has 4096 bytes"), verify.out)

        // train refuses before it starts, naming the first damaged shard.
        let train = try CacheTestSupport.amss(["train", folder, "--epochs", "1", "--width",
                                               "0.0625", "--out", scratch + "/run"])
        XCTAssertEqual(train.status, 1)
        XCTAssertTrue(train.err.contains(flipped), train.err)

        // A shard from another configuration, and a missing manifest.
        try CacheTestSupport.config(at: scratch + "/other.json", shardSize: 3, deflate: 1)
        let otherFolder = try CacheTestSupport.amss(
            ["prep", "crema", root, "--cache", scratch + "/o", "--config", scratch + "/other.json",
             "--quiet"]).out.split(separator: "\n").last.map(String.init) ?? ""
        try FileManager.default.removeItem(atPath: flipped)
        try FileManager.default.copyItem(atPath: otherFolder + "/" + files[0], toPath: flipped)
        let foreign = try CacheTestSupport.amss(["cache", "verify", folder])
        XCTAssertTrue(foreign.out.contains(flipped + ": made with config key"), foreign.out)
        unlink(folder + "/manifest.json")
        let bare = try CacheTestSupport.amss(["cache", "verify", folder])
        XCTAssertEqual(bare.status, 1)
        XCTAssertTrue(bare.out.contains(folder + "/manifest.json"), bare.out)
        XCTAssertEqual(try CacheTestSupport.amss(["cache", "inspect", folder]).status, 1)
    }

    func testPartsMergeIntoTheSameCacheAsOneRun() throws {
        let whole = try prep(scratch + "/whole")
        let shared = scratch + "/shared"
        var folder = ""
        for index in [2, 0] {
            let out = try prep(shared, ["--part", "\(index)/3"])
            folder = out
        }
        let early = try CacheTestSupport.amss(["cache", "merge", folder])
        XCTAssertEqual(early.status, 1)
        XCTAssertTrue(early.err.contains("part-1-of-3.json"), early.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/manifest.json"))

        _ = try prep(shared, ["--part", "1/3"])
        let merge = try jsonLine(try CacheTestSupport.amss(["cache", "merge", folder,
                                                            "--json"]).out)
        XCTAssertEqual(merge["parts"] as? Int, 3)
        XCTAssertEqual(try CacheTestSupport.shardDigests(folder),
                       try CacheTestSupport.shardDigests(whole))
        XCTAssertEqual(try Manifest.load(cacheFolder: folder).splits.mapValues { $0.map(\.sha256) },
                       try Manifest.load(cacheFolder: whole).splits.mapValues { $0.map(\.sha256) })
        XCTAssertEqual(try CacheTestSupport.amss(["cache", "verify", folder]).status, 0)

        // A part made with another configuration is refused.
        try CacheTestSupport.config(at: scratch + "/other.json", shardSize: 3, deflate: 2)
        let other = try CacheTestSupport.amss(["prep", "crema", root, "--cache", shared,
                                               "--config", scratch + "/other.json", "--quiet",
                                               "--part", "0/2"])
        let otherFolder = other.out.split(separator: "\n").last.map(String.init) ?? ""
        _ = try CacheTestSupport.amss(["prep", "crema", root, "--cache", shared, "--config",
                                       config, "--quiet", "--part", "1/2"])
        try FileManager.default.copyItem(atPath: otherFolder + "/parts/part-0-of-2.json",
                                         toPath: folder + "/parts/part-0-of-2.json")
        let mixed = try CacheTestSupport.amss(["cache", "merge", folder])
        XCTAssertEqual(mixed.status, 1)
        XCTAssertTrue(mixed.err.contains("config-mismatch"), mixed.err)
    }

    func testSecondWriterIsToldTheHoldersPid() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CacheTestSupport.executable)
        process.arguments = ["prep", "crema", root, "--cache", scratch + "/c", "--config",
                             config, "--quiet", "--workers", "1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        var folder = ""
        // Held, and the holder has written its pid (it does so right after taking the lock).
        while folder.isEmpty && Date() < deadline {
            folder = CacheCatalog.folders(under: scratch + "/c").first { candidate in
                CacheLock.isHeld(folder: candidate)
                    && CacheLock.holders(folder: candidate) != ["unknown pid"]
            } ?? ""
            if folder.isEmpty { usleep(2_000) }
        }
        kill(process.processIdentifier, SIGSTOP)
        defer {
            kill(process.processIdentifier, SIGCONT)
            process.waitUntilExit()
        }
        XCTAssertFalse(folder.isEmpty, "the first prep never took its lock")
        let second = try CacheTestSupport.amss(["prep", "crema", root, "--cache", scratch + "/c",
                                                "--config", config, "--quiet"])
        XCTAssertEqual(second.status, 1)
        XCTAssertTrue(second.err.contains("pid \(process.processIdentifier) on "), second.err)
        let list = try CacheTestSupport.amss(["cache", "ls", scratch + "/c"])
        XCTAssertTrue(list.out.contains("writing"), list.out)
    }

    func testGarbageCollectionAsksAndRemovesOnlyUnreferencedFiles() throws {
        let folder = try prep(scratch + "/c")
        let keep = try CacheTestSupport.shardDigests(folder)
        let stale = folder + "/train/shard-00042.h5"
        try FileManager.default.copyItem(atPath: folder + "/" + (keep.keys.sorted().first ?? ""),
                                         toPath: stale)
        let temporary = folder + "/test/shard-00000.h5.tmp"
        _ = FileManager.default.createFile(atPath: temporary, contents: Data("x".utf8))
        let orphan = scratch + "/c/crema/0123456789abcdef"
        try FileManager.default.createDirectory(atPath: orphan + "/train",
                                                withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: orphan + "/.lock", contents: nil)

        let dry = try CacheTestSupport.amss(["cache", "gc", scratch + "/c", "--dry-run"])
        XCTAssertEqual(dry.status, 0)
        for path in [stale, temporary, orphan] {
            XCTAssertTrue(dry.err.contains("remove \(path) "), dry.err)
        }
        let declined = try CacheTestSupport.amss(["cache", "gc", scratch + "/c"], input: "n\n")
        XCTAssertEqual(declined.status, 0)
        XCTAssertTrue(declined.err.contains("[y/N]"), declined.err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: stale), "declined: nothing removed")

        let confirmed = try CacheTestSupport.amss(["cache", "gc", scratch + "/c"], input: "y\n")
        XCTAssertEqual(confirmed.status, 0, confirmed.err)
        for path in [stale, temporary, orphan] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: path), path)
        }
        XCTAssertEqual(try CacheTestSupport.shardDigests(folder), keep)
        XCTAssertEqual(try CacheTestSupport.amss(["cache", "verify", folder]).status, 0)

        // With a runs folder, a cache no run trained on goes too (here with --yes).
        try FileManager.default.createDirectory(atPath: scratch + "/runs/r1",
                                                withIntermediateDirectories: true)
        try Data("{\"cache_folder\": \"/elsewhere\", \"config_key\": \"other\"}".utf8)
            .write(to: URL(fileURLWithPath: scratch + "/runs/r1/config.json"))
        let unused = try jsonLine(try CacheTestSupport.amss(["cache", "gc", scratch + "/c",
                                                             "--runs", scratch + "/runs",
                                                             "--yes", "--json"]).out)
        XCTAssertEqual(unused["removed"] as? [String], [folder])
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder))
    }

    func testUsageErrorsExitTwo() throws {
        for arguments in [["cache"], ["cache", "frobnicate"], ["cache", "verify"],
                          ["cache", "inspect", "a", "b"], ["prep", "crema", root, "--part", "3/2"],
                          ["prep", "crema", root, "--part", "x"], ["bench", "read"]] {
            XCTAssertEqual(try CacheTestSupport.amss(arguments).status, 2, "\(arguments)")
        }
        XCTAssertEqual(try CacheTestSupport.amss(["cache", "--help"]).status, 0)
    }

    func testBenchReadReportsBothReaders() throws {
        let folder = try prep(scratch + "/c")
        let python = try CacheTestSupport.run("/usr/bin/env", ["python3", "-c", "import h5py"])
        var arguments = ["bench", "read", folder, "--passes", "1", "--json", "--python",
                         CacheTestSupport.repository() + "/tools/bench/read.py"]
        if python.status != 0 { arguments.append("--skip-python") }
        let bench = try CacheTestSupport.amss(arguments)
        XCTAssertEqual(bench.status, 0, bench.err)
        let report = try jsonLine(bench.out)
        XCTAssertEqual(report["samples"] as? Int, 10)
        XCTAssertGreaterThan(report["amss_samples_per_second"] as? Double ?? 0, 0)
        if python.status == 0 {
            XCTAssertGreaterThan(report["h5py_samples_per_second"] as? Double ?? 0, 0)
        }
    }
}
