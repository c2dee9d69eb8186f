import Datasets
import Foundation
import XCTest

/// CSV/TSV parsing of annotation tables: header or not, BOM, line ends, RFC 4180 quoting.
final class DelimitedTableTests: XCTestCase {
    private func table(_ text: String, _ separator: Character = ",",
                       header: Bool = true) throws -> DelimitedTable {
        try DelimitedTable(data: Data(text.utf8), separator: separator, header: header)
    }

    func testBOMAndCRLFChangeNeitherTheFirstColumnNameNorTheLastField() throws {
        let parsed = try table("\u{FEFF}id,word\r\nen-1,one\r\nen-2,two\r\n")
        XCTAssertEqual(parsed.columns, ["id", "word"])
        XCTAssertEqual(parsed.rows.map(\.fields), [["en-1", "one"], ["en-2", "two"]])
        XCTAssertEqual(parsed.rows.map(\.line), [2, 3])
        XCTAssertEqual(parsed.column(named: "id"), 0)
        XCTAssertEqual(parsed.column(named: "WORD"), 1, "names match ignoring case")
        XCTAssertNil(parsed.column(named: "emotion"))
    }

    func testWithoutHeaderEveryRecordIsARow() throws {
        let parsed = try table("a\t1\nb\t2", "\t", header: false)
        XCTAssertEqual(parsed.columns, [])
        XCTAssertEqual(parsed.rows.map(\.fields), [["a", "1"], ["b", "2"]],
                       "the last line needs no line end")
    }

    func testQuotedFieldsHoldSeparatorsQuotesAndLineBreaks() throws {
        let text = "id,prompt,n\r\n"
            + "a,\"digits/3.wav, fr_CA_f_June\",1\r\n"
            + "b,\"she said \"\"hi\"\"\",2\r\n"
            + "c,\"two\r\nlines\",3\r\n"
            + "d,,4\r\n"
        let parsed = try table(text)
        XCTAssertEqual(parsed.rows.map(\.fields), [
            ["a", "digits/3.wav, fr_CA_f_June", "1"],
            ["b", "she said \"hi\"", "2"],
            ["c", "two\r\nlines", "3"],
            ["d", "", "4"],
        ])
        // The row after a two-line field starts on line 6 of the file.
        XCTAssertEqual(parsed.rows.map(\.line), [2, 3, 4, 6])
    }

    func testTabSeparatedFieldsMayBeQuotedAndKeepCommas() throws {
        let parsed = try table("x\t\"a\tb, c\"\ty\n", "\t", header: false)
        XCTAssertEqual(parsed.rows.first?.fields, ["x", "a\tb, c", "y"])
    }

    func testBlankLinesAreSkippedAndLoneCRIsALineEnd() throws {
        let parsed = try table("id,w\r\r\na,1\n\n  \nb,2\rc,3", header: true)
        XCTAssertEqual(parsed.rows.map(\.fields), [["a", "1"], ["b", "2"], ["c", "3"]])
        XCTAssertEqual(parsed.rows.map(\.line), [3, 6, 7])
    }

    func testAQuoteInsideAnUnquotedFieldIsKeptAsItIs() throws {
        let parsed = try table("5\" disk,ok\n", header: false)
        XCTAssertEqual(parsed.rows.first?.fields, ["5\" disk", "ok"])
    }

    func testAnUnclosedQuoteIsAProblemNamingItsLine() {
        XCTAssertThrowsError(try table("id,w\na,1\nb,\"never closed\nc,3\n")) { error in
            XCTAssertEqual((error as? DelimitedTable.Problem)?.line, 3)
        }
    }

    func testAHeaderlessEmptyFileHasNoRowsButAHeadedOneIsAProblem() throws {
        XCTAssertEqual(try table("", header: false).rows, [])
        XCTAssertThrowsError(try table("\r\n\r\n", header: true)) { error in
            XCTAssertEqual((error as? DelimitedTable.Problem)?.line, 1)
        }
    }

    func testInvalidUTF8BecomesTheReplacementCharacter() throws {
        var bytes = Array("id,w\na".utf8)
        bytes += [0xFF, 0xFE]
        bytes += Array(",1\n".utf8)
        let parsed = try DelimitedTable(data: Data(bytes), separator: ",", header: true)
        XCTAssertEqual(parsed.rows.first?.fields, ["a\u{FFFD}\u{FFFD}", "1"])
    }
}
