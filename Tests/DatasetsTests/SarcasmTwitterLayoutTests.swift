import Foundation
import XCTest
@testable import Datasets

/// The Sarcasm and Twitter15 layouts (docs/CASES.md A5) on small folders built per test.
final class SarcasmTwitterLayoutTests: XCTestCase {
    private static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0])
    private static let gif = Data("GIF89a".utf8) + Data(count: 10)
    private static let webp = Data("RIFF".utf8) + Data([0, 0, 0, 0]) + Data("WEBPVP8 ".utf8)

    private func codes(_ scan: SarcasmTwitterScan) -> [String] {
        scan.findings.map(\.code).sorted()
    }

    func testSarcasmTablesWithHeaderBOMAndCRLF() throws {
        let layout = try TemporaryLayout()
        defer { layout.remove() }
        try layout.write("annotations/train_data.tsv", Data([0xEF, 0xBB, 0xBF]) + Data(
            ("ImageID\tString\tLabel\r\n1.jpg\tyeah right\t1\r\n2.jpg\tnice day\t0\r\n"
             + "3.jpg\tno image\t1\r\n4.jpg\tbad label\t2\r\nshort\r\n5.jpg\tlfs\t0\r\n"
             + "6.jpg\tgif\t1\r\n7.jpg\twebp\t0\r\n8.jpg\tpng\t1\r\n").utf8))
        try layout.write("annotations/test_data.tsv",
                         text: "Label\tString\tImageID\n0\tfine\t1.jpg\n")
        try layout.write("sarcasm/images/1.jpg", TemporaryLayout.jpegHeader)
        try layout.write("sarcasm/images/2.jpg", TemporaryLayout.jpegHeader)
        try layout.write("sarcasm/images/4.jpg", TemporaryLayout.jpegHeader)
        try layout.write("sarcasm/images/5.jpg",
                         text: "version https://git-lfs.github.com/spec/v1\n")
        try layout.write("sarcasm/images/6.jpg", Self.gif)
        try layout.write("sarcasm/images/7.jpg", Self.webp)
        try layout.write("sarcasm/images/8.jpg", Self.png)

        let scan = SarcasmLayout().scanTextImage(root: layout.root)
        let train = scan.samples.filter { $0.split == "train" }
        XCTAssertEqual(train.map(\.id), ["1", "2", "6", "7", "8"])
        XCTAssertEqual(train.map(\.label), [1, 0, 1, 0, 1])
        XCTAssertEqual(train.first?.text, "yeah right")
        XCTAssertEqual(scan.samples.filter { $0.split == "test" }.map(\.id), ["1"])
        XCTAssertEqual(scan.missingImages["train"], 1)
        XCTAssertEqual(codes(scan), ["bad-row", "lfs-pointer", "missing-image", "missing-images",
                                     "unknown-label"])
        XCTAssertEqual(scan.findings.first { $0.code == "bad-row" }?.path,
                       "annotations/train_data.tsv:6")
        XCTAssertEqual(scan.findings.first { $0.code == "missing-image" }?.severity, .warning)
        XCTAssertEqual(scan.classes.count, 2)
        XCTAssertEqual(SarcasmLayout().scan(root: layout.root).samples.first?.sources["image"],
                       train.first?.image)
    }

    func testRepeatedIDsStayUniqueWhenASuffixedIDIsAlsoGiven() throws {
        let layout = try TemporaryLayout()
        defer { layout.remove() }
        try layout.write("annotations/train_data.tsv", text: "ImageID\tString\tLabel\n"
                         + "a.jpg\tone\t0\na.jpg\ttwo\t1\na#2.jpg\tthree\t0\n")
        try layout.write("annotations/test_data.tsv", text: "ImageID\tString\tLabel\n"
                         + "b.jpg\tfour\t1\n")
        for name in ["a.jpg", "a#2.jpg", "b.jpg"] {
            try layout.write("sarcasm/images/" + name, TemporaryLayout.jpegHeader)
        }

        let train = SarcasmLayout().scanTextImage(root: layout.root).samples
            .filter { $0.split == "train" }

        XCTAssertEqual(train.map(\.id), ["a", "a#2", "a#2#2"])
        XCTAssertEqual(train.map(\.text), ["one", "two", "three"])
    }

    /// The raw form: Python list literals; ids stay strings (leading zeros kept); the `2`
    /// files win over the plain ones.
    func testSarcasmRawLiteralLines() throws {
        let layout = try TemporaryLayout()
        defer { layout.remove() }
        try layout.write("text/train.txt", text: """
            ['682716753374351360', 'it \\'s a "test" \\n ok', 1]
            ["00123", "I'm \\x41\\u00e9 \\d", 0, 1]
            ['99', 'no closing quote, 1]

            """)
        try layout.write("text/valid.txt", text: "['1', 'old', 0]\n")
        try layout.write("text/valid2.txt", text: "['7', 'new', 1]\n")
        for id in ["682716753374351360", "00123", "7"] {
            try layout.write("sarcasm/images/\(id).jpg", TemporaryLayout.jpegHeader)
        }
        let scan = SarcasmLayout().scanTextImage(root: layout.root)
        XCTAssertEqual(scan.samples.map(\.id), ["682716753374351360", "00123", "7"])
        XCTAssertEqual(scan.samples.map(\.text), ["it 's a \"test\" \n ok", "I'm Aé \\d", "new"])
        XCTAssertEqual(scan.samples.map(\.split), ["train", "train", "valid"])
        XCTAssertEqual(codes(scan), ["bad-row"])
        XCTAssertEqual(scan.findings.first?.path, "text/train.txt:3")
    }

    /// TomBERT's form: a repeated `String` column resolved by position, `$T$` replaced by the
    /// target, `dev` as the validation split, ids from the index column.
    func testTwitter15TomBERTTables() throws {
        let layout = try TemporaryLayout()
        defer { layout.remove() }
        let header = "index\t#1 Label\t#2 ImageID\t#3 String\t#3 String\n"
        try layout.write("annotations/train.tsv", text: header
                         + "10\t2\t55.jpg\tRT $T$ wins the cup\tSpain\n"
                         + "11\t0\t55.jpg\t$T$ lost again\tItaly\n"
                         + "12\t3\t55.jpg\t$T$ ?\tFrance\n"
                         + "13\t1\t56.jpg\tno marker here\tBob\n")
        try layout.write("annotations/dev.tsv", text: header + "20\t1\t56.jpg\t$T$ said\tAl\n")
        try layout.write("Twitter15/twitter2015_images/55.jpg", TemporaryLayout.jpegHeader)
        try layout.write("Twitter15/twitter2015_images/56.jpg", Self.png)

        let scan = Twitter15Layout().scanTextImage(root: layout.root)
        XCTAssertEqual(scan.samples.map(\.id), ["10", "11", "13", "20"])
        XCTAssertEqual(scan.samples.map(\.text),
                       ["RT Spain wins the cup", "Italy lost again", "no marker here", "Al said"])
        XCTAssertEqual(scan.samples.map(\.label), [2, 0, 1, 1])
        XCTAssertEqual(scan.samples.map(\.split), ["train", "train", "train", "valid"])
        XCTAssertEqual(codes(scan), ["no-target-marker", "unknown-label"])
        XCTAssertEqual(scan.classes, ["negative", "neutral", "positive"])
    }

    /// Without an id column, rows sharing an image get `#2`, `#3`; a missing header column and
    /// a missing root are errors.
    func testTwitter15RepeatedImagesAndBadTables() throws {
        let layout = try TemporaryLayout()
        defer { layout.remove() }
        try layout.write("annotations/train_data.tsv",
                         text: "Label\tString\tImageID\n0\ta\t9.jpg\n2\tb\t9.jpg\n1\tc\t9.jpg\n")
        try layout.write("annotations/test_data.tsv", text: "Label\tText only\n0\tx\n")
        try layout.write("Twitter15/twitter2015_images/9.jpg", TemporaryLayout.jpegHeader)
        let scan = Twitter15Layout().scanTextImage(root: layout.root)
        XCTAssertEqual(scan.samples.map(\.id), ["9", "9#2", "9#3"])
        XCTAssertEqual(codes(scan), ["bad-header", "repeated-id"])

        let missing = Twitter15Layout().scanTextImage(root: layout.root + "/nope")
        XCTAssertEqual(missing.findings.map(\.code), ["missing"])
        let empty = try TemporaryLayout()
        defer { empty.remove() }
        XCTAssertEqual(SarcasmLayout().scanTextImage(root: empty.root).findings.map(\.code),
                       ["missing"])
    }

    func testLiteralParser() {
        XCTAssertEqual(try SarcasmLiteral.parseList("['a', 'b', -3,]").get(),
                       [.string("a"), .string("b"), .integer(-3)])
        XCTAssertEqual(try SarcasmLiteral.parseList(" [ ] ").get(), [])
        XCTAssertEqual(try SarcasmLiteral.parseList(#"['\U0001F600\t']"#).get(),
                       [.string("😀\t")])
        XCTAssertThrowsError(try SarcasmLiteral.parseList("['a' 'b']").get())
        XCTAssertThrowsError(try SarcasmLiteral.parseList("['a', 1] x").get())
        XCTAssertThrowsError(try SarcasmLiteral.parseList(#"['\x4']"#).get())
    }
}
