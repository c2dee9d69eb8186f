import Foundation
import Pipeline

/// `amss prep <dataset> <root>`: the staged pipeline into HDF5 shards.
enum PrepCommand {
    static let help = """
        usage: amss prep <dataset> <root> [--cache DIR] [--config FILE] [--workers N]
                         [--fail-fast] [--quiet] [--json]

        Decodes, resamples and transforms every usable sample into HDF5 shards under
        <cache>/<dataset>/<config-key>/ with a manifest.json, and prints that folder as the last
        line. Unchanged shards of an earlier run are reused. Rejected samples are listed in the
        manifest and summarised on stderr; the exit code is 0 when a cache was written.
          --cache DIR     cache root (default: cache)
          --config FILE   pipeline config (default: the built-in one, as pipelines/<dataset>.json)
          --workers N     worker threads (default: 2)
          --compat reference   the reference code's recipe: tile the clip three times
                          (`fit: tile3`) and keep frames by index (`rule: reference-index`)
          --fail-fast     stop at the first rejected sample
          --quiet         no progress on stderr
          --json          one JSON object on stdout instead of the folder
        """

    static func run(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, valued: ["cache", "config", "workers", "compat"],
                                      allowedFlags: ["json", "help", "fail-fast", "quiet"])
        if arguments.flag("help") { Output.line(help); return 0 }
        guard arguments.positional.count == 2 else {
            throw UsageError("prep needs <dataset> <root>\n\n\(help)")
        }
        var options = try makeOptions(arguments)
        options.failFast = arguments.flag("fail-fast")
        options.quiet = arguments.flag("quiet")

        let summary = try PrepRunner.run(options)
        report(summary, json: arguments.flag("json"))
        return 0
    }

    /// Options from the command line, shared with `bench prep`.
    static func makeOptions(_ arguments: Arguments) throws -> PrepOptions {
        let dataset = arguments.positional[0]
        let root = arguments.positional[1]
        guard Layouts.named(dataset) != nil else {
            throw UsageError("unknown dataset '\(dataset)'; known: "
                             + Layouts.names.joined(separator: ", "))
        }
        var config: PipelineConfig
        if let path = arguments.options["config"] {
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
        }
        var options = PrepOptions(dataset: Layouts.canonicalName(dataset), root: root,
                                  config: config)
        options.cacheRoot = arguments.options["cache"] ?? "cache"
        guard !options.cacheRoot.isEmpty else { throw UsageError("--cache needs a folder") }
        options.workers = try arguments.integer("workers", default: 2, in: 1...256)
        return options
    }

    private static func report(_ summary: PrepSummary, json: Bool) {
        let counts = summary.samples.sorted { $0.key < $1.key }
            .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        Output.error(String(format: "prepared %@; %d rejected, %d warnings; %d shards written, "
                            + "%d reused; %.1f s", counts, summary.rejected, summary.warnings,
                            summary.shardsWritten, summary.shardsReused, summary.seconds))
        if summary.rejected > 0 {
            let codes = summary.rejectedByCode.sorted { $0.key < $1.key }
                .map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            Output.error("rejected: \(codes); each is listed with its path and reason in "
                         + "\(summary.cacheFolder)/manifest.json")
        }
        if json {
            try? Output.json(summary)
        } else {
            Output.line(summary.cacheFolder)
        }
    }
}
