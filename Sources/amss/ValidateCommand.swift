import Console
import Datasets
import Pipeline

/// `amss validate <dataset> <root> [--json]`: every problem of a dataset folder.
enum ValidateCommand {
    static let help = """
        usage: amss validate <dataset> <root> [--layout FILE] [--config FILE]
                             [--compat reference] [--json]

        Checks a dataset folder without decoding media and prints every problem with its path,
        the sample id, a code and the reason. Errors exit 1; warnings alone exit 0.
        Datasets: \(Layouts.names.joined(separator: ", ")).
          --layout FILE   the layout file of `folder` (see the README); a mistake in it is one
                          finding (code `layout`) naming the file and the JSON key path
          --config FILE, --compat reference   as for `amss prep` (the class settings of ks)
          --json   one JSON object on stdout: {dataset, root, samples, errors, warnings, findings}
        """

    /// The `--json` result.
    struct Report: Encodable {
        let dataset: String
        let root: String
        let samples: Int
        let errors: Int
        let warnings: Int
        let findings: [Finding]
    }

    static func run(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, valued: ["layout", "config", "compat"],
                                      allowedFlags: ["json", "help"])
        if arguments.flag("help") { Output.line(help); return 0 }
        guard arguments.positional.count == 2 else {
            throw UsageError("validate needs <dataset> <root>\n\n\(help)")
        }
        let (dataset, root) = (arguments.positional[0], arguments.positional[1])
        let json = arguments.flag("json")
        var layout: DatasetLayout
        do {
            layout = try chooseLayout(dataset, layoutFile: arguments.options["layout"])
        } catch let error as FolderLayoutError {
            try report(dataset: dataset, root: root, samples: 0, findings: [error.finding],
                       json: json)
            return 1
        }
        if dataset != "folder", PipelineConfig.builtIn(layout.name) != nil,
           let configured = Layouts.named(dataset, config: try PrepCommand.makeOptions(
               arguments).config) {
            layout = configured
        }

        let scan = layout.scan(root: root)
        return try report(dataset: layout.name, root: root, samples: scan.samples.count,
                          findings: scan.findings, json: json)
    }

    /// The built-in layout called `dataset`, or the layout file's for `folder`.
    static func chooseLayout(_ dataset: String, layoutFile: String?) throws -> DatasetLayout {
        if dataset == "folder" {
            guard let layoutFile else {
                throw UsageError("`folder` needs --layout <layout.json>")
            }
            return try FolderPipeline.load(path: layoutFile).layout
        }
        guard layoutFile == nil else {
            throw UsageError("--layout is for `folder`; \(dataset) has a built-in layout")
        }
        guard let layout = Layouts.named(dataset) else {
            throw UsageError("unknown dataset '\(dataset)'; known: "
                             + Layouts.names.joined(separator: ", "))
        }
        return layout
    }

    /// Prints the findings and the summary (or the `--json` report); 1 when any is an error.
    @discardableResult
    private static func report(dataset: String, root: String, samples: Int,
                               findings: [Finding], json: Bool) throws -> Int32 {
        let errors = findings.filter { $0.severity == .error }.count
        let warnings = findings.count - errors
        if json {
            try Output.json(Report(dataset: dataset, root: root, samples: samples,
                                   errors: errors, warnings: warnings, findings: findings))
        } else {
            for finding in findings { Output.line(finding.line) }
            Output.line("\(dataset) at \(Finding.escaped(root)): "
                        + Output.count(samples, "usable sample") + ", "
                        + Output.count(errors, "error") + ", " + Output.count(warnings, "warning"))
        }
        return errors > 0 ? 1 : 0
    }
}
