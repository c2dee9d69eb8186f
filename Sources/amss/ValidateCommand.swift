import Datasets
import Pipeline

/// `amss validate <dataset> <root> [--json]`: every problem of a dataset folder.
enum ValidateCommand {
    static let help = """
        usage: amss validate <dataset> <root> [--config FILE] [--compat reference] [--json]

        Checks a dataset folder without decoding media and prints every problem with its path,
        the sample id, a code and the reason. Errors exit 1; warnings alone exit 0.
        Datasets: \(Layouts.names.joined(separator: ", ")).
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
        let arguments = try Arguments(words, valued: ["config", "compat"],
                                      allowedFlags: ["json", "help"])
        if arguments.flag("help") { Output.line(help); return 0 }
        guard arguments.positional.count == 2 else {
            throw UsageError("validate needs <dataset> <root>\n\n\(help)")
        }
        let (dataset, root) = (arguments.positional[0], arguments.positional[1])
        guard var layout = Layouts.named(dataset) else {
            throw UsageError("unknown dataset '\(dataset)'; known: "
                             + Layouts.names.joined(separator: ", "))
        }
        if PipelineConfig.builtIn(layout.name) != nil,
           let configured = Layouts.named(dataset, config: try PrepCommand.makeOptions(
               arguments).config) {
            layout = configured
        }

        let scan = layout.scan(root: root)
        let errors = scan.findings.filter { $0.severity == .error }.count
        let warnings = scan.findings.count - errors
        if arguments.flag("json") {
            try Output.json(Report(dataset: layout.name, root: root, samples: scan.samples.count,
                                   errors: errors, warnings: warnings, findings: scan.findings))
        } else {
            for finding in scan.findings { Output.line(finding.line) }
            Output.line("\(layout.name) at \(Finding.escaped(root)): \(scan.samples.count) usable "
                        + "samples, \(errors) errors, \(warnings) warnings")
        }
        return errors > 0 ? 1 : 0
    }
}
