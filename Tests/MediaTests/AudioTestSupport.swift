import Foundation
import XCTest

@testable import Media

/// Shared helpers for the audio tests: fixture paths, temporary folders, hand-built WAV bytes.
enum AudioTestSupport {
    /// The folder of committed audio fixtures (`Fixtures/audio`).
    static var fixtureFolder: URL {
        get throws {
            guard let root = Bundle.module.resourceURL else {
                throw XCTSkip("test bundle has no resources")
            }
            return root.appendingPathComponent("Fixtures/audio")
        }
    }

    /// A fresh temporary folder, removed when the test case finishes.
    static func temporaryFolder(_ test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("amss-audio-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Little-endian float32 values from a raw file.
    static func readFloat32(_ url: URL) throws -> [Float] {
        let data = try Data(contentsOf: url)
        precondition(data.count % 4 == 0)
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { i in
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i,
                                                                          as: UInt32.self)))
            }
        }
    }

    /// The largest |a[i] - b[i]| over the common indices.
    static func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { Swift.max($0, abs($1.0 - $1.1)) }
    }

    /// A RIFF/WAVE file built byte by byte.
    ///
    /// - Parameters:
    ///   - formatTag: 1 PCM, 3 IEEE float, 0xFFFE WAVE_FORMAT_EXTENSIBLE.
    ///   - declaredDataBytes: the `data` chunk size written in the header; defaults to
    ///     `data.count` (a larger value makes a truncated file).
    ///   - subFormat: for the extensible header, the sub-format code (1 PCM, 3 float).
    static func wav(formatTag: UInt16, channels: UInt16, sampleRate: UInt32,
                    bitsPerSample: UInt16, data: [UInt8], declaredDataBytes: UInt32? = nil,
                    subFormat: UInt16 = 1) -> Data {
        let blockAlign = channels * (bitsPerSample / 8)
        var fmt = Data()
        fmt.append(le16(formatTag))
        fmt.append(le16(channels))
        fmt.append(le32(sampleRate))
        fmt.append(le32(sampleRate &* UInt32(blockAlign)))   // wraps, as in a forged header
        fmt.append(le16(blockAlign))
        fmt.append(le16(bitsPerSample))
        if formatTag == 0xFFFE {
            fmt.append(le16(22))                       // cbSize
            fmt.append(le16(bitsPerSample))            // valid bits
            fmt.append(le32(channels == 1 ? 0x4 : 0x3)) // channel mask
            // KSDATAFORMAT_SUBTYPE_*: {0000xxxx-0000-0010-8000-00aa00389b71}
            fmt.append(le16(subFormat))
            fmt.append(contentsOf: [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00,
                                    0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71])
        }
        var body = Data("WAVE".utf8)
        body.append(Data("fmt ".utf8))
        body.append(le32(UInt32(fmt.count)))
        body.append(fmt)
        body.append(Data("data".utf8))
        body.append(le32(declaredDataBytes ?? UInt32(data.count)))
        body.append(contentsOf: data)
        var file = Data("RIFF".utf8)
        file.append(le32(UInt32(body.count)))
        file.append(body)
        return file
    }

    /// Float samples as little-endian IEEE bytes.
    static func float32Bytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { v -> [UInt8] in
            let bits = v.bitPattern
            return [0, 8, 16, 24].map { UInt8((bits >> UInt32($0)) & 0xFF) }
        }
    }

    /// Int16 samples as little-endian bytes.
    static func int16Bytes(_ values: [Int16]) -> [UInt8] {
        values.flatMap { v -> [UInt8] in
            let bits = UInt16(bitPattern: v)
            return [UInt8(bits & 0xFF), UInt8(bits >> 8)]
        }
    }

    /// Writes `data` to `name` inside `folder` and returns the path.
    static func write(_ data: Data, named name: String, in folder: URL) throws -> String {
        let url = folder.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    /// Asserts that `body` throws a `MediaError` with `code` naming `path`.
    static func assertMediaError(_ code: String, path: String? = nil,
                                 file: StaticString = #filePath, line: UInt = #line,
                                 _ body: () throws -> Void) {
        do {
            try body()
            XCTFail("expected MediaError \(code), nothing was thrown", file: file, line: line)
        } catch let error as MediaError {
            XCTAssertEqual(error.code, code, "\(error)", file: file, line: line)
            if let path { XCTAssertEqual(error.path, path, file: file, line: line) }
            XCTAssertFalse(error.reason.isEmpty, file: file, line: line)
        } catch {
            XCTFail("expected MediaError \(code), got \(error)", file: file, line: line)
        }
    }

    private static func le16(_ v: UInt16) -> Data {
        Data([UInt8(v & 0xFF), UInt8(v >> 8)])
    }

    private static func le32(_ v: UInt32) -> Data {
        Data([0, 8, 16, 24].map { UInt8((v >> UInt32($0)) & 0xFF) })
    }
}
