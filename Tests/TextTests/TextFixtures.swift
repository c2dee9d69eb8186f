import Foundation
import XCTest
@testable import Text

/// Paths of the committed fixtures written by `tools/ref/tokenizer_fixtures.py`.
enum TextFixtures {
    /// The fixture folder next to this file.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// The path of a fixture file.
    static func path(_ name: String) -> String {
        folder.appendingPathComponent(name).path
    }

    /// The bert-base-uncased vocabulary, loaded once.
    static let vocabulary: Vocabulary? = try? Vocabulary(
        contentsOfFile: path("vocab/bert-base-uncased.txt"))

    /// The vocabulary, or a test failure.
    static func loadVocabulary(file: StaticString = #filePath,
                               line: UInt = #line) throws -> Vocabulary {
        try XCTUnwrap(vocabulary, "cannot load the fixture vocabulary", file: file, line: line)
    }

    /// The lines of a text fixture, split at LF (a final LF ends the last line).
    static func lines(_ name: String) throws -> [[UInt8]] {
        let data = try Data(contentsOf: folder.appendingPathComponent(name))
        var lines = [UInt8](data).split(separator: 0x0A, omittingEmptySubsequences: false)
            .map { Array($0) }
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }
}
