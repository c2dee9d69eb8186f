import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import Training

/// The HTML report parsed back as XML: its plots carry exactly the runs' metrics.
final class RunReportTests: XCTestCase {
    /// Collects every polyline's data and the comparison table's cells.
    private final class PageReader: NSObject, XMLParserDelegate {
        var plots: [String] = []
        var series: [(run: String, plot: String, name: String, x: [Double], y: [Double],
                      points: Int)] = []
        private var run = ""
        var tableRows: [[String]] = []
        var text = ""
        private var inComparison = false
        private var cell: String?

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            switch name {
            case "h2": run = attributes["id"] ?? ""
            case "svg": plots.append(attributes["data-title"] ?? "")
            case "polyline":
                func numbers(_ key: String) -> [Double] {
                    (attributes[key] ?? "").split(separator: ",").map { Double($0) ?? .nan }
                }
                let points = (attributes["points"] ?? "").split(separator: " ").count
                series.append((run, plots.last ?? "", attributes["data-name"] ?? "",
                               numbers("data-x"), numbers("data-y"), points))
            case "table": inComparison = attributes["class"] == "comparison"
            case "tr" where inComparison: tableRows.append([])
            case "td" where inComparison, "th" where inComparison: cell = ""
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            text += string
            if cell != nil { cell? += string }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?,
                    qualifiedName: String?) {
            if (name == "td" || name == "th"), let value = cell {
                tableRows[tableRows.count - 1].append(value)
                cell = nil
            }
            if name == "table" { inComparison = false }
        }
    }

    private func train(_ name: String, seed: UInt64, valid: Int?) throws -> String {
        var options = TrainOptions(out: SyntheticClips.temporaryFolder(name))
        options.epochs = 3
        options.batchSize = 16
        options.width = 1.0 / 16
        options.threads = 1
        options.seed = seed
        options.maxBatchesPerEpoch = 4
        _ = try Trainer(data: try SyntheticClips.data(valid: valid), options: options).run { _ in }
        return options.out
    }

    private func read(_ path: String) throws -> PageReader {
        let parser = try XCTUnwrap(XMLParser(contentsOf: URL(fileURLWithPath: path)))
        let reader = PageReader()
        parser.delegate = reader
        XCTAssertTrue(parser.parse(), "the page is well-formed XHTML: "
                      + "\(String(describing: parser.parserError))")
        return reader
    }

    func testPlotsHoldTheRunsMetrics() throws {
        let first = try train("report-a", seed: 1, valid: nil)
        let second = try train("report-b", seed: 2, valid: 32)
        let page = SyntheticClips.temporaryFolder("report") + ".html"
        try RunReport.write(folders: [first, second], to: page)
        let reader = try read(page)

        // Four plots per run, in order; nothing loaded from outside the page.
        XCTAssertEqual(reader.plots, Array(repeating: ["Loss", "Accuracy (%)",
                                                       "Per-modality test accuracy (%)",
                                                       "Keep ratios"], count: 2).flatMap { $0 })
        let html = try String(contentsOfFile: page, encoding: .utf8)
        XCTAssertFalse(html.contains("<script"))
        XCTAssertFalse(html.contains("src=\""))
        XCTAssertFalse(html.contains("href=\"http"))

        let runs = try [first, second].map { try RunRecord(folder: $0) }
        for (index, run) in runs.enumerated() {
            let ofRun = reader.series.filter { $0.run == "run-" + run.name }
            func line(_ name: String) throws -> (x: [Double], y: [Double], points: Int) {
                let found = try XCTUnwrap(ofRun.first { $0.name == name }, name)
                return (found.x, found.y, found.points)
            }
            let epochs = run.history.map { Double($0.epoch) }
            XCTAssertEqual(try line("train_loss").x, epochs)
            XCTAssertEqual(try line("train_loss").y, run.history.map(\.trainLoss))
            XCTAssertEqual(try line("test_loss").y, run.history.map(\.testLoss))
            XCTAssertEqual(try line("test_acc").y, run.history.map(\.testAcc))
            XCTAssertEqual(try line("test_acc_audio").y, run.history.compactMap(\.testAccAudio))
            XCTAssertEqual(try line("test_acc_visual").y,
                           run.history.compactMap(\.testAccVisual))
            let steps = run.history.flatMap { $0.rhoAudioSteps ?? [] }
            XCTAssertEqual(steps.count, 3 * 4)
            XCTAssertEqual(try line("rho_audio").y, steps)
            XCTAssertEqual(try line("rho_audio").x, (1...12).map(Double.init))
            XCTAssertEqual(try line("rho_audio").points, 12)
            XCTAssertEqual(try line("rho_visual").y,
                           run.history.flatMap { $0.rhoVisualSteps ?? [] })
            if index == 1 {
                XCTAssertEqual(try line("valid_acc").y, run.history.compactMap(\.validAcc))
            } else {
                XCTAssertNil(ofRun.first { $0.name == "valid_acc" })
            }
        }

        // The comparison: a header, one row per run, mean ± std of the best epochs.
        XCTAssertEqual(reader.tableRows.count, 4)
        XCTAssertEqual(reader.tableRows[0],
                       RunReport.comparisonColumns + ["audio acc", "visual acc"])
        let bestAccuracies = runs.compactMap(\.best?.testAcc)
        XCTAssertEqual(reader.tableRows[1][6], String(format: "%.2f", bestAccuracies[0]))
        XCTAssertEqual(reader.tableRows[3][6], SeedStatistics.text(bestAccuracies))
        // Each run says how its best epoch was chosen.
        XCTAssertTrue(reader.text.contains("the test split chose the best epoch"))
        XCTAssertTrue(reader.text.contains("best epoch chosen on the cache's valid split"))
    }

    func testSeedStatistics() {
        let (mean, deviation) = SeedStatistics.meanAndDeviation([1, 2, 3, 4])
        XCTAssertEqual(mean, 2.5)
        XCTAssertEqual(deviation, (5.0 / 3).squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(SeedStatistics.meanAndDeviation([7]).deviation, 0)
        XCTAssertEqual(SeedStatistics.text([70, 72]), "71.00 ± 1.41")
    }
}
