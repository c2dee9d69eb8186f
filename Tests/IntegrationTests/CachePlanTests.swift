import Cache
import Datasets
import Foundation
import Pipeline
import XCTest

/// The stable shard rule: adding, removing or touching one sample changes one shard, and
/// `prep` then rewrites only that shard.
final class CachePlanTests: XCTestCase {
    private var scratch = ""

    override func setUpWithError() throws {
        scratch = try CacheTestSupport.scratch("plan")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: scratch)
    }

    /// Hand-computed: ⌈n/s⌉ for a new cache; the previous count while n/c ∈ [s/2, 2s].
    func testBucketCountRule() {
        XCTAssertEqual(ShardPlan.bucketCount(samples: 100, shardSize: 64, previous: nil), 2)
        XCTAssertEqual(ShardPlan.bucketCount(samples: 128, shardSize: 64, previous: nil), 2)
        XCTAssertEqual(ShardPlan.bucketCount(samples: 129, shardSize: 64, previous: nil), 3)
        XCTAssertEqual(ShardPlan.bucketCount(samples: 129, shardSize: 64, previous: 2), 2)
        XCTAssertEqual(ShardPlan.bucketCount(samples: 256, shardSize: 64, previous: 2), 2)
        XCTAssertEqual(ShardPlan.bucketCount(samples: 257, shardSize: 64, previous: 2), 5)
        XCTAssertEqual(ShardPlan.bucketCount(samples: 64, shardSize: 64, previous: 2), 2)
        XCTAssertEqual(ShardPlan.bucketCount(samples: 63, shardSize: 64, previous: 2), 1)
        XCTAssertEqual(ShardPlan.bucketCount(samples: 1, shardSize: 64, previous: nil), 1)
        // FNV-1a-64 reference values (offset basis for "", and the published "a" vector).
        XCTAssertEqual(ShardPlan.fnv1a(""), 0xcbf2_9ce4_8422_2325)
        XCTAssertEqual(ShardPlan.fnv1a("a"), 0xaf63_dc4c_8601_ec8c)
    }

    /// `count` samples with one small source file each.
    private func samples(_ count: Int, from start: Int = 0) throws -> [Sample] {
        try (start..<(start + count)).map { index in
            let id = String(format: "clip-%04d", index)
            let path = scratch + "/\(id).wav"
            if !FileManager.default.fileExists(atPath: path) {
                try Data("\(index)".utf8).write(to: URL(fileURLWithPath: path))
            }
            return Sample(id: id, split: "train", label: index % 6, sources: ["audio": path])
        }
    }

    private func plan(_ samples: [Sample], previous: [String: Int] = [:]) -> ShardPlan {
        ShardPlan(samples: samples, shardSize: 16, configKey: "k", rootReal: scratch,
                  previousBuckets: previous)
    }

    /// Files whose identity differs between two plans (present in either).
    private func changed(_ first: ShardPlan, _ second: ShardPlan) -> Set<String> {
        let one = Dictionary(uniqueKeysWithValues: first.shards.map { ($0.file, $0.identity) })
        let two = Dictionary(uniqueKeysWithValues: second.shards.map { ($0.file, $0.identity) })
        return Set(one.keys).union(two.keys).filter { one[$0] != two[$0] }
    }

    func testOneSampleChangesOneShard() throws {
        let base = try samples(208)
        let first = plan(base)
        XCTAssertEqual(first.buckets, ["train": 13])  // 208 / 16

        let grown = plan(base + (try samples(1, from: 208)), previous: first.buckets)
        XCTAssertEqual(grown.buckets, ["train": 13], "kept: 209 / 13 ≈ 16.1 is within 8…32")
        XCTAssertEqual(changed(first, grown).count, 1)
        let fresh = plan(base + (try samples(1, from: 208)))
        XCTAssertEqual(fresh.buckets, ["train": 14], "⌈209 / 16⌉ without a previous count")
        XCTAssertGreaterThan(changed(first, fresh).count, 10, "re-bucketing changes almost all")

        let shrunk = plan(Array(base.dropFirst(1)), previous: first.buckets)
        XCTAssertEqual(changed(first, shrunk).count, 1)

        let touched = base[37].sources["audio"] ?? ""
        var time = [timeval(tv_sec: 1_000_000, tv_usec: 0), timeval(tv_sec: 1_000_000,
                                                                     tv_usec: 0)]
        XCTAssertEqual(utimes(touched, &time), 0)
        let retouched = plan(base, previous: first.buckets)
        XCTAssertEqual(changed(first, retouched).count, 1)
        XCTAssertEqual(retouched.digest, first.digest, "the sample assignment did not change")

        XCTAssertEqual(plan(base.reversed(), previous: first.buckets).digest, retouched.digest,
                       "the plan does not depend on sample order")
    }

    func testPartsSplitThePlanEvenly() throws {
        let whole = plan(try samples(300))
        for count in [1, 2, 3, 7] {
            let parts = (0..<count).map { whole.shards(part: $0, of: count).map(\.file) }
            XCTAssertEqual(parts.flatMap { $0 }.sorted(), whole.shards.map(\.file).sorted())
            XCTAssertEqual(Set(parts.flatMap { $0 }).count, whole.shards.count, "disjoint")
            let sizes = parts.map(\.count)
            XCTAssertLessThanOrEqual((sizes.max() ?? 0) - (sizes.min() ?? 0), 1)
        }
    }

    /// The real binary: touching, re-touching under `--strict`, adding and removing a clip
    /// each rewrite at most one shard and leave the others' bytes alone.
    func testPrepRewritesOnlyTheChangedShard() throws {
        let root = scratch + "/layout"
        let chosen = try CacheTestSupport.smallLayout(at: root, train: 15, test: 6)
        let csv = root + "/annotations/train.csv"
        let rows = try String(contentsOfFile: csv, encoding: .utf8)
            .split(separator: "\n").map(String.init)
        try (rows.dropLast().joined(separator: "\n") + "\n").write(toFile: csv, atomically: true,
                                                                    encoding: .utf8)
        try CacheTestSupport.config(at: scratch + "/config.json", shardSize: 4)

        func prep(_ extra: [String] = []) throws -> (folder: String, written: Int, reused: Int) {
            let result = try CacheTestSupport.amss(["prep", "crema", root, "--cache",
                                                    scratch + "/c", "--config",
                                                    scratch + "/config.json", "--quiet",
                                                    "--json"] + extra)
            XCTAssertEqual(result.status, 0, result.err)
            let line = result.out.split(separator: "\n").last.map(String.init) ?? "{}"
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
                as? [String: Any] ?? [:]
            return (object["cache_folder"] as? String ?? "", object["shards_written"] as? Int
                    ?? -1, object["shards_reused"] as? Int ?? -1)
        }
        let first = try prep()
        let before = try CacheTestSupport.shardDigests(first.folder)
        XCTAssertEqual(first.written, before.count)

        func assertOneShardChanged(_ label: String) throws -> [String: String] {
            let after = try CacheTestSupport.shardDigests(first.folder)
            let differing = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }
            XCTAssertLessThanOrEqual(differing.count, 1, "\(label): \(differing.sorted())")
            XCTAssertTrue(CacheVerifier.verify(cacheFolder: first.folder).ok, label)
            return after
        }

        let touchedClip = try XCTUnwrap(chosen["train"]?[3])
        let wav = root + "/AudioWAV/\(touchedClip).wav"
        var time = [timeval(tv_sec: 1_500_000_000, tv_usec: 0),
                    timeval(tv_sec: 1_500_000_000, tv_usec: 0)]
        XCTAssertEqual(utimes(wav, &time), 0)
        let touched = try prep()
        XCTAssertEqual(touched.written, 1, "the touched clip's shard is rebuilt")
        XCTAssertEqual(touched.reused, before.count - 1)
        XCTAssertEqual(try assertOneShardChanged("touch"), before, "same inputs, same bytes")

        time = [timeval(tv_sec: 1_600_000_000, tv_usec: 0),
                timeval(tv_sec: 1_600_000_000, tv_usec: 0)]
        XCTAssertEqual(utimes(wav, &time), 0)
        let strict = try prep(["--strict"])
        XCTAssertEqual(strict.written, 0, "--strict compares contents, which did not change")
        XCTAssertEqual(try prep().written, 0, "--strict recorded the new stamps")

        try (rows.joined(separator: "\n") + "\n").write(toFile: csv, atomically: true,
                                                         encoding: .utf8)
        let added = try prep()
        XCTAssertEqual(added.written, 1, "adding a clip rebuilds its shard only")
        let withClip = try assertOneShardChanged("add")

        try (rows.dropFirst().joined(separator: "\n") + "\n").write(toFile: csv,
                                                                     atomically: true,
                                                                     encoding: .utf8)
        let removed = try prep()
        XCTAssertLessThanOrEqual(removed.written, 1, "removing a clip rebuilds its shard only")
        let after = try CacheTestSupport.shardDigests(first.folder)
        let differing = Set(withClip.keys).union(after.keys).filter { withClip[$0] != after[$0] }
        XCTAssertEqual(differing.count, 1, "\(differing.sorted())")
    }
}
