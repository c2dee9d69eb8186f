import Foundation

/// A self-contained HTML page (XHTML, inline SVG, no scripts or external files) about one or
/// more runs: for several runs a comparison table (with mean ± std over the runs), then per run
/// its selection note, the classes absent from test, plots of loss, accuracy, per-modality
/// accuracy and keep ratios over steps, and the best epoch's confusion matrix.
public enum RunReport {
    /// The columns of the comparison table.
    public static let comparisonColumns = ["run", "method", "seed", "epochs", "best epoch",
                                           "selected on", "test acc", "test F1", "test mAP",
                                           "test AUC"]

    /// The page for `runs`.
    public static func html(_ runs: [RunRecord]) -> String {
        var page = """
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
            <head>
            <meta charset="utf-8"/>
            <title>amss runs: \(HTML.escape(runs.map(\.name).joined(separator: ", ")))</title>
            <style>
            body { font: 14px sans-serif; margin: 2em; color: #222; }
            table { border-collapse: collapse; margin: 1em 0; }
            td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
            th { background: #f3f3f3; }
            .plots { display: flex; flex-wrap: wrap; gap: 12px; }
            .frame { fill: none; stroke: #999; }
            .title { font-weight: bold; font-size: 13px; }
            .tick, .legend { font-size: 11px; }
            .note { color: #7a4b00; }
            </style>
            </head>
            <body>
            <h1>amss training report</h1>

            """
        if runs.count > 1 { page += comparison(runs) }
        for run in runs { page += section(run) }
        return page + "</body>\n</html>\n"
    }

    /// Writes the page for the runs in `folders` to `path`.
    ///
    /// - Throws: `TrainingError` when a run cannot be read or the page cannot be written.
    public static func write(folders: [String], to path: String) throws {
        let runs = try folders.map { try RunRecord(folder: $0) }
        do {
            try Data(html(runs).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw TrainingError(path: path, reason: "cannot write the report: \(error)")
        }
    }

    // MARK: - Parts

    private static func comparison(_ runs: [RunRecord]) -> String {
        var out = "<h2>Comparison</h2>\n<table class=\"comparison\">\n<tr>"
        var modalities: [String] = []
        for name in runs.flatMap(\.modalities) where !modalities.contains(name) {
            modalities.append(name)
        }
        let headings = comparisonColumns + modalities.map { "\($0) acc" }
        out += headings.map { "<th>\(HTML.escape($0))</th>" }.joined() + "</tr>\n"
        var columns: [[Double]] = Array(repeating: [], count: 4 + modalities.count)
        for run in runs {
            let best = run.best
            let options = run.configuration.options
            let values = [best?.testAcc, best?.testF1, best?.testMAP, best?.testAUC]
                + modalities.map { best?.testAccModality[$0] }
            for (index, value) in values.enumerated() {
                if let value { columns[index].append(value) }
            }
            let cells = [HTML.escape(run.name), HTML.escape(options.method), "\(options.seed)",
                         "\(run.history.count)", best.map { "\($0.epoch)" } ?? "-",
                         run.configuration.selectionSplit]
                + values.map { $0.map { String(format: "%.2f", $0) } ?? "-" }
            out += "<tr>" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>\n"
        }
        let summary = columns.map { $0.isEmpty ? "-" : SeedStatistics.text($0) }
        out += "<tr class=\"mean\"><th>mean ± std</th>" + String(repeating: "<td></td>", count: 5)
            + summary.map { "<td>\($0)</td>" }.joined() + "</tr>\n"
        return out + "</table>\n"
    }

    private static func section(_ run: RunRecord) -> String {
        let options = run.configuration.options
        var out = "<h2 id=\"run-\(HTML.escape(run.name))\">\(HTML.escape(run.name))</h2>\n"
        out += "<p>\(HTML.escape(options.method)), \(HTML.escape(options.optimizer)) lr "
            + "\(options.learningRate), batch \(options.batchSize), width \(options.width), seed "
            + "\(options.seed), \(run.history.count) of \(options.epochs) epochs; cache "
            + "\(HTML.escape(run.configuration.cacheFolder))</p>\n"
        out += "<p class=\"note selection\">\(HTML.escape(run.configuration.selectionNote))</p>\n"
        let absent = run.history.last?.testAbsentClasses ?? []
        out += absent.isEmpty
            ? "<p class=\"absent\">Every class occurs in the test split.</p>\n"
            : "<p class=\"note absent\">Classes absent from the test split, left out of the "
                + "macro means (F1, mAP, AUC): \(HTML.escape(absent.joined(separator: ", ")))</p>\n"

        let epochs = run.history.map { Double($0.epoch) }
        func line(_ name: String, _ values: [Double?]) -> SVGPlot.Series? {
            guard values.contains(where: { $0 != nil }) else { return nil }
            return SVGPlot.Series(name: name, x: epochs, y: values.map { $0 ?? .nan })
        }
        let plots = [
            SVGPlot(title: "Loss", xLabel: "epoch", series: [
                line("train_loss", run.history.map(\.trainLoss)),
                line("test_loss", run.history.map(\.testLoss)),
            ].compactMap { $0 }),
            SVGPlot(title: "Accuracy (%)", xLabel: "epoch", series: [
                line("train_acc", run.history.map(\.trainAcc)),
                line("test_acc", run.history.map(\.testAcc)),
                line("valid_acc", run.history.map(\.validAcc)),
            ].compactMap { $0 }),
            SVGPlot(title: "Per-modality test accuracy (%)", xLabel: "epoch",
                    series: run.modalities.compactMap { name in
                        line("test_acc_\(name)", run.history.map { $0.testAccModality[name] })
                    }),
            SVGPlot(title: "Keep ratios", xLabel: "step", series: run.modalities.compactMap {
                let steps = run.keepRatioSteps($0)
                guard !steps.isEmpty else { return nil }
                return SVGPlot.Series(name: "rho_\($0)", x: steps.indices.map { Double($0 + 1) },
                                      y: steps)
            }),
        ]
        out += "<div class=\"plots\">\n" + plots.map(\.svg).joined(separator: "\n") + "\n</div>\n"
        if let best = run.best { out += confusion(best, classes: run.configuration.classes) }
        return out
    }

    private static func confusion(_ record: EpochMetrics, classes: [String]) -> String {
        var out = "<h3>Confusion matrix, epoch \(record.epoch) (rows: true class)</h3>\n"
        out += "<table class=\"confusion\">\n<tr><th></th>"
        out += classes.map { "<th>\(HTML.escape($0))</th>" }.joined() + "</tr>\n"
        for (index, row) in record.testConfusion.enumerated() {
            let name = classes.indices.contains(index) ? classes[index] : "\(index)"
            out += "<tr><th>\(HTML.escape(name))</th>"
                + row.map { "<td>\($0)</td>" }.joined() + "</tr>\n"
        }
        return out + "</table>\n"
    }
}
