import Foundation
import XCTest
@testable import Text

/// Every code point through the basic tokenizer, against the reference BasicTokenizer's words
/// (`Fixtures/probes.json`: an FNV-1a 64 digest per block of 4 096 code points for four option
/// sets). The probe text around each code point is `probe` below, the same as
/// `probe_text` in `tools/ref/tokenizer_fixtures.py`. The default options are checked on all
/// 272 blocks; the other three on planes 0–3 and 14 (planes 4–13, 15 and 16 hold only
/// unassigned and private-use code points, which every option set deletes alike).
final class CodePointProbeTests: XCTestCase {
    private struct Fixture: Decodable {
        let block: Int
        let configs: [String: Config]
    }

    private struct Config: Decodable {
        let options: Options
        let digests: [String]
    }

    private struct Options: Decodable {
        let do_lower_case: Bool
        let strip_accents: Bool?
        let tokenize_chinese_chars: Bool
    }

    private static let offset: UInt64 = 0xCBF2_9CE4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01B3

    private static func fnv(_ state: inout UInt64, _ byte: UInt8) {
        state = (state ^ UInt64(byte)) &* prime
    }

    /// `c a{c}Z {c}◌́◌̧ ᄀ{c} {c}ᆨ A{c}Σ AΣ{c}a [{c}] q{c}{c}`.
    private static func probe(_ scalar: UInt32, into bytes: inout [UInt8]) {
        bytes.removeAll(keepingCapacity: true)
        let parts: [[UInt32]] = [
            [scalar, 0x20, 0x61, scalar, 0x5A, 0x20, scalar, 0x301, 0x327, 0x20, 0x1100, scalar,
             0x20, scalar, 0x11A8, 0x20, 0x41, scalar, 0x3A3, 0x20, 0x41, 0x3A3, scalar, 0x61,
             0x20, 0x5B, scalar, 0x5D, 0x20, 0x71, scalar, scalar],
        ]
        for value in parts[0] { UTF8Decoding.append(value, to: &bytes) }
    }

    func testEveryCodePointMatchesTheReferenceBasicTokenizer() throws {
        let url = TextFixtures.folder.appendingPathComponent("probes.json")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        let vocabulary = try TextFixtures.loadVocabulary()
        XCTAssertEqual(fixture.configs.count, 4)
        var text: [UInt8] = []
        for (name, config) in fixture.configs.sorted(by: { $0.key < $1.key }) {
            let options = TokenizerOptions(doLowerCase: config.options.do_lower_case,
                                           stripAccents: config.options.strip_accents,
                                           tokenizeChineseChars:
                                            config.options.tokenize_chinese_chars)
            var tokenizer = BertTokenizer(vocabulary: vocabulary, options: options)
            XCTAssertEqual(config.digests.count, 0x110000 / fixture.block)
            var differing: [String] = []
            for (block, expected) in config.digests.enumerated() {
                let start = block * fixture.block
                let plane = start >> 16
                if name != "default", plane >= 4, plane != 14 { continue }
                var state = Self.offset
                for value in start..<(start + fixture.block) {
                    if (0xD800..<0xE000).contains(value) { continue }
                    Self.probe(UInt32(value), into: &text)
                    text.withUnsafeBufferPointer { bytes in
                        tokenizer.forEachBasicWord(utf8: bytes) { word in
                            for byte in word { Self.fnv(&state, byte) }
                            Self.fnv(&state, 0xFF)
                        }
                    }
                    Self.fnv(&state, 0xFE)
                }
                if String(format: "%016llx", state) != expected {
                    differing.append(String(format: "U+%04X", start))
                }
            }
            XCTAssertEqual(differing, [], "\(name): blocks of 4096 code points that differ")
        }
    }
}
