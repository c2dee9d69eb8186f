import Cache
import Foundation

/// The splits a run trains and evaluates on, with the class names and the cache identity.
public struct TrainingData {
    /// The modalities of every split, in order; a token bound is the largest of any split's.
    public var modalities: [ModalitySpec] {
        let splits = [train, valid, test].compactMap { $0 }
        return train.modalities.enumerated().map { index, spec in
            var merged = spec
            for split in splits where split.modalities.indices.contains(index) {
                merged.tokenBound = max(merged.tokenBound, split.modalities[index].tokenBound)
            }
            return merged
        }
    }

    /// Class names in index order.
    public var classes: [String]
    /// The cache's config key (recorded in `config.json` and checkpoints).
    public var configKey: String
    /// The cache folder, or a description of an in-memory source.
    public var cacheFolder: String
    /// The training split.
    public var train: ClipSource
    /// The validation split, when the cache has one (the best epoch is chosen on it).
    public var valid: ClipSource?
    /// The test split.
    public var test: ClipSource
    /// How the valid split was made when it was not the cache's own (e.g. carved from train).
    public var validNote: String?
    /// Which modalities were left out because a split lacks them, when any were.
    public var modalityNote: String?

    /// Makes training data from sources.
    ///
    /// - Throws: `TrainingError` when a split is empty, the splits' modalities or shapes
    ///   differ, or there are fewer than two classes.
    public init(classes: [String], configKey: String, cacheFolder: String, train: ClipSource,
                valid: ClipSource?, test: ClipSource) throws {
        guard classes.count >= 2 else {
            throw TrainingError(path: cacheFolder, reason: "need at least two classes, found "
                                + "\(classes.count)")
        }
        guard !train.modalities.isEmpty else {
            throw TrainingError(path: train.location, reason: "holds no modality to train on")
        }
        for (name, split) in [("train", train), ("valid", valid), ("test", test)] {
            guard let split else { continue }
            guard split.sampleCount > 0 else {
                throw TrainingError(path: split.location, reason: "split \(name) is empty")
            }
            let same = split.modalities.count == train.modalities.count
                && zip(split.modalities, train.modalities).allSatisfy { $0.matches($1) }
            guard same else {
                throw TrainingError(path: split.location, reason: "split \(name) holds "
                                    + ShardClipSource.describe(split.modalities)
                                    + ", train holds "
                                    + ShardClipSource.describe(train.modalities))
            }
        }
        self.classes = classes
        self.configKey = configKey
        self.cacheFolder = cacheFolder
        self.train = train
        self.valid = valid
        self.test = test
    }

    /// Opens a cache folder as `init(cacheFolder:)` does and, when it has no valid split and
    /// `options.validFromTrain` is set, carves one from train (`ValidationCarver`).
    ///
    /// - Throws: what `init(cacheFolder:)` and `ValidationCarver.carve` throw.
    public init(cacheFolder: String, options: TrainOptions) throws {
        try self.init(cacheFolder: cacheFolder, only: options.modalities)
        try carveValidation(options)
    }

    /// Carves a valid split from train when there is none and the options ask for one.
    public mutating func carveValidation(_ options: TrainOptions) throws {
        guard valid == nil, let fraction = options.validFromTrain else { return }
        let parts = try ValidationCarver.carve(train, fraction: fraction,
                                               groupBy: options.groupBy, seed: options.seed)
        train = parts.train
        valid = parts.valid
        validNote = parts.note
    }

    /// Opens the train, valid (if listed) and test splits of a cache folder.
    ///
    /// A valid split listed without samples counts as absent (the test split then selects the
    /// best epoch); train and test must hold samples.
    ///
    /// - Parameter only: the modalities to read (all of the cache's when nil).
    /// - Throws: `TrainingError` for a missing or unreadable manifest, a missing or empty
    ///   train or test split, and any shard problem found by `ShardClipSource`.
    public init(cacheFolder: String, only: [String]? = nil) throws {
        let manifest: Manifest
        do {
            manifest = try Manifest.load(cacheFolder: cacheFolder)
        } catch {
            throw TrainingError(path: Manifest.path(inCacheFolder: cacheFolder),
                                reason: "cannot load the manifest: \(error)")
        }
        try CacheVerifier.quickCheck(cacheFolder: cacheFolder)

        func open(_ split: String, only: [String]?) throws -> ClipSource? {
            guard let entries = manifest.splits[split] else { return nil }
            let sampleCount = entries.reduce(0) { $0 + $1.samples }
            if split == "valid" && sampleCount == 0 { return nil }
            guard sampleCount > 0 else {
                throw TrainingError(path: Manifest.path(inCacheFolder: cacheFolder),
                                    reason: "split \(split) has no samples")
            }
            return try ShardClipSource(cacheFolder: cacheFolder, split: split,
                                       entries: entries, classCount: manifest.classes.count,
                                       only: only)
        }
        func splits(only: [String]?) throws -> (ClipSource, ClipSource?, ClipSource) {
            guard let train = try open("train", only: only) else {
                throw TrainingError(path: Manifest.path(inCacheFolder: cacheFolder),
                                    reason: "the manifest lists no train split")
            }
            guard let test = try open("test", only: only) else {
                throw TrainingError(path: Manifest.path(inCacheFolder: cacheFolder),
                                    reason: "the manifest lists no test split")
            }
            return (train, try open("valid", only: only), test)
        }

        var (train, valid, test) = try splits(only: only)
        var note: String?
        let held = [train, valid, test].compactMap { $0 }.map { $0.modalities.map(\.name) }
        let common = held[0].filter { name in held.allSatisfy { $0.contains(name) } }
        if only == nil, held.contains(where: { $0 != common }), !common.isEmpty {
            // A modality some split lacks (NVGesture's flow when only some recordings have
            // flow files) is left out rather than failing the run.
            let missing = Set(held.flatMap { $0 }).subtracting(common).sorted()
            (train, valid, test) = try splits(only: common)
            note = missing.joined(separator: ", ") + " left out: not in every split; training "
                + "on " + common.joined(separator: ", ")
        }
        try self.init(classes: manifest.classes, configKey: manifest.configKey,
                      cacheFolder: cacheFolder, train: train, valid: valid, test: test)
        modalityNote = note
    }
}
