import Cache
import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Shards as Python users read them: `tools/ref/h5py_check.py` (h5py with its own bundled
/// HDF5) checks docs/CASES.md H1–H4 and runs the README's PyTorch Dataset; skipped when
/// python3 with h5py is not installed.
final class CacheH5pyTests: XCTestCase {
    private var scratch = ""
    private var script: String { CacheTestSupport.repository() + "/tools/ref/h5py_check.py" }

    override func setUpWithError() throws {
        let probe = try CacheTestSupport.run("/usr/bin/env", ["python3", "-c",
                                                              "import h5py, numpy"])
        try XCTSkipUnless(probe.status == 0, "python3 with h5py and numpy is not installed")
        scratch = try CacheTestSupport.scratch("h5py")
    }

    override func tearDownWithError() throws {
        if !scratch.isEmpty { try? FileManager.default.removeItem(atPath: scratch) }
    }

    /// Runs the check script; returns its exit status and JSON report.
    private func check(_ arguments: [String], environment: [String: String]? = nil) throws
        -> (Int32, [String: Any]) {
        let result = try CacheTestSupport.run("/usr/bin/env", ["python3", script] + arguments,
                                              environment: environment)
        let line = result.out.split(separator: "\n").last.map(String.init) ?? ""
        let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        return (result.status, try XCTUnwrap(object, "no JSON from the script (exit "
                                                + "\(result.status)): \(result.err)"))
    }

    /// The SHA-256 of each dataset's values as amss reads them, in the script's convention.
    private func amssDigests(_ path: String) throws -> [String: String] {
        let reader = try ShardReader(path: path)
        var frames: [UInt8] = []
        for sample in 0..<reader.sampleCount { frames += try reader.readUInt8("frames",
                                                                             sample: sample) }
        func digest<T>(_ values: [T]) -> String {
            values.withUnsafeBytes { SHA256.hex(of: Data($0)) }
        }
        return ["ids": SHA256.hex(of: try reader.ids().joined(separator: "\n")),
                "label": digest(try reader.int64Column("label")),
                "audio": digest(try reader.float32Column("audio")),
                "frames": digest(frames),
                "frame_count": digest(try reader.int32Column("frame_count"))]
    }

    private func prepSmallCache(shardSize: Int) throws -> (String, [String: [String]]) {
        let root = scratch + "/layout"
        let chosen = try CacheTestSupport.smallLayout(at: root)
        try CacheTestSupport.config(at: scratch + "/config.json", shardSize: shardSize)
        let prep = try CacheTestSupport.amss(["prep", "crema", root, "--cache", scratch + "/c",
                                              "--config", scratch + "/config.json", "--quiet",
                                              "--json"])
        XCTAssertEqual(prep.status, 0, prep.err)
        return (try XCTUnwrap(CacheTestSupport.cacheFolder(fromJSON: prep.out)), chosen)
    }

    /// H1, H2, H4 on a real cache, and h5py's values equal amss's; the README Dataset works.
    func testH5pyReadsEveryShardOfARealCache() throws {
        let (folder, chosen) = try prepSmallCache(shardSize: 4)
        let (status, report) = try check([folder, "--readme",
                                          CacheTestSupport.repository() + "/README.md"])
        XCTAssertEqual(status, 0, "\(report["problems"] ?? "")")
        let shards = try XCTUnwrap(report["shards"] as? [[String: Any]])
        let manifest = try Manifest.load(cacheFolder: folder)
        XCTAssertEqual(shards.count, manifest.allEntries.count)

        var ids: [String] = []
        for shard in shards {
            let file = try XCTUnwrap(shard["file"] as? String)
            let names = try XCTUnwrap(shard["ids"] as? [String])
            XCTAssertEqual(names, names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
            ids += names
            XCTAssertEqual(shard["digests"] as? [String: String],
                           try amssDigests(folder + "/" + file), file)
            XCTAssertEqual(shard["dtypes"] as? [String: String],
                           ["label": "<i8", "audio": "<f4", "frames": "|u1",
                            "frame_count": "<i4"])
            let shapes = try XCTUnwrap(shard["shapes"] as? [String: [Int]])
            XCTAssertEqual(shapes["audio"], [names.count, 257, 188])
            XCTAssertEqual(Array(shapes["frames"]?.suffix(3) ?? []), [224, 224, 3])
            let chunks = try XCTUnwrap(shard["chunks"] as? [String: [Int]])
            XCTAssertEqual(chunks["audio"], [1, 257, 188])
            XCTAssertEqual(chunks["frames"], [1] + (shapes["frames"]?.dropFirst() ?? []))
        }
        // Every clip copied into the layout, from its annotation files, and nothing else.
        XCTAssertEqual(ids.sorted(), ((chosen["train"] ?? []) + (chosen["test"] ?? [])).sorted())

        let readme = try XCTUnwrap(report["readme"] as? [String: Any])
        XCTAssertLessThan(readme["lines"] as? Int ?? 99, 15, "the README Dataset is ≤ 14 lines")
        XCTAssertEqual(readme["samples"] as? Int, chosen["train"]?.count)
        if let torch = readme["torch"] as? [String: Any] {
            XCTAssertEqual(torch["batches"] as? Int, chosen["train"]?.count)
        }

        // The README's h5py part also runs where torch is missing (stand-in torch names).
        let hide = scratch + "/no-torch"
        try FileManager.default.createDirectory(atPath: hide, withIntermediateDirectories: true)
        try Data("raise ImportError('hidden by the test')\n".utf8)
            .write(to: URL(fileURLWithPath: hide + "/torch.py"))
        var environment = ProcessInfo.processInfo.environment
        // the stand-in goes first; the rest of the path (where h5py may live) is kept
        environment["PYTHONPATH"] = ([hide] + (environment["PYTHONPATH"].map { [$0] } ?? []))
            .joined(separator: ":")
        let (bareStatus, bare) = try check([folder, "--readme",
                                            CacheTestSupport.repository() + "/README.md"],
                                           environment: environment)
        XCTAssertEqual(bareStatus, 0, "\(bare["problems"] ?? "")")
        let bareReadme = try XCTUnwrap(bare["readme"] as? [String: Any])
        XCTAssertTrue(bareReadme["torch"] is NSNull, "torch must have been hidden")
        XCTAssertEqual(bareReadme["samples"] as? Int, chosen["train"]?.count)
    }

    /// H1: ids with non-ASCII, empty and emoji strings come back exactly through `.asstr()`.
    func testStringsComeBackThroughAsstr() throws {
        let ids = ["1001_DFA_ANG_XX", "é/ü", "", "日本語", "glad 😊", "tab\tin"]
        let folder = scratch + "/strings"
        try FileManager.default.createDirectory(atPath: folder + "/train",
                                                withIntermediateDirectories: true)
        let path = folder + "/train/shard-00000.h5"
        let count = ids.count
        try ShardWriter.write(
            to: path, ids: ids,
            columns: [
                ShardColumn(name: "label", shape: [count], values: .int64([0, 1, 0, 1, 0, 1])),
                ShardColumn(name: "audio", shape: [count, 2, 3],
                            values: .float32((0..<(count * 6)).map { Float($0) / 4 })),
                ShardColumn(name: "frames", shape: [count, 1, 2, 2, 3],
                            values: .uint8((0..<(count * 12)).map { UInt8($0) })),
                ShardColumn(name: "frame_count", shape: [count], values: .int32([1, 1, 1, 1,
                                                                                  1, 1])),
            ],
            attributes: ["config_key": "k-ü"], listAttributes: ["classes": ["NEU", "HAPPY ✓"]])
        let entry = ShardEntry(file: "train/shard-00000.h5", samples: count,
                               sha256: try SHA256.hex(ofFile: path))
        try Manifest(dataset: "synthetic", config: .object([:]), configKey: "k-ü",
                     toolVersion: "test", classes: ["NEU", "HAPPY ✓"],
                     splits: ["train": [entry]], rejected: []).save(cacheFolder: folder)

        let (status, report) = try check([folder])
        XCTAssertEqual(status, 0, "\(report["problems"] ?? "")")
        let shard = try XCTUnwrap((report["shards"] as? [[String: Any]])?.first)
        XCTAssertEqual(shard["ids"] as? [String], ids)
        XCTAssertEqual(shard["config_key"] as? String, "k-ü")
        XCTAssertEqual(shard["classes"] as? [String], ["NEU", "HAPPY ✓"])
        XCTAssertEqual(shard["digests"] as? [String: String], try amssDigests(path))
    }

    /// H3: while prep is stopped between shards, finished shards open in several concurrent
    /// h5py processes, which read the same values as each other and as the finished cache.
    func testFinishedShardsAreReadableWhilePrepWrites() throws {
        let root = scratch + "/layout"
        try CacheTestSupport.smallLayout(at: root)
        try CacheTestSupport.config(at: scratch + "/config.json", shardSize: 2)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CacheTestSupport.executable)
        process.arguments = ["prep", "crema", root, "--cache", scratch + "/c", "--config",
                             scratch + "/config.json", "--workers", "1", "--quiet"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()

        let deadline = Date().addingTimeInterval(60)
        var folder = ""
        while folder.isEmpty && Date() < deadline && process.isRunning {
            let caches = CacheCatalog.folders(under: scratch + "/c")
            if let found = caches.first, CacheFiles.shardFiles(in: found).count >= 2 {
                folder = found
            } else {
                usleep(2_000)
            }
        }
        kill(process.processIdentifier, SIGSTOP)
        let stoppedMidRun = process.isRunning && !folder.isEmpty
            && !FileManager.default.fileExists(atPath: folder + "/manifest.json")
        defer {
            kill(process.processIdentifier, SIGCONT)
            process.waitUntilExit()
        }
        XCTAssertTrue(stoppedMidRun, "prep finished before it could be stopped between shards")
        guard stoppedMidRun else { return }

        var reports: [[String: Any]] = []
        let lock = NSLock()
        var failures: [String] = []
        DispatchQueue.concurrentPerform(iterations: 3) { _ in
            do {
                let (status, report) = try check([folder, "--present"])
                lock.lock()
                reports.append(report)
                if status != 0 { failures.append("\(report["problems"] ?? "")") }
                lock.unlock()
            } catch {
                lock.lock()
                failures.append("\(error)")
                lock.unlock()
            }
        }
        XCTAssertEqual(failures, [])
        let digests = reports.map { report -> [String: [String: String]] in
            var byFile: [String: [String: String]] = [:]
            for shard in (report["shards"] as? [[String: Any]]) ?? [] {
                byFile[shard["file"] as? String ?? ""] = shard["digests"] as? [String: String]
            }
            return byFile
        }
        XCTAssertEqual(Set(reports.compactMap { $0["pid"] as? Int }).count, 3)
        XCTAssertEqual(digests.count, 3)
        for other in digests.dropFirst() {
            XCTAssertEqual(other, digests.first, "concurrent readers saw different bytes")
        }
        let seen = (reports.first?["shards"] as? [[String: Any]]) ?? []
        XCTAssertGreaterThanOrEqual(seen.count, 2)

        kill(process.processIdentifier, SIGCONT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        for shard in seen {
            let file = try XCTUnwrap(shard["file"] as? String)
            XCTAssertEqual(shard["digests"] as? [String: String],
                           try amssDigests(folder + "/" + file), "\(file) changed after H3 read")
        }
    }
}
