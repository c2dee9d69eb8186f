import Foundation
import XCTest
@testable import Text

/// The hand-picked cases of docs/CASES.md G1–G7 and more, against the reference tokenizer's
/// ids (`Fixtures/cases.json`, transformers' BertTokenizerLegacy under Python 3.11).
final class ReferenceCaseTests: XCTestCase {
    private struct Fixture: Decodable {
        let meta: Meta
        let cases: [Case]
    }

    private struct Meta: Decodable {
        let transformers: String
        let unicode: String
        let vocab_size: Int
    }

    private struct Options: Decodable {
        let do_lower_case: Bool
        let strip_accents: Bool?
        let tokenize_chinese_chars: Bool
    }

    private struct Case: Decodable {
        let name: String
        let text: String?
        let utf8_hex: String?
        let options: Options
        let layout: String
        let max_length: Int?
        let ids: [Int32]
        let attention_mask: [UInt8]
    }

    private func fixture() throws -> Fixture {
        let data = try Data(contentsOf: TextFixtures.folder.appendingPathComponent("cases.json"))
        return try JSONDecoder().decode(Fixture.self, from: data)
    }

    private static func bytes(fromHex hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }

    func testEveryCaseMatchesTheReference() throws {
        let fixture = try fixture()
        let vocabulary = try TextFixtures.loadVocabulary()
        XCTAssertEqual(fixture.meta.unicode, UnicodeTables.unicodeVersion)
        XCTAssertEqual(fixture.meta.vocab_size, vocabulary.count)
        XCTAssertGreaterThan(fixture.cases.count, 50)
        for item in fixture.cases {
            let options = TokenizerOptions(
                doLowerCase: item.options.do_lower_case, stripAccents: item.options.strip_accents,
                tokenizeChineseChars: item.options.tokenize_chinese_chars)
            var tokenizer = BertTokenizer(vocabulary: vocabulary, options: options)
            let layout = try XCTUnwrap(SequenceLayout(rawValue: item.layout), item.name)
            let bytes = item.utf8_hex.map(Self.bytes(fromHex:)) ?? Array((item.text ?? "").utf8)
            var pieces: [Int32] = []
            bytes.withUnsafeBufferPointer { tokenizer.appendPieceIDs(utf8: $0, to: &pieces) }
            let encoded = layout.arrange(pieces, maxLength: item.max_length,
                                         vocabulary: vocabulary)
            XCTAssertEqual(encoded.ids, item.ids, item.name)
            XCTAssertEqual(encoded.attentionMask, item.attention_mask, item.name)
        }
    }

    /// The values written in docs/CASES.md, independently of the fixture file.
    func testCasesDocumentValues() throws {
        var tokenizer = BertTokenizer(vocabulary: try TextFixtures.loadVocabulary())
        let sample = "Hello, y'all! How are you 😁 ?"
        XCTAssertEqual(tokenizer.encode(sample).ids,
                       [101, 7592, 1010, 1061, 1005, 2035, 999, 2129, 2024, 2017, 100, 1029, 102])
        XCTAssertEqual(tokenizer.pieceIDs(for: "lǜshi"), [16299, 2072])
        XCTAssertEqual(tokenizer.pieceIDs(for: "caf\u{E9}"), tokenizer.pieceIDs(for: "cafe\u{301}"))
        XCTAssertEqual(tokenizer.pieceIDs(for: "Héllo  wörld\u{7}!"), [7592, 2088, 999])
        XCTAssertEqual(tokenizer.pieceIDs(for: "glad😊"), [100])
        XCTAssertEqual(tokenizer.pieceIDs(for: "$5 a+b"), [1002, 1019, 1037, 1009, 1038])
        XCTAssertEqual(tokenizer.pieceIDs(for: "[MASK]"), [103])
        XCTAssertNotEqual(tokenizer.pieceIDs(for: "[mask]"), [103])
        XCTAssertEqual(tokenizer.pieceIDs(for: String(repeating: "a", count: 101)), [100])
        let truncated = tokenizer.encode(sample, layout: .huggingFace, maxLength: 8)
        XCTAssertEqual(truncated.ids, [101, 7592, 1010, 1061, 1005, 2035, 999, 102])
        XCTAssertEqual(truncated.attentionMask, [UInt8](repeating: 1, count: 8))
        let reference = tokenizer.encode("$5", layout: .reference, maxLength: 4)
        XCTAssertEqual(reference.ids, [1002, 1019, 0, 0])
        XCTAssertEqual(reference.attentionMask, [1, 1, 0, 0])
    }
}
