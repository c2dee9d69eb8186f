import Foundation
import XCTest
@testable import Text

/// The line streaming behind `amss tokenize`: lines across read chunks, output formats,
/// layouts, ill-formed input and errors.
final class LineTokenizerTests: XCTestCase {
    private func run(_ input: [UInt8], chunkSize: Int = 1 << 20,
                     layout: SequenceLayout = .huggingFace, maxLength: Int? = nil,
                     format: LineTokenizer.Format = .plain,
                     options: TokenizerOptions = TokenizerOptions())
        throws -> (String, LineTokenizer.Summary) {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("amss-line-tokenizer-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let inputPath = folder.appendingPathComponent("in.txt").path
        let outputPath = folder.appendingPathComponent("out.txt").path
        try Data(input).write(to: URL(fileURLWithPath: inputPath))
        let input = open(inputPath, O_RDONLY)
        let output = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer {
            close(input)
            close(output)
        }
        let tokenizer = BertTokenizer(vocabulary: try TextFixtures.loadVocabulary(),
                                      options: options)
        var lines = LineTokenizer(tokenizer: tokenizer, layout: layout, maxLength: maxLength,
                                  format: format, chunkSize: chunkSize)
        let summary = try lines.run(input: input, output: output)
        let text = try String(contentsOfFile: outputPath, encoding: .utf8)
        return (text, summary)
    }

    /// The tweet corpus read in odd-sized chunks gives the reference's ids byte for byte.
    func testCorpusInSmallChunksEqualsTheReferenceFile() throws {
        let texts = try Data(contentsOf: TextFixtures.folder
            .appendingPathComponent("corpus/tweets.txt"))
        let expected = try String(contentsOf: TextFixtures.folder
            .appendingPathComponent("corpus/tweets.ids"), encoding: .utf8)
        let (output, summary) = try run([UInt8](texts), chunkSize: 4093)
        XCTAssertEqual(summary.lines, 4200)
        XCTAssertEqual(summary.bytes, texts.count)
        XCTAssertTrue(output == expected, "output differs from corpus/tweets.ids")
    }

    /// 600 seeded random lines with scalars of every plane and ill-formed UTF-8.
    func testRandomIllFormedLinesEqualTheReferenceFile() throws {
        let texts = try Data(contentsOf: TextFixtures.folder
            .appendingPathComponent("corpus/random.txt"))
        XCTAssertNil(String(data: texts, encoding: .utf8), "the fixture should be ill-formed")
        let expected = try String(contentsOf: TextFixtures.folder
            .appendingPathComponent("corpus/random.ids"), encoding: .utf8)
        let (output, summary) = try run([UInt8](texts), chunkSize: 1000)
        XCTAssertEqual(summary.lines, 600)
        let ours = output.split(separator: "\n", omittingEmptySubsequences: false)
        let reference = expected.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(ours.count, reference.count)
        for (number, (mine, theirs)) in zip(ours, reference).enumerated() where mine != theirs {
            XCTFail("line \(number + 1): ours \(mine), reference \(theirs)")
        }
    }

    /// 400 lines dense in combining marks, sigma, Hangul jamo, CJK, separators, controls and
    /// disguised special tokens, under the four option sets of the fixture script.
    func testAdversarialLinesUnderEveryOptionSet() throws {
        let texts = try Data(contentsOf: TextFixtures.folder
            .appendingPathComponent("corpus/adversarial.txt"))
        let configs: [String: TokenizerOptions] = [
            "default": TokenizerOptions(),
            "cased": TokenizerOptions(doLowerCase: false, tokenizeChineseChars: false),
            "lower-keep-accents": TokenizerOptions(stripAccents: false),
            "cased-strip-accents": TokenizerOptions(doLowerCase: false, stripAccents: true),
        ]
        for (name, options) in configs.sorted(by: { $0.key < $1.key }) {
            let expected = try String(contentsOf: TextFixtures.folder
                .appendingPathComponent("corpus/adversarial.\(name).ids"), encoding: .utf8)
            let (output, summary) = try run([UInt8](texts), options: options)
            XCTAssertEqual(summary.lines, 400, name)
            let ours = output.split(separator: "\n", omittingEmptySubsequences: false)
            let reference = expected.split(separator: "\n", omittingEmptySubsequences: false)
            XCTAssertEqual(ours.count, reference.count, name)
            let differing = zip(ours, reference).enumerated()
                .filter { $0.element.0 != $0.element.1 }.map { $0.offset + 1 }
            XCTAssertEqual(differing, [], "\(name): lines that differ")
        }
    }

    /// A line longer than the read chunk, a last line without LF, empty lines and CRLF.
    func testLongLinesEmptyLinesAndCRLF() throws {
        let long = String(repeating: "hello ", count: 50)
        let input = Array("\(long)\n\nhello\r\nhello".utf8)
        let (output, summary) = try run(input, chunkSize: 16)
        let hello = "7592"
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(summary.lines, 4)
        XCTAssertEqual(lines.count, 5)
        XCTAssertEqual(lines[0], "101 " + Array(repeating: hello, count: 50)
            .joined(separator: " ") + " 102")
        XCTAssertEqual(lines[1], "101 102")
        XCTAssertEqual(lines[2], "101 \(hello) 102")
        XCTAssertEqual(lines[3], "101 \(hello) 102")
        XCTAssertEqual(lines[4], "")
    }

    /// Values of docs/CASES.md G6/G7 in each layout and format.
    func testLayoutsAndFormats() throws {
        let input = Array("$5 a+b\n".utf8)
        XCTAssertEqual(try run(input).0, "101 1002 1019 1037 1009 1038 102\n")
        XCTAssertEqual(try run(input, format: .json).0, "[101,1002,1019,1037,1009,1038,102]\n")
        XCTAssertEqual(try run(input, maxLength: 4).0, "101 1002 1019 102\n")
        XCTAssertEqual(try run(input, maxLength: 9).0, "101 1002 1019 1037 1009 1038 102 0 0\n")
        XCTAssertEqual(try run(input, layout: .reference).0, "1002 1019 1037 1009 1038\n")
        XCTAssertEqual(try run(input, layout: .reference, maxLength: 7, format: .json).0,
                       "[1002,1019,1037,1009,1038,0,0]\n")
        XCTAssertEqual(try run([], layout: .reference).1.lines, 0)
    }

    /// Every one-line case of `cases.json` with default options and no fixed length, streamed
    /// together (ill-formed ones as raw bytes), against the reference's ids.
    func testReferenceCasesAsOneStream() throws {
        struct Options: Decodable {
            let do_lower_case: Bool
            let strip_accents: Bool?
            let tokenize_chinese_chars: Bool
        }
        struct Case: Decodable {
            let text: String?
            let utf8_hex: String?
            let layout: String
            let max_length: Int?
            let options: Options
            let ids: [Int32]
        }
        struct Fixture: Decodable { let cases: [Case] }
        let data = try Data(contentsOf: TextFixtures.folder.appendingPathComponent("cases.json"))
        let cases = try JSONDecoder().decode(Fixture.self, from: data).cases.filter { item in
            item.layout == "hf" && item.max_length == nil && item.options.do_lower_case
                && item.options.strip_accents == nil && item.options.tokenize_chinese_chars
                && !(item.text ?? "").contains("\n")
        }
        XCTAssertGreaterThan(cases.count, 30)
        var input: [UInt8] = []
        for item in cases {
            if let hex = item.utf8_hex {
                var index = hex.startIndex
                while index < hex.endIndex {
                    let next = hex.index(index, offsetBy: 2)
                    input.append(UInt8(hex[index..<next], radix: 16) ?? 0)
                    index = next
                }
            } else {
                input += Array((item.text ?? "").utf8)
            }
            input.append(0x0A)
        }
        let (output, _) = try run(input, chunkSize: 5)
        let expected = cases.map { $0.ids.map(String.init).joined(separator: " ") + "\n" }
        XCTAssertEqual(output.split(separator: "\n").map(String.init),
                       expected.map { String($0.dropLast()) })
    }

    func testReadErrorNamesTheInput() throws {
        let tokenizer = BertTokenizer(vocabulary: try TextFixtures.loadVocabulary())
        var lines = LineTokenizer(tokenizer: tokenizer)
        XCTAssertThrowsError(try lines.run(input: -1, output: 1, inputName: "corpus.txt")) {
            XCTAssertEqual(($0 as? TextError)?.path, "corpus.txt")
        }
    }
}
