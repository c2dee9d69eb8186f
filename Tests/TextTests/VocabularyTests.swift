import Foundation
import XCTest
@testable import Text

/// Loading `vocab.txt` the way the reference's `load_vocab` reads it.
final class VocabularyTests: XCTestCase {
    private func vocabulary(_ text: String) throws -> Vocabulary {
        try Vocabulary(fileBytes: Array(text.utf8), path: "test-vocab.txt")
    }

    func testBertBaseUncasedHasEveryLineAsItsOwnId() throws {
        let vocabulary = try TextFixtures.loadVocabulary()
        XCTAssertEqual(vocabulary.count, 30_522)
        XCTAssertEqual(vocabulary.paddingID, 0)
        XCTAssertEqual(vocabulary.unknownID, 100)
        XCTAssertEqual(vocabulary.classID, 101)
        XCTAssertEqual(vocabulary.separatorID, 102)
        XCTAssertEqual(vocabulary.maskID, 103)
        XCTAssertEqual(vocabulary.id(of: "hello"), 7592)
        XCTAssertEqual(vocabulary.id(of: "##i"), 2072)
        for id in 0..<Int32(vocabulary.count) {
            let token = try XCTUnwrap(vocabulary.token(for: id))
            XCTAssertEqual(vocabulary.id(of: token), id, token)
        }
        XCTAssertNil(vocabulary.token(for: 30_522))
    }

    /// Keys are exact bytes: canonically equivalent spellings are two entries.
    func testCanonicallyEquivalentTokensStayDistinct() throws {
        let vocabulary = try self.vocabulary("[UNK]\ncaf\u{E9}\ncafe\u{301}\n")
        XCTAssertEqual(vocabulary.id(of: "caf\u{E9}"), 1)
        XCTAssertEqual(vocabulary.id(of: "cafe\u{301}"), 2)
        XCTAssertEqual(vocabulary.count, 3)
    }

    /// Python's text-mode readlines: LF, CRLF and CR end lines; a missing final newline keeps
    /// the last token; an empty line is a token; a repeated token keeps its last line.
    func testLineEndsAndRepeats() throws {
        let vocabulary = try self.vocabulary("[UNK]\r\na\rb\n\nc\na\nlast")
        XCTAssertEqual(vocabulary.count, 7)
        XCTAssertEqual(vocabulary.id(of: "b"), 2)
        XCTAssertEqual(vocabulary.id(of: ""), 3)
        XCTAssertEqual(vocabulary.id(of: "c"), 4)
        XCTAssertEqual(vocabulary.id(of: "a"), 5)
        XCTAssertEqual(vocabulary.id(of: "last"), 6)
        XCTAssertEqual(vocabulary.token(for: 1), "a")
    }

    /// Special tokens the file lacks get the next ids in the reference's order; values from
    /// BertTokenizerLegacy on this vocabulary: "hello [MASK] world [SEP] zzz" → 5 1 6 2 4 3 4.
    func testMissingSpecialTokensAreAppended() throws {
        let vocabulary = try self.vocabulary("[PAD]\nhello\nworld\n[UNK]\n")
        XCTAssertEqual(vocabulary.separatorID, 4)
        XCTAssertEqual(vocabulary.classID, 5)
        XCTAssertEqual(vocabulary.maskID, 6)
        XCTAssertEqual(vocabulary.token(for: 6), "[MASK]")
        var tokenizer = BertTokenizer(vocabulary: vocabulary)
        XCTAssertEqual(tokenizer.encode("hello [MASK] world [SEP] zzz").ids, [5, 1, 6, 2, 4, 3, 4])
    }

    func testErrorsNameTheFile() throws {
        XCTAssertThrowsError(try Vocabulary(contentsOfFile: "/nonexistent/vocab.txt")) { error in
            XCTAssertEqual((error as? TextError)?.path, "/nonexistent/vocab.txt")
        }
        XCTAssertThrowsError(try Vocabulary(fileBytes: [], path: "empty.txt")) { error in
            XCTAssertEqual(error as? TextError, TextError(
                path: "empty.txt", reason: "the vocabulary file holds no tokens"))
        }
        XCTAssertThrowsError(try Vocabulary(fileBytes: Array("a\nb\n".utf8) + [0xFF, 0x0A],
                                            path: "bad.txt")) { error in
            XCTAssertEqual(error as? TextError,
                           TextError(path: "bad.txt", reason: "not UTF-8 text (line 3)"))
        }
    }
}
