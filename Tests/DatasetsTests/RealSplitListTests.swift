import Foundation
import XCTest
@testable import Datasets

/// The real OGM-GE / AMSS CREMA-D split lists (Tests/Fixtures/cremad).
final class RealSplitListTests: XCTestCase {
    private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/cremad")

    private func data(_ name: String) throws -> Data {
        try Data(contentsOf: fixtures.appendingPathComponent(name))
    }

    func testEveryRealClipNameAndLabelIsValid() throws {
        for (name, count) in [("train.csv", 6_698), ("test.csv", 744)] {
            let file = AnnotationFile(data: try data(name))
            XCTAssertEqual(file.rows.count, count, name)
            for row in file.rows {
                guard case .success(let clip) = CremaClipName.parse(row.fields[0]) else {
                    return XCTFail("\(name):\(row.line) \(row.fields[0]) rejected")
                }
                XCTAssertEqual(clip.emotion, row.fields[1], "\(name):\(row.line)")
            }
        }
    }

    func testByteOrderMarkAndLineEndsDoNotChangeTheFirstId() throws {
        let plain = try data("train.csv")
        XCTAssertTrue(plain.starts(with: Array("1088_IOM_NEU_XX,NEU\r\n".utf8)))
        let withBOM = Data([0xEF, 0xBB, 0xBF]) + plain
        let unixEnds = Data(String(decoding: plain, as: UTF8.self)
            .replacingOccurrences(of: "\r\n", with: "\n").utf8)
        for variant in [plain, withBOM, unixEnds] {
            let rows = AnnotationFile(data: variant).rows
            XCTAssertEqual(rows.first?.fields, ["1088_IOM_NEU_XX", "NEU"])
            XCTAssertEqual(rows.count, 6_698)
        }
    }

    func testStandardSplitSharesActorsAndThatIsOnlyAWarning() throws {
        let layout = try TemporaryLayout()
        defer { layout.remove() }
        try layout.write("annotations/train.csv", try data("train.csv"))
        try layout.write("annotations/test.csv", try data("test.csv"))
        let result = CremaLayout().scan(root: layout.root)
        let overlap = result.findings.filter { $0.code == "actor-overlap" }
        XCTAssertEqual(overlap.count, 1)
        XCTAssertEqual(overlap.first?.severity, .warning)
        let trainActors = Set(AnnotationFile(data: try data("train.csv")).rows.map {
            $0.fields[0].prefix(4) })
        let testActors = Set(AnnotationFile(data: try data("test.csv")).rows.map {
            $0.fields[0].prefix(4) })
        XCTAssertTrue(overlap.first?.message.hasPrefix(
            "\(trainActors.intersection(testActors).count) actors") ?? false)
        XCTAssertEqual(result.findings.filter { $0.code == "missing" }.count, 6_698 + 744)
    }
}
