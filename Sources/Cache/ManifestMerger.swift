import Foundation

/// Joins the part manifests of a cache folder into one `manifest.json`.
///
/// Every part `0..<n` must be present and complete, made with one config key from one plan;
/// otherwise nothing is written and the error names the offending part files.
public enum ManifestMerger {
    /// What a merge wrote and removed.
    public struct Outcome: Codable {
        /// The cache folder.
        public let cacheFolder: String
        /// The number of parts joined.
        public let parts: Int
        /// Shards listed in the new manifest.
        public let shards: Int
        /// Samples listed in the new manifest.
        public let samples: Int
        /// Files removed: part manifests, shards no part lists, temporaries.
        public let removed: [String]

        enum CodingKeys: String, CodingKey {
            case cacheFolder = "cache_folder", parts, shards, samples, removed
        }
    }

    /// The manifest the parts of `cacheFolder` add up to, without writing anything.
    ///
    /// - Throws: `CacheError` `missing` (no part or a missing part), `incomplete`,
    ///   `config-mismatch` or `plan-mismatch`, naming the part files.
    public static func merged(cacheFolder: String) throws -> Manifest {
        let files = PartManifest.files(in: cacheFolder)
        let folderPath = (cacheFolder as NSString).appendingPathComponent(PartManifest.folderName)
        guard !files.isEmpty else {
            throw CacheError(path: folderPath, code: "missing", reason: "no part manifests to "
                             + "merge: run `amss prep … --part i/n` for every part first")
        }
        let parts = try files.map { try PartManifest.load($0, cacheFolder: cacheFolder) }
        let named = zip(files, parts).map { (path: $0, part: $1) }
        try checkConsistent(named, cacheFolder: cacheFolder)

        guard let first = parts.first else { throw CacheError(path: folderPath, code: "missing",
                                                               reason: "no part manifests") }
        var splits: [String: [ShardEntry]] = [:]
        var stageRejects: [RejectedSample] = []
        for part in parts.sorted(by: { $0.part < $1.part }) {
            for (split, entries) in part.splits { splits[split, default: []] += entries }
            stageRejects += part.rejected
        }
        for split in splits.keys { splits[split]?.sort { $0.file < $1.file } }
        stageRejects.sort { first, second in
            first.id == second.id ? first.path.utf8.lexicographicallyPrecedes(second.path.utf8)
                : first.id.utf8.lexicographicallyPrecedes(second.id.utf8)
        }
        var seen = Set<String>()
        let rejected = (first.invalid + stageRejects).filter { record in
            seen.insert("\(record.id)\u{0}\(record.path)\u{0}\(record.code)").inserted
        }
        let warnings = splits.keys.sorted().flatMap { split in
            (splits[split] ?? []).flatMap { $0.warnings ?? [] }
        }
        return Manifest(dataset: first.dataset, config: first.config, configKey: first.configKey,
                        toolVersion: first.toolVersion, classes: first.classes, splits: splits,
                        rejected: rejected, buckets: first.buckets, warnings: warnings)
    }

    /// Merges, writes `manifest.json`, then removes the part manifests, shard files the new
    /// manifest does not list, and temporaries. The caller holds the folder's exclusive lock.
    public static func commit(cacheFolder: String) throws -> Outcome {
        let manifest = try merged(cacheFolder: cacheFolder)
        let partCount = PartManifest.files(in: cacheFolder).count
        for (_, entry) in manifest.allEntries {
            let path = (cacheFolder as NSString).appendingPathComponent(entry.file)
            guard let stamp = FileStamp.of(path) else {
                throw CacheError(path: path, code: "missing", reason: "a part lists this shard "
                                 + "but the file is gone; rerun that part")
            }
            if let recorded = entry.stamp, recorded != stamp,
               try SHA256.hex(ofFile: path) != entry.sha256 {
                throw CacheError(path: path, code: "checksum", reason: "the shard changed after "
                                 + "its part recorded it; rerun that part")
            }
        }
        try manifest.save(cacheFolder: cacheFolder)

        let listed = Set(manifest.allEntries.map(\.entry.file))
        let stale = CacheFiles.shardFiles(in: cacheFolder).filter { !listed.contains($0) }
        let withdrawn = FileManager.default.fileExists(
            atPath: Manifest.withdrawnPath(inCacheFolder: cacheFolder))
            ? [Manifest.withdrawnRelativePath] : []
        let removed = CacheFiles.remove(PartManifest.files(in: cacheFolder) + stale
                                        + CacheFiles.temporaries(in: cacheFolder) + withdrawn,
                                        in: cacheFolder)
        rmdir((cacheFolder as NSString).appendingPathComponent(PartManifest.folderName))
        let entries = manifest.allEntries
        return Outcome(cacheFolder: cacheFolder, parts: partCount,
                       shards: entries.count,
                       samples: entries.reduce(0) { $0 + $1.entry.samples }, removed: removed)
    }

    // MARK: - Internals

    private static func checkConsistent(_ named: [(path: String, part: PartManifest)],
                                        cacheFolder: String) throws {
        let folder = cacheFolder as NSString
        let counts = Set(named.map(\.part.parts))
        guard counts.count == 1, let count = counts.first else {
            throw CacheError(path: folder.appendingPathComponent(PartManifest.folderName),
                             code: "plan-mismatch", reason: "part manifests of runs split "
                             + "into different numbers of parts (\(counts.sorted())): "
                             + named.map(\.path).joined(separator: ", ")
                             + "; remove the stale ones or rerun every part")
        }
        let present = Set(named.map(\.part.part))
        let missing = (0..<count).filter { !present.contains($0) }
        guard missing.isEmpty else {
            let paths = missing.map { folder.appendingPathComponent(
                PartManifest.relativePath(part: $0, of: count)) }
            throw CacheError(path: paths.joined(separator: ", "), code: "missing",
                             reason: "\(missing.count) of \(count) parts missing (parts "
                             + "\(missing.map(String.init).joined(separator: ", "))); run "
                             + "`amss prep … --part i/\(count)` for them")
        }
        for (path, part) in named where !part.complete {
            throw CacheError(path: folder.appendingPathComponent(path), code: "incomplete",
                             reason: "part \(part.part)/\(count) has not finished (written by "
                             + "\(part.writer)); rerun it")
        }
        guard let reference = named.first else { return }
        for (path, part) in named.dropFirst() {
            if part.configKey != reference.part.configKey {
                throw CacheError(path: folder.appendingPathComponent(path),
                                 code: "config-mismatch", reason: "config key "
                                 + "\(part.configKey), but \(reference.path) has "
                                 + "\(reference.part.configKey): the parts were made with "
                                 + "different configurations or library versions")
            }
            if part.plan != reference.part.plan {
                throw CacheError(path: folder.appendingPathComponent(path),
                                 code: "plan-mismatch", reason: "this part planned a different "
                                 + "dataset than \(reference.path) (the sample lists differ); "
                                 + "rerun every part on the same dataset")
            }
        }
    }
}
