import Console
import Foundation
import Training

/// `amss report <run…>`: one self-contained HTML page about one or more runs.
enum ReportCommand {
    static let help = """
        usage: amss report <run-folder>… [--out FILE] [--json]

        Writes a self-contained HTML page (inline SVG, no scripts): per run the loss, accuracy,
        per-modality accuracy and keep-ratio plots, how the best epoch was selected, classes
        absent from test and the confusion matrix; for several runs a comparison table with
        mean ± std. Default FILE: report.html in the first run's folder for one run, else
        ./report.html. Prints FILE.
        """

    static func run(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, valued: ["out"], allowedFlags: ["json", "help"])
        if arguments.flag("help") { Output.line(help); return 0 }
        let folders = arguments.positional
        guard !folders.isEmpty else {
            throw UsageError("report needs at least one <run-folder>\n\n\(help)")
        }
        let out = arguments.options["out"] ?? (folders.count == 1
            ? (folders[0] as NSString).appendingPathComponent("report.html") : "report.html")
        try RunReport.write(folders: folders, to: out)
        if arguments.flag("json") {
            try Output.json(["report": out])
        } else {
            Output.line(out)
        }
        return 0
    }
}
