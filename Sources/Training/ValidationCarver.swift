import Tensor

/// Carves a validation split out of the training split, disjoint by group, when a cache has
/// none.
///
/// The group of a clip is, by `groupBy`: `actor` — the first four characters of its id
/// (CREMA-D's speaker, `1001_DFA_ANG_XX` → `1001`); `group` — the cache's integer `group`
/// column; `none` — the clip itself. The distinct groups are sorted, shuffled by a generator
/// seeded from the run seed, and taken in that order until they hold at least `fraction` of
/// the clips (at least one group, and at least one group left for training). No group lies on
/// both sides, so no speaker is both trained on and used to choose the best epoch.
public enum ValidationCarver {
    /// Mixed into the run seed for the group order ("valid" in ASCII).
    static let seedSalt: UInt64 = 0x76_616C_6964

    /// The training and validation parts of `train`, and a sentence saying how they were made.
    ///
    /// - Throws: `TrainingError` when the grouping is unavailable (`group` without a group
    ///   column) or the split has fewer than two groups.
    public static func carve(_ train: ClipSource, fraction: Double, groupBy: String,
                             seed: UInt64) throws -> (train: ClipSource, valid: ClipSource,
                                                      note: String) {
        let keys = try groupKeys(train, groupBy: groupBy)
        var counts: [String: Int] = [:]
        for shard in keys { for key in shard { counts[key, default: 0] += 1 } }
        guard counts.count >= 2 else {
            throw TrainingError(path: train.location, reason: "cannot carve a validation split "
                                + "by \(groupBy): the training split has \(counts.count) group")
        }

        var order = counts.keys.sorted()
        var generator = SeededGenerator(seed: seed ^ seedSalt)
        order.shuffle(using: &generator)
        let total = keys.reduce(0) { $0 + $1.count }
        let target = fraction * Double(total)
        var chosen = Set<String>()
        var taken = 0
        for key in order.dropLast() where chosen.isEmpty || Double(taken) < target {
            chosen.insert(key)
            taken += counts[key] ?? 0
        }

        let inValid = { (shard: Int, sample: Int) in chosen.contains(keys[shard][sample]) }
        let valid = SubsetClipSource(base: train, name: "valid part", keep: inValid)
        let rest = SubsetClipSource(base: train, name: "train part") { !inValid($0, $1) }
        let note = "best epoch chosen on a valid split carved from train: \(taken) of \(total) "
            + "clips (\(chosen.count) of \(counts.count) groups by \(groupBy), none shared "
            + "with the training part)"
        return (rest, valid, note)
    }

    /// The group key of every sample, per shard.
    // LIMITATION: `group` reads an integer (int64) `group` dataset only — the shard schema
    // defines no string group column, and no layout writes one yet.
    static func groupKeys(_ source: ClipSource, groupBy: String) throws -> [[String]] {
        switch groupBy {
        case "actor":
            return source.sampleIDs.map { shard in shard.map { String($0.prefix(4)) } }
        case "group":
            guard let groups = source.sampleGroups else {
                throw TrainingError(path: source.location, reason: "--group-by group needs a "
                                    + "group column in the shards; this cache has none")
            }
            return groups.map { shard in shard.map { "\($0)" } }
        default:
            return source.sampleIDs
        }
    }
}
