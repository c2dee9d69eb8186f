import Console
import Cache
import Foundation

/// `amss cache ls` and `amss cache gc`.
enum CacheHousekeeping {
    /// The `ls --json` object.
    struct ListReport: Encodable {
        let root: String
        let caches: [CacheCatalog.Listing]
    }

    /// The `gc --json` object.
    struct CollectReport: Encodable {
        let root: String
        let planned: [CacheCollector.Item]
        let removed: [String]
        let busy: [String]
        let bytes: Int64
    }

    static func list(root: String, json: Bool) throws -> Int32 {
        guard FileManager.default.fileExists(atPath: root) else {
            throw CacheError(path: root, code: "missing", reason: "no such cache root")
        }
        let listings = CacheCatalog.list(root: root)
        if json {
            try Output.json(ListReport(root: root, caches: listings))
            return 0
        }
        Output.line(CacheCommand.pad("dataset", 10) + CacheCommand.pad("config key", 18)
                    + CacheCommand.pad("state", 12) + CacheCommand.pad("samples", 8, right: true)
                    + CacheCommand.pad("size", 11, right: true)
                    + CacheCommand.pad("age", 8, right: true) + "  folder")
        for item in listings {
            Output.line(CacheCommand.pad(item.dataset.isEmpty ? "?" : item.dataset, 10)
                        + CacheCommand.pad(item.configKey, 18) + CacheCommand.pad(item.state, 12)
                        + CacheCommand.pad("\(item.samples)", 8, right: true)
                        + CacheCommand.pad(size(item.bytes), 11, right: true)
                        + CacheCommand.pad(age(item.ageSeconds), 8, right: true)
                        + "  \(item.folder)")
        }
        Output.error("\(listings.count) caches, \(size(listings.reduce(0) { $0 + $1.bytes }))")
        return 0
    }

    static func collect(root: String, runs: String?, yes: Bool, dryRun: Bool,
                        json: Bool) throws -> Int32 {
        guard FileManager.default.fileExists(atPath: root) else {
            throw CacheError(path: root, code: "missing", reason: "no such cache root")
        }
        if let runs, !FileManager.default.fileExists(atPath: runs) {
            throw CacheError(path: runs, code: "missing", reason: "no such runs folder")
        }
        let (items, busy) = CacheCollector.plan(root: root, runs: runs)
        let bytes = items.reduce(Int64(0)) { $0 + $1.bytes }
        for folder in busy { Output.error("skipped, a writer holds it: \(folder)") }
        if !json || !yes {
            for item in items {
                Output.error("remove \(item.path) (\(size(item.bytes))): \(item.reason)")
            }
        }

        var removed: [String] = []
        var declined = false
        if !items.isEmpty && !dryRun {
            if yes || confirm("remove \(items.count) items, \(size(bytes))? [y/N] ") {
                removed = CacheCollector.remove(items)
            } else {
                declined = true
                Output.error("nothing removed")
            }
        }
        if json {
            try Output.json(CollectReport(root: root, planned: items, removed: removed,
                                          busy: busy, bytes: bytes))
        } else {
            Output.line(dryRun ? "\(items.count) items (\(size(bytes))) would be removed"
                        : "removed \(removed.count) of \(items.count) items")
        }
        return removed.count == items.count || dryRun || declined ? 0 : 1
    }

    /// Asks on stderr and reads one line from stdin; only `y` or `yes` confirms.
    private static func confirm(_ question: String) -> Bool {
        FileHandle.standardError.write(Data(question.utf8))
        guard let answer = readLine(strippingNewline: true) else { return false }
        return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// `12.3 MB`, decimal units.
    static func size(_ bytes: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// `42 s`, `5 min`, `3 h`, `2 d`.
    static func age(_ seconds: Double) -> String {
        switch seconds {
        case ..<90: return "\(Int(seconds)) s"
        case ..<5400: return "\(Int(seconds / 60)) min"
        case ..<172_800: return "\(Int(seconds / 3600)) h"
        default: return "\(Int(seconds / 86400)) d"
        }
    }
}
