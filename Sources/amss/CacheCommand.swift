import Console
import Cache
import Foundation
import Pipeline

/// `amss cache inspect|verify|merge|ls|gc`: look into, check and tidy cache folders.
enum CacheCommand {
    static let help = """
        usage: amss cache inspect <cache-folder> [--json]
               amss cache verify <cache-folder> [--json]
               amss cache merge <cache-folder> [--json]
               amss cache ls [<cache-root>] [--json]
               amss cache gc [<cache-root>] [--runs DIR] [--dry-run] [--yes] [--json]

          inspect  config, config key, classes, samples and shards per split, every shard's
                   size and checksum, rejected samples
          verify   re-hashes every shard against manifest.json, opens each, checks its config
                   key, sample count, dtypes, shapes and chunking; lists missing, corrupt and
                   extra files; exit 1 on any problem
          merge    joins parts/part-I-of-N.json of `prep --part` runs into manifest.json;
                   refuses missing or unfinished parts and parts of other configs or datasets
          ls       every cache folder under <cache-root> (default: cache) with dataset, config
                   key, state, samples, size and age
          gc       removes what nothing refers to: temporaries, shards no manifest lists,
                   cache folders without any manifest, and with --runs DIR caches no run in
                   DIR trained on; lists them and asks first (--yes: do not ask; --dry-run:
                   only list)
        """

