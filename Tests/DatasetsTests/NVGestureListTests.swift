import Foundation
import XCTest
@testable import Datasets

/// `nvgesture_*_correct_v2.lst` lines: key:value fields, sensor ranges, 1-based labels.
final class NVGestureListTests: XCTestCase {
    private let line = "path:./Video_data/class_01/subject13_r0 depth:sk_depth:138:218 "
        + "color:sk_color:138:218 duo_left:duo_left:161:253 label:1"

    func testAFullLineGivesSensorsAndAZeroBasedLabel() {
        let list = NVGestureList(data: Data((line + "\n").utf8))
        XCTAssertEqual(list.problems, [])
        let entry = list.entries.first
        XCTAssertEqual(entry?.path, "./Video_data/class_01/subject13_r0")
        XCTAssertEqual(entry?.id, "class_01/subject13_r0")
        XCTAssertEqual(entry?.label, 0)
        XCTAssertEqual(entry?.position, 0)
        XCTAssertEqual(entry?.sensors["color"], .init(file: "sk_color", start: 138, end: 218))
        XCTAssertEqual(entry?.sensors["depth"], .init(file: "sk_depth", start: 138, end: 218))
        XCTAssertEqual(entry?.sensors["duo_left"], .init(file: "duo_left", start: 161, end: 253))
    }

    func testCRLFBOMTabsAndBlankLinesDoNotChangeTheEntries() {
        let second = line.replacingOccurrences(of: "label:1", with: "label:25")
            .replacingOccurrences(of: "class_01", with: "class_25")
        let plain = NVGestureList(data: Data((line + "\n" + second + "\n").utf8))
        let messy = NVGestureList(data: Data(("\u{FEFF}" + line + "\r\n\r\n"
            + second.replacingOccurrences(of: " ", with: "\t  ") + " \r\n").utf8))
        XCTAssertEqual(plain.entries.map(\.label), [0, 24])
        XCTAssertEqual(messy.entries.map(\.id), plain.entries.map(\.id))
        XCTAssertEqual(messy.entries.map(\.sensors), plain.entries.map(\.sensors))
        XCTAssertEqual(messy.entries.map(\.position), [0, 1])
        XCTAssertEqual(messy.entries.map(\.line), [1, 3])
    }

    func testBadFieldsAreProblemsWithLineAndCode() {
        let rows = [
            line.replacingOccurrences(of: "label:1", with: "label:0"),
            line.replacingOccurrences(of: "label:1", with: "label:26"),
            line.replacingOccurrences(of: "label:1", with: "label:one"),
            line.replacingOccurrences(of: " label:1", with: ""),
            line.replacingOccurrences(of: "color:sk_color:138:218", with: "color:sk_color:138"),
            line.replacingOccurrences(of: "color:sk_color:138:218", with: "color:sk_color:9:9"),
            line.replacingOccurrences(of: "depth:sk_depth:138:218 ", with: ""),
            line.replacingOccurrences(of: "path:./Video_data/class_01/subject13_r0 ", with: ""),
            line + " stray",
        ]
        let list = NVGestureList(data: Data(rows.joined(separator: "\n").utf8))
        XCTAssertEqual(list.entries, [])
        XCTAssertEqual(list.problems.map(\.code), [
            "label-range", "label-range", "bad-label", "bad-label", "bad-field", "bad-range",
            "missing-sensor", "bad-row", "bad-field",
        ])
        XCTAssertEqual(list.problems.map(\.line), Array(1...9))
        XCTAssertEqual(list.problems.first?.id, "class_01/subject13_r0")
    }
}
