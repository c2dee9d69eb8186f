import Foundation
import XCTest

@testable import Media

/// Paths and expectations of the committed video fixtures (made by tools/ref/frame_fixtures.py).
enum FrameFixtures {
    /// The fixture folder `Fixtures/video`.
    static var folder: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/video")
    }

    /// Full path of a fixture file.
    static func path(_ name: String) -> String {
        folder.appendingPathComponent(name).path
    }

    /// The decoded expected.json.
    static let expected: [String: Any] = {
        let data = try! Data(contentsOf: folder.appendingPathComponent("expected.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    /// The expectations of one clip.
    static func clip(_ name: String) -> [String: Any] {
        expected[name] as! [String: Any]
    }

    /// An integer list under `clip[group][key]`.
    static func ints(_ name: String, _ group: String, _ key: String = "indices") -> [Int] {
        (clip(name)[group] as! [String: Any])[key] as! [Int]
    }

    /// A fresh empty temporary folder.
    static func temporaryFolder() -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("amss-frames-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Reads the index burned into a scaled frame: `bits` cells along the bottom `strip` rows of
    /// the `sourceWidth`×`sourceHeight` source, white = 1, sampled at each cell's centre.
    static func burnedIndex(_ pixels: ArraySlice<UInt8>, width: Int, height: Int,
                            sourceWidth: Int, sourceHeight: Int, bits: Int, strip: Int) -> Int {
        let sx = Double(width) / Double(sourceWidth)
        let sy = Double(height) / Double(sourceHeight)
        let cell = Double(sourceWidth / bits)
        let yCentre = (Double(sourceHeight) - Double(strip) / 2) * sy
        let yHalf = max(1, Int(Double(strip) * sy / 4))
        let xHalf = max(1, Int(cell * sx / 4))
        var value = 0
        for b in 0..<bits {
            let xCentre = (Double(b) + 0.5) * cell * sx
            var sum = 0
            var count = 0
            for y in (Int(yCentre) - yHalf)...(Int(yCentre) + yHalf - 1) {
                for x in (Int(xCentre) - xHalf)...(Int(xCentre) + xHalf - 1) {
                    for c in 0..<3 {
                        sum += Int(pixels[pixels.startIndex + (y * width + x) * 3 + c])
                        count += 1
                    }
                }
            }
            if sum > 128 * count { value |= 1 << b }
        }
        return value
    }

    /// Mean absolute difference of two equally long byte slices.
    static func meanAbs(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Double {
        precondition(a.count == b.count)
        var total = 0
        for (x, y) in zip(a, b) { total += abs(Int(x) - Int(y)) }
        return Double(total) / Double(a.count)
    }

    /// Mean absolute difference over the rows above the burned index strip (the footage only).
    static func meanAbsAboveStrip(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>, width: Int,
                                  rows: Int) -> Double {
        let bytes = width * rows * 3
        return meanAbs(a.prefix(bytes), b.prefix(bytes))
    }
}

/// Asserts that `body` throws a `MediaError` with `code` (and, when given, naming `path`).
func XCTAssertMediaError<T>(_ code: String, path: String? = nil,
                            file: StaticString = #filePath, line: UInt = #line,
                            _ body: () throws -> T) {
    do {
        _ = try body()
        XCTFail("expected MediaError \(code), nothing was thrown", file: file, line: line)
    } catch let error as MediaError {
        XCTAssertEqual(error.code, code, "\(error)", file: file, line: line)
        XCTAssertFalse(error.reason.isEmpty, file: file, line: line)
        if let path { XCTAssertEqual(error.path, path, file: file, line: line) }
    } catch {
        XCTFail("expected MediaError \(code), got \(error)", file: file, line: line)
    }
}
