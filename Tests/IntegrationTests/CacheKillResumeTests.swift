import Cache
import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// `amss prep` killed with SIGKILL at random moments, then rerun: the cache equals an
/// uninterrupted run's, byte for byte, and no killed run ever leaves a half-written shard under
/// its final name.
final class CacheKillResumeTests: XCTestCase {
    private var scratch = ""

    override func setUpWithError() throws {
        scratch = try CacheTestSupport.scratch("kill")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: scratch)
    }

    /// A seeded xorshift64* so that a failing run can be replayed with AMSS_KILL_SEED.
    private struct Random {
        var state: UInt64
        mutating func unit() -> Double {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return Double((state &* 0x2545_F491_4F6C_DD1D) >> 11) / Double(1 << 53)
        }
    }

    func testKilledPrepResumesToTheSameBytes() throws {
        let root = scratch + "/layout"
        try CacheTestSupport.smallLayout(at: root)
        let config = scratch + "/config.json"
        try CacheTestSupport.config(at: config, shardSize: 4)
        func prep(_ cache: String) -> [String] {
            ["prep", "crema", root, "--cache", cache, "--config", config, "--workers", "2",
             "--quiet", "--json"]
        }

        // The uninterrupted reference run.
        let started = Date()
        let reference = try CacheTestSupport.amss(prep(scratch + "/reference"))
        let duration = Date().timeIntervalSince(started)
        XCTAssertEqual(reference.status, 0, reference.err)
        let referenceFolder = try XCTUnwrap(CacheTestSupport.cacheFolder(fromJSON: reference.out))
        let digests = try CacheTestSupport.shardDigests(referenceFolder)
        let values = try CacheTestSupport.values(referenceFolder)
        XCTAssertGreaterThanOrEqual(digests.count, 4, "the test needs several shards")
        XCTAssertEqual(values.values.reduce(0) { $0 + $1.ids.count }, 20)

        let environment = ProcessInfo.processInfo.environment
        let iterations = Int(environment["AMSS_KILL_ITERATIONS"] ?? "") ?? 24
        let seed = UInt64(environment["AMSS_KILL_SEED"] ?? "") ?? 20_241_204
        var random = Random(state: seed | 1)
        var killedMidRun = 0, kills = 0, resumedWithReuse = 0
        for iteration in 0..<iterations {
            let cache = scratch + "/run-\(iteration)"
            let folder = cache + "/" + referenceFolder.split(separator: "/").suffix(2)
                .joined(separator: "/")
            // One to three kills in a row, each at a random moment of a run.
            for _ in 0..<(1 + Int(random.unit() * 3)) {
                let delay = random.unit() * duration * 1.1
                let (wasRunning, _) = try killAfter(delay, prep(cache))
                kills += 1
                if wasRunning { killedMidRun += 1 }
                try assertOnlyCompleteShards(in: folder, reference: digests,
                                             context: "iteration \(iteration), seed \(seed)")
            }

            let rerun = try CacheTestSupport.amss(prep(cache))
            XCTAssertEqual(rerun.status, 0, "iteration \(iteration): \(rerun.err)")
            if rerun.out.contains("\"shards_reused\":0,") == false { resumedWithReuse += 1 }
            XCTAssertEqual(try CacheTestSupport.shardDigests(folder), digests,
                           "iteration \(iteration), seed \(seed): shard bytes differ")
            XCTAssertEqual(try CacheTestSupport.values(folder), values,
                           "iteration \(iteration): dataset values differ")
            XCTAssertEqual(CacheFiles.temporaries(in: folder), [], "stale temporaries remain")
            let report = CacheVerifier.verify(cacheFolder: folder)
            XCTAssertTrue(report.ok, "iteration \(iteration): \(report.problems)")
            try? FileManager.default.removeItem(atPath: cache)
        }
        print("kill-and-resume: \(iterations) iterations, \(kills) SIGKILLs, "
              + "\(killedMidRun) mid-run, \(resumedWithReuse) reruns reused finished shards, "
              + String(format: "reference run %.2f s, seed %llu", duration, seed))
        XCTAssertGreaterThanOrEqual(killedMidRun, kills / 2,
                                    "most kills must land while prep is running")
        XCTAssertGreaterThan(resumedWithReuse, 0, "some reruns must resume, not start over")
    }

    func testKilledUpdateNeverLeavesAManifestOverOtherBytes() throws {
        let root = scratch + "/layout"
        try CacheTestSupport.smallLayout(at: root)
        let config = scratch + "/config.json"
        try CacheTestSupport.config(at: config, shardSize: 4)
        let arguments = ["prep", "crema", root, "--cache", scratch + "/cache", "--config",
                         config, "--workers", "2", "--quiet", "--json"]
        let first = try CacheTestSupport.amss(arguments)
        XCTAssertEqual(first.status, 0, first.err)
        let folder = try XCTUnwrap(CacheTestSupport.cacheFolder(fromJSON: first.out))
        let wavs = try FileManager.default.contentsOfDirectory(atPath: root + "/AudioWAV")

        var random = Random(state: 20_261_204)
        var withdrawnSeen = 0
        for round in 0..<8 {
            // New modification times: every shard's identity changes, so the update replaces
            // shards the complete manifest lists.
            let stamp = Date(timeIntervalSince1970: 1_700_000_000 + Double(round) * 1000)
            for name in wavs {
                try FileManager.default.setAttributes([.modificationDate: stamp],
                                                      ofItemAtPath: root + "/AudioWAV/" + name)
            }
            let started = Date()
            let update = try CacheTestSupport.amss(arguments)
            XCTAssertEqual(update.status, 0, update.err)
            let duration = Date().timeIntervalSince(started)
            for name in wavs {
                try FileManager.default.setAttributes(
                    [.modificationDate: stamp.addingTimeInterval(500)],
                    ofItemAtPath: root + "/AudioWAV/" + name)
            }
            _ = try killAfter(random.unit() * duration, arguments)

            // Either a manifest whose every checksum holds, or none and a clear reason.
            let report = CacheVerifier.verify(cacheFolder: folder)
            if FileManager.default.fileExists(atPath: folder + "/manifest.json") {
                XCTAssertTrue(report.ok, "round \(round): \(report.problems)")
            } else {
                withdrawnSeen += 1
                XCTAssertThrowsError(try Manifest.load(cacheFolder: folder)) { error in
                    XCTAssertEqual((error as? CacheError)?.code, "incomplete", "\(error)")
                }
            }
        }
        let rerun = try CacheTestSupport.amss(arguments)
        XCTAssertEqual(rerun.status, 0, rerun.err)
        XCTAssertTrue(CacheVerifier.verify(cacheFolder: folder).ok)
        XCTAssertFalse(FileManager.default.fileExists(atPath: Manifest.withdrawnPath(
            inCacheFolder: folder)))
        print("killed updates: \(withdrawnSeen) of 8 left the manifest withdrawn")
    }

    /// Starts `amss` with `arguments`, sends SIGKILL after `delay` seconds, and waits;
    /// returns whether it was still running when killed.
    private func killAfter(_ delay: Double, _ arguments: [String]) throws -> (Bool, Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CacheTestSupport.executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(UInt32(delay * 1_000_000))
        let running = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return (running, process.terminationStatus)
    }

    /// Every shard under its final name is a complete one: its bytes are the reference's.
    private func assertOnlyCompleteShards(in folder: String, reference: [String: String],
                                          context: String) throws {
        for (file, digest) in try CacheTestSupport.shardDigests(folder) {
            XCTAssertEqual(digest, reference[file], "\(context): \(file) is half-written or "
                           + "differs from the uninterrupted run")
        }
    }
}