    static func run(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, valued: ["runs"],
                                      allowedFlags: ["json", "help", "yes", "dry-run"])
        if arguments.flag("help") { Output.line(help); return 0 }
        guard let verb = arguments.positional.first else {
            throw UsageError("cache needs a subcommand\n\n\(help)")
        }
        let rest = Array(arguments.positional.dropFirst())
        let json = arguments.flag("json")
        switch verb {
        case "inspect": return try inspect(folder(rest, verb), json: json)
        case "verify": return try verify(folder(rest, verb), json: json)
        case "merge": return try merge(folder(rest, verb), json: json)
        case "ls":
            guard rest.count <= 1 else { throw UsageError("cache ls takes one cache root") }
            return try CacheHousekeeping.list(root: rest.first ?? "cache", json: json)
        case "gc":
            guard rest.count <= 1 else { throw UsageError("cache gc takes one cache root") }
            return try CacheHousekeeping.collect(root: rest.first ?? "cache",
                                                 runs: arguments.options["runs"],
                                                 yes: arguments.flag("yes"),
                                                 dryRun: arguments.flag("dry-run"), json: json)
        default:
            throw UsageError("unknown cache subcommand '\(verb)'\n\n\(help)")
        }
    }

    private static func folder(_ rest: [String], _ verb: String) throws -> String {
        guard rest.count == 1 else {
            throw UsageError("cache \(verb) needs one <cache-folder>\n\n\(help)")
        }
        return rest[0]
    }

    // MARK: - inspect

    /// The `inspect --json` object.
    struct Inspection: Encodable {
        struct SplitCounts: Encodable {
            let shards: Int
            let samples: Int
            let bytes: Int64
        }
        struct Shard: Encodable {
            let split: String
            let file: String
            let samples: Int
            let bytes: Int64?
            let sha256: String
        }
        let cacheFolder: String
        let dataset: String
        let configKey: String
        let schemaVersion: Int
        let toolVersion: String
        let classes: [String]
        let config: JSONValue
        let buckets: [String: Int]?
        let splits: [String: SplitCounts]
        let shards: [Shard]
        let rejected: [RejectedSample]

        enum CodingKeys: String, CodingKey {
            case cacheFolder = "cache_folder", configKey = "config_key"
            case schemaVersion = "schema_version", toolVersion = "tool_version"
            case dataset, classes, config, buckets, splits, shards, rejected
        }
    }

    static func inspect(_ folder: String, json: Bool) throws -> Int32 {
        let manifest = try Manifest.load(cacheFolder: folder)
        let shards = manifest.allEntries.map { split, entry in
            Inspection.Shard(split: split, file: entry.file, samples: entry.samples,
                             bytes: FileStamp.of((folder as NSString)
                                .appendingPathComponent(entry.file))?.bytes,
                             sha256: entry.sha256)
        }
        var splits: [String: Inspection.SplitCounts] = [:]
        for (name, entries) in manifest.splits {
            let mine = shards.filter { $0.split == name }
            splits[name] = Inspection.SplitCounts(
                shards: entries.count, samples: entries.reduce(0) { $0 + $1.samples },
                bytes: mine.reduce(Int64(0)) { $0 + ($1.bytes ?? 0) })
        }
        let inspection = Inspection(
            cacheFolder: folder, dataset: manifest.dataset, configKey: manifest.configKey,
            schemaVersion: manifest.schemaVersion, toolVersion: manifest.toolVersion,
            classes: manifest.classes, config: manifest.config, buckets: manifest.buckets,
            splits: splits, shards: shards, rejected: manifest.rejected)
        if json {
            try Output.json(inspection)
        } else {
            try printInspection(inspection)
        }
        return 0
    }

    private static func printInspection(_ inspection: Inspection) throws {
        Output.line("cache folder  \(inspection.cacheFolder)")
        Output.line("dataset       \(inspection.dataset)")
        Output.line("config key    \(inspection.configKey) (schema \(inspection.schemaVersion), "
                    + "written by amss \(inspection.toolVersion))")
        Output.line("classes       " + inspection.classes.enumerated()
            .map { "\($0.offset)=\($0.element)" }.joined(separator: " "))
        Output.line("config        " + (try inspection.config.canonicalText()))
        Output.line("")
        Output.line("split   shards  samples       size")
        for name in inspection.splits.keys.sorted(by: splitOrder) {
            guard let counts = inspection.splits[name] else { continue }
            Output.line(pad(name, 8) + pad("\(counts.shards)", 8, right: true)
                        + pad("\(counts.samples)", 9, right: true)
                        + pad(CacheHousekeeping.size(counts.bytes), 11, right: true))
        }
        Output.line("")
        Output.line("shard                     samples       size  sha256")
        for shard in inspection.shards {
            Output.line(pad(shard.file, 24) + pad("\(shard.samples)", 9, right: true)
                        + pad(shard.bytes.map(CacheHousekeeping.size) ?? "missing", 11,
                              right: true) + "  \(shard.sha256)")
        }
        Output.line("")
        Output.line("rejected samples: \(inspection.rejected.count)")
        for sample in inspection.rejected {
            Output.line("  \(sample.id)  \(sample.path): \(sample.reason) (\(sample.code))")
        }
    }

    // MARK: - verify, merge

    static func verify(_ folder: String, json: Bool) throws -> Int32 {
        let schema = (try? Manifest.load(cacheFolder: folder))
            .flatMap(PipelineConfig.recorded(in:))?.shardSchema ?? .common
        let report = CacheVerifier.verify(cacheFolder: folder, schema: schema)
        if json {
            try Output.json(report)
        } else {
            for problem in report.problems { Output.line(problem.description) }
            Output.line("\(folder): \(report.shards) shards, \(report.samples) samples, "
                        + CacheHousekeeping.size(report.bytes) + "; "
                        + (report.ok ? "every shard matches the manifest"
                           : "\(report.problems.count) problems"))
        }
        return report.ok ? 0 : 1
    }

    static func merge(_ folder: String, json: Bool) throws -> Int32 {
        let lock = try CacheLock(folder: folder)
        let outcome = try withExtendedLifetime(lock) {
            try ManifestMerger.commit(cacheFolder: folder)
        }
        if json {
            try Output.json(outcome)
        } else {
            Output.error("merged \(outcome.parts) parts: \(outcome.shards) shards, "
                         + "\(outcome.samples) samples; removed \(outcome.removed.count) files")
            Output.line(folder)
        }
        return 0
    }

    // MARK: - Formatting

    static func splitOrder(_ first: String, _ second: String) -> Bool {
        let order = CacheFiles.splits
        return (order.firstIndex(of: first) ?? order.count, first)
            < (order.firstIndex(of: second) ?? order.count, second)
    }

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }
}
