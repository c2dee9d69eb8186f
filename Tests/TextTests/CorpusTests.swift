import Foundation
import XCTest
@testable import Text

/// 9 066 real texts (VADER's tweets, Rotten Tomatoes snippets) against the reference's ids
/// (`Fixtures/corpus/*.ids`, `encode(text)` of transformers' BertTokenizerLegacy).
final class CorpusTests: XCTestCase {
    private func check(_ name: String, expectedTexts: Int) throws {
        var tokenizer = BertTokenizer(vocabulary: try TextFixtures.loadVocabulary())
        let texts = try TextFixtures.lines("corpus/\(name).txt")
        let expected = try TextFixtures.lines("corpus/\(name).ids").map { line in
            String(decoding: line, as: UTF8.self).split(separator: " ").compactMap { Int32($0) }
        }
        XCTAssertEqual(texts.count, expectedTexts)
        XCTAssertEqual(texts.count, expected.count)

        var mismatches = 0
        var pieces: [Int32] = []
        for (text, reference) in zip(texts, expected) {
            pieces.removeAll(keepingCapacity: true)
            text.withUnsafeBufferPointer { tokenizer.appendPieceIDs(utf8: $0, to: &pieces) }
            let ids = SequenceLayout.huggingFace.arrange(pieces, maxLength: nil,
                                                         vocabulary: tokenizer.vocabulary).ids
            if ids != reference {
                mismatches += 1
                if mismatches <= 5 {
                    XCTFail("\(name): \(String(decoding: text, as: UTF8.self))\n ours \(ids)\n"
                            + " reference \(reference)")
                }
            }
        }
        XCTAssertEqual(mismatches, 0, "\(name): texts whose ids differ")
    }

    func testTweetsMatchTheReference() throws {
        try check("tweets", expectedTexts: 4200)
    }

    func testRottenTomatoesSnippetsMatchTheReference() throws {
        try check("rotten", expectedTexts: 4866)
    }

    /// Copies of one tokenizer used on two threads at once (each copy gets its own lookup
    /// cache) give the reference's ids.
    func testCopiesOnTwoThreads() throws {
        let tokenizer = BertTokenizer(vocabulary: try TextFixtures.loadVocabulary())
        let texts = try TextFixtures.lines("corpus/tweets.txt")
        let expected = try TextFixtures.lines("corpus/tweets.ids").map { line in
            String(decoding: line, as: UTF8.self).split(separator: " ").compactMap { Int32($0) }
        }
        let mismatches = Mismatches()
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            var copy = tokenizer
            var pieces: [Int32] = []
            for (text, reference) in zip(texts, expected) {
                pieces.removeAll(keepingCapacity: true)
                text.withUnsafeBufferPointer { copy.appendPieceIDs(utf8: $0, to: &pieces) }
                if [101] + pieces + [102] != reference { mismatches.add() }
            }
        }
        XCTAssertEqual(mismatches.count, 0)
    }

    /// The 128-token layouts the fixture script checked against the reference's
    /// `tokenizer(text, max_length=128, truncation=True, padding="max_length")`.
    func testFixedLengthLayoutsOfLongTexts() throws {
        var tokenizer = BertTokenizer(vocabulary: try TextFixtures.loadVocabulary())
        let texts = try TextFixtures.lines("corpus/rotten.txt").map {
            String(decoding: $0, as: UTF8.self)
        }
        let long = try XCTUnwrap(texts.first { tokenizer.pieceIDs(for: $0).count > 126 } ??
                                 texts.max { $0.utf8.count < $1.utf8.count })
        let pieces = tokenizer.pieceIDs(for: long)
        let hf = tokenizer.encode(long, layout: .huggingFace, maxLength: 128)
        XCTAssertEqual(hf.ids.count, 128)
        XCTAssertEqual(hf.ids.first, 101)
        let kept = min(pieces.count, 126)
        XCTAssertEqual(Array(hf.ids[1...kept]), Array(pieces.prefix(kept)))
        XCTAssertEqual(hf.ids[kept + 1], 102)
        XCTAssertEqual(hf.attentionMask.filter { $0 == 1 }.count, kept + 2)
        let reference = tokenizer.encode(long, layout: .reference, maxLength: 128)
        XCTAssertEqual(Array(reference.ids.prefix(min(pieces.count, 128))),
                       Array(pieces.prefix(128)))
        XCTAssertEqual(reference.ids.count, 128)
    }
}

/// A counter shared by threads.
private final class Mismatches: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func add() {
        lock.lock()
        value += 1
        lock.unlock()
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
