import Console
import Datasets
import Foundation
import Pipeline

/// `amss prep <dataset> <root>`: the staged pipeline into HDF5 shards.
enum PrepCommand {
    static let help = """
        usage: amss prep <dataset> <root> [--cache DIR] [--config FILE | --layout FILE]
                         [--workers N] [--part I/N] [--strict] [--compat reference]
                         [--vocab FILE] [--fail-fast] [--quiet] [--json]

        Decodes, resamples and transforms every usable sample into HDF5 shards under
        <cache>/<dataset>/<config-key>/ with a manifest.json, and prints that folder as the last
        line. Unchanged shards of an earlier run are reused. Rejected samples are listed in the
        manifest and summarised on stderr; the exit code is 0 when a cache was written.
          --cache DIR     cache root (default: cache)
          --config FILE   pipeline config (default: the built-in one, as pipelines/<dataset>.json;
                          nvgesture: pipelines/nvgesture.json (lite) or nvgesture-reference.json)
          --layout FILE   the layout file of `folder`: tables, labels, media paths and its own
                          `pipeline` settings; the cache goes to <cache>/<its name>/<config-key>
          --workers N     worker threads (default: 2)
          --part I/N      produce only part I of N (0 ≤ I < N): a deterministic 1/N of the
                          shards and parts/part-I-of-N.json; run every part (Slurm array,
                          mpirun, …) into one shared --cache, then `amss cache merge <folder>`
          --strict        compare sources by content hash instead of size and modification
                          time, and re-hash every shard before reusing it
          --compat reference   the reference code's recipe: tile the clip three times
                          (`fit: tile3`), keep frames by index (`rule: reference-index`);
                          for text, no [CLS]/[SEP] and padding with 0 (`mode: reference`);
                          for ks, class names by first appearance in train.csv
          --vocab FILE    the BERT vocab.txt of the text stage (sarcasm, twitter15), over
                          the config's text.vocab; its SHA-256 goes into the config key
          --fail-fast     stop at the first rejected sample
          --quiet         no progress on stderr
          --json          one JSON object on stdout instead of the folder
        """

    static func run(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, valued: ["cache", "config", "workers", "part",
                                                      "compat", "layout", "vocab"],
                                      allowedFlags: ["json", "help", "fail-fast", "quiet",
                                                     "strict"])
        if arguments.flag("help") { Output.line(help); return 0 }
        guard arguments.positional.count == 2 else {
            throw UsageError("prep needs <dataset> <root>\n\n\(help)")
        }
        if Layouts.canonicalName(arguments.positional[0]) == "nvgesture" {
            let config = try arguments.options["config"].map(GestureConfig.load) ?? .lite
            let summary = try GesturePrepRunner.run(
                root: arguments.positional[1], cacheRoot: arguments.options["cache"] ?? "cache",
                config: config, workers: try arguments.integer("workers", default: 2, in: 1...256))
            report(summary, json: arguments.flag("json"))
            return 0
        }
        var options = try makeOptions(arguments)
        options.failFast = arguments.flag("fail-fast")
        options.quiet = arguments.flag("quiet")
        options.strict = arguments.flag("strict")
        if let text = arguments.options["part"] { options.part = try parsePart(text) }

        let summary = try PrepRunner.run(options)
        report(summary, json: arguments.flag("json"))
        return 0
    }

    /// Options from the command line, shared with `bench prep`.
    static func makeOptions(_ arguments: Arguments) throws -> PrepOptions {
        let dataset = arguments.positional[0]
        let root = arguments.positional[1]
        var config: PipelineConfig
        var layout: DatasetLayout?
        if dataset == "folder" {
            guard let path = arguments.options["layout"] else {
                throw UsageError("`folder` needs --layout <layout.json>")
            }
            guard arguments.options["config"] == nil else {
                throw UsageError("--config does not apply to `folder`: put the settings in the "
                                 + "layout file's `pipeline` section")
            }
            let loaded = try FolderPipeline.load(path: path)
            (layout, config) = (loaded.layout, loaded.config)
        } else if Layouts.named(dataset) == nil {
            throw UsageError("unknown dataset '\(dataset)'; known: "
                             + Layouts.names.joined(separator: ", "))
        } else if arguments.options["layout"] != nil {
            throw UsageError("--layout is for `folder`; \(dataset) has a built-in layout")
        } else if let path = arguments.options["config"] {
            config = try PipelineConfig.load(path: path, dataset: Layouts.canonicalName(dataset))
                .validated(path: path)
        } else if let builtIn = PipelineConfig.builtIn(Layouts.canonicalName(dataset)) {
            config = builtIn
        } else {
            throw UsageError("no built-in config for '\(dataset)'; pass --config")
        }
        if let compat = arguments.options["compat"] {
            guard compat == "reference" else {
                throw UsageError("--compat takes only 'reference', got '\(compat)'")
            }
            config.audio.fit = .tile3
            config.frames.rule = .referenceIndex
            if config.classOrder != nil { config.classOrder = "first-appearance" }
            if config.inputs.contains(.text) {
                config.text = config.text ?? TextConfig()
                config.text?.mode = .reference
            }
        }
        var options = PrepOptions(dataset: layout?.name ?? Layouts.canonicalName(dataset),
                                  root: root, config: config)
        options.layout = layout
        options.cacheRoot = arguments.options["cache"] ?? "cache"
        guard !options.cacheRoot.isEmpty else { throw UsageError("--cache needs a folder") }
        options.workers = try arguments.integer("workers", default: 2, in: 1...256)
        options.vocabulary = arguments.options["vocab"]
        return options
    }

    /// `I/N` with 0 ≤ I < N.
    static func parsePart(_ text: String) throws -> (index: Int, count: Int) {
        let pieces = text.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count == 2, let index = Int(pieces[0]), let count = Int(pieces[1]),
              count >= 1, count <= 100_000, index >= 0, index < count else {
            throw UsageError("--part takes I/N with 0 ≤ I < N (e.g. 0/4 … 3/4), got '\(text)'")
        }
        return (index, count)
    }

    private static func report(_ summary: PrepSummary, json: Bool) {
        let counts = summary.samples.sorted { $0.key < $1.key }
            .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        Output.error("prepared \(counts); \(summary.rejected) rejected, "
                     + Output.count(summary.warnings, "warning") + "; "
                     + Output.count(summary.shardsWritten, "shard") + " written, "
                     + "\(summary.shardsReused) reused; "
                     + String(format: "%.1f s", summary.seconds))
        if !summary.dropped.isEmpty {
            let drops = summary.dropped.sorted { $0.key < $1.key }
                .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            Output.error("dropped (image missing): \(drops); see `amss validate` for each row")
        }
        if summary.rejected > 0 {
            let codes = summary.rejectedByCode.sorted { $0.key < $1.key }
                .map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            Output.error("rejected: \(codes); each is listed with its path and reason in "
                         + "\(summary.cacheFolder)/manifest.json")
        }
        if !summary.warningsByCode.isEmpty {
            let codes = summary.warningsByCode.sorted { $0.key < $1.key }
                .map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            Output.error("warnings: \(codes); those of prepared samples are listed with path "
                         + "and reason under warnings in \(summary.cacheFolder)/manifest.json, "
                         + "the others by `amss validate`")
        }
        if let part = summary.part {
            Output.error("part \(part) done; once every part is done, run "
                         + "`amss cache merge \(summary.cacheFolder)`")
        }
        if json {
            try? Output.json(summary)
        } else {
            Output.line(summary.cacheFolder)
        }
    }
}
