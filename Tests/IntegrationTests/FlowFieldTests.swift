import Foundation
import XCTest
@testable import Pipeline

/// Precomputed flow `.npy` files: float32 and float16 reading, resampling, bad arrays.
final class FlowFieldTests: XCTestCase {
    private var file = ""

    override func setUp() {
        file = NSTemporaryDirectory() + "amss-flow-\(UUID().uuidString).npy"
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: file) }

    /// A version-1 .npy of `descr` with `shape` and the little-endian `body`.
    private func write(descr: String, shape: [Int], body: Data) throws {
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': ("
            + shape.map(String.init).joined(separator: ", ") + "), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        data.append(contentsOf: [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(contentsOf: Array(header.utf8))
        data.append(body)
        try data.write(to: URL(fileURLWithPath: file))
    }

    func testFloat32FieldIsResampledAndScaled() throws {
        // [H 2, W 2, 2, T 3]: value = 100h + 10w + c + t / 10 (C order: t fastest).
        var body = Data()
        for h in 0..<2 { for w in 0..<2 { for c in 0..<2 { for t in 0..<3 {
            let value = Float(100 * h + 10 * w + c) + Float(t) / 10
            withUnsafeBytes(of: value.bitPattern.littleEndian) { body.append(contentsOf: $0) }
        } } } }
        try write(descr: "<f4", shape: [2, 2, 2, 3], body: body)
        let field = try FlowField.read(path: file)
        XCTAssertEqual([field.height, field.width, field.frames], [2, 2, 3])
        // 2 frames of 4×4: steps ⌊i·3/2⌋ = 0, 1; source (y, x) = (⌊(2y+1)/4⌋, ⌊(2x+1)/4⌋);
        // x scaled by 4/2 = 2, y by 2.
        let out = field.resampled(frames: 2, width: 4, height: 4).map {
            Float(Float16(bitPattern: $0)) }
        XCTAssertEqual(out.count, 2 * 4 * 4 * 2)
        func at(_ t: Int, _ y: Int, _ x: Int, _ c: Int) -> Float {
            out[((t * 4 + y) * 4 + x) * 2 + c]
        }
        XCTAssertEqual(at(0, 0, 0, 0), 0, accuracy: 1e-3)
        XCTAssertEqual(at(0, 3, 1, 1), (100 + 0 + 1) * 2, accuracy: 0.2)
        XCTAssertEqual(at(1, 2, 3, 0), (100 + 10 + 0 + 0.1) * 2, accuracy: 0.2)
    }

    func testFloat16AndBadArrays() throws {
        let half = Float16(1.5).bitPattern
        try write(descr: "<f2", shape: [1, 1, 2, 1],
                  body: Data([UInt8(half & 0xFF), UInt8(half >> 8), 0, 0x3C]))  // 1.5, 1.0
        XCTAssertEqual(try FlowField.read(path: file).values, [1.5, 1.0])

        for (descr, shape, code) in [("<f4", [2, 2, 3, 1], "bad-flow"), ("<i4", [1, 1, 2, 1],
                                                                        "bad-flow")] {
            try write(descr: descr, shape: shape, body: Data(count: 64))
            XCTAssertThrowsError(try FlowField.read(path: file)) {
                XCTAssertEqual(($0 as? PipelineError)?.code, code)
            }
        }
        try write(descr: "<f4", shape: [4, 4, 2, 4], body: Data(count: 8))
        XCTAssertThrowsError(try FlowField.read(path: file)) {
            XCTAssertTrue(($0 as? PipelineError)?.reason.contains("data bytes") ?? false)
        }
        try Data("not numpy".utf8).write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try FlowField.read(path: file)) {
            XCTAssertEqual(($0 as? PipelineError)?.code, "not-npy")
        }
    }
}
