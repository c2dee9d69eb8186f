import Foundation
import XCTest
@testable import Datasets

/// The two forms of Kinetics-Sounds split lists, read from bytes.
final class KineticsSoundsListTests: XCTestCase {
    private func parse(_ text: String, labelBase: Int = 0) -> Result<KineticsSoundsList,
                                                                   KineticsSoundsList.FormatError> {
        KineticsSoundsList.parse(AnnotationFile(data: Data(text.utf8)), labelBase: labelBase)
    }

    private func list(_ text: String, labelBase: Int = 0,
                      file: StaticString = #filePath, line: UInt = #line) throws
        -> KineticsSoundsList {
        switch parse(text, labelBase: labelBase) {
        case .success(let list): return list
        case .failure(let problem):
            XCTFail(problem.reason, file: file, line: line)
            throw problem
        }
    }

    func testIndexedRowsKeepIdsVerbatim() throws {
        let parsed = try list("--4-0ihtnBU_000058_000068,10,4\n-3Mwkq-7TV4_2,10,23\n")
        XCTAssertEqual(parsed.format, .indexed)
        XCTAssertEqual(parsed.entries, [
            .init(line: 1, id: "--4-0ihtnBU_000058_000068", label: .index(4)),
            .init(line: 2, id: "-3Mwkq-7TV4_2", label: .index(23)),
        ])
        XCTAssertEqual(parsed.problems, [])
    }

    func testCRLFAndByteOrderMarkGiveTheSameEntries() throws {
        let plain = "--4-0ihtnBU_000058_000068,10,4\n--6q_33gNew_000132_000142,10,27\n"
        let windows = plain.replacingOccurrences(of: "\n", with: "\r\n")
        let expected = try list(plain).entries
        XCTAssertEqual(try list(windows).entries, expected)
        XCTAssertEqual(try list("\u{FEFF}" + windows).entries, expected)
        XCTAssertEqual(expected.first?.id, "--4-0ihtnBU_000058_000068")
    }

    func testOneBasedListsShiftToZeroBased() throws {
        let text = "a_1,10,1\nb_2,10,31\nc_3,10,0\n"
        let shifted = try list(text, labelBase: 1)
        XCTAssertEqual(shifted.entries.map(\.label), [.index(0), .index(30)])
        XCTAssertEqual(shifted.problems.map(\.code), ["label-range"])
        XCTAssertEqual(shifted.problems.first?.line, 3)
        XCTAssertEqual(try list(text).entries.map(\.label), [.index(1), .index(31), .index(0)])
    }

    func testBadIndexedRowsAreProblemsWithTheirLine() throws {
        let parsed = try list("good_1,10,3\nshort_2,10\nword_3,10,five\n\n,10,4\nx,1,2,3\n")
        XCTAssertEqual(parsed.entries.map(\.id), ["good_1", ""])
        XCTAssertEqual(parsed.problems.map(\.code), ["bad-row", "bad-label", "bad-row"])
        XCTAssertEqual(parsed.problems.map(\.line), [2, 3, 6])
        XCTAssertEqual(parsed.problems.map(\.id), ["short_2", "word_3", "x"])
    }

    func testNamedCSVFindsColumnsByHeaderName() throws {
        let text = "youtube_id,time_start,label,split\r\n"
            + "--4-0ihtnBU_000058_000068,58,\"playing bagpipes\",train\r\n"
            + " -00nar1nEPc_000033_000043 ,33,bowling,train\r\n"
            + "short\r\n"
            + "x_1,0,,train\r\n"
        let parsed = try list(text)
        XCTAssertEqual(parsed.format, .named)
        XCTAssertEqual(parsed.entries, [
            .init(line: 2, id: "--4-0ihtnBU_000058_000068", label: .name("playing bagpipes")),
            .init(line: 3, id: "-00nar1nEPc_000033_000043", label: .name("bowling")),
        ])
        XCTAssertEqual(parsed.problems.map(\.code), ["bad-row", "bad-label"])
        XCTAssertEqual(parsed.problems.map(\.line), [4, 5])
    }

    func testUppercaseHeaderAndHeaderOnlyFile() throws {
        XCTAssertEqual(try list("LABEL,YOUTUBE_ID\n").entries, [])
        XCTAssertEqual(try list("LABEL,YOUTUBE_ID\n").format, .named)
    }

    func testNeitherFormIsAFormatError() {
        for text in ["label,id\nx,y\n", "id,label\n", "a,b\n", "a,10,b\n"] {
            guard case .failure(let problem) = parse(text) else {
                return XCTFail("accepted \(text.debugDescription)")
            }
            XCTAssertFalse(problem.reason.isEmpty)
        }
    }

    /// The real OGM-GE lists (Tests/Fixtures/kinetics-sounds): every row usable, 31 classes.
    func testRealListsParseCompletely() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/kinetics-sounds")
        // Counts from `wc -l`; class 0 counts from `cut -d, -f3 | sort -n | uniq -c`.
        for (name, rows, classZero) in [("train.txt", 14_799, 268), ("test.txt", 2_597, 81)] {
            let data = try Data(contentsOf: fixtures.appendingPathComponent(name))
            let parsed = try XCTUnwrap(try? KineticsSoundsList.parse(AnnotationFile(data: data))
                .get())
            XCTAssertEqual(parsed.entries.count, rows, name)
            XCTAssertEqual(parsed.problems, [], name)
            XCTAssertEqual(Set(parsed.entries.map(\.label)), Set((0..<31).map {
                KineticsSoundsList.Label.index($0) }), name)
            XCTAssertEqual(parsed.entries.filter { $0.label == .index(0) }.count, classZero)
            XCTAssertTrue(parsed.entries.allSatisfy { DatasetRoot.isPlainFileName($0.id) })
            XCTAssertFalse(parsed.entries.contains { $0.id.hasSuffix("\r") })
        }
    }
}
