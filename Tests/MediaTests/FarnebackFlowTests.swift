import Foundation
import XCTest
@testable import Media

/// Farnebäck flow: known translations of a synthetic texture, parity with OpenCV on real frame
/// pairs (Fixtures/flow, tools/ref/flow_fixtures.py), cost, bad settings.
final class FarnebackFlowTests: XCTestCase {
    /// A smooth texture: a sum of sinusoids of periods 9–40 px in several directions, 0–255.
    private func texture(_ x: Double, _ y: Double) -> Float {
        let waves: [(Double, Double, Double)] = [(0.16, 0.05, 0.3), (-0.07, 0.19, 1.1),
                                                 (0.23, -0.11, 2.0), (0.04, 0.09, 0.7),
                                                 (-0.3, -0.21, 2.6), (0.12, 0.27, 4.1)]
        let sum = waves.reduce(0.0) { $0 + sin($1.0 * x + $1.1 * y + $1.2) }
        return Float(128 + 20 * sum)
    }

    /// Frames f(x, y) and f(x − dx, y − dy): the second is the first moved by (dx, dy).
    private func pair(size: Int, dx: Double, dy: Double) -> ([Float], [Float]) {
        var first = [Float](), second = [Float]()
        for y in 0..<size {
            for x in 0..<size {
                first.append(texture(Double(x), Double(y)))
                second.append(texture(Double(x) - dx, Double(y) - dy))
            }
        }
        return (first, second)
    }

    /// Mean flow over the pixels at least `margin` from every edge.
    private func interiorMean(_ flow: [Float], size: Int, margin: Int) -> (Double, Double) {
        var sum = (0.0, 0.0)
        var count = 0.0
        for y in margin..<(size - margin) {
            for x in margin..<(size - margin) {
                sum.0 += Double(flow[2 * (y * size + x)])
                sum.1 += Double(flow[2 * (y * size + x) + 1])
                count += 1
            }
        }
        return (sum.0 / count, sum.1 / count)
    }

    /// A translated texture gives that translation: |mean − shift| ≤ 0.1 px per component over
    /// the interior (16 px from the edges), for integer, sub-pixel and larger (pyramid) shifts.
    func testTranslationGivesItsShift() throws {
        let method = try FarnebackFlow()
        for (size, dx, dy) in [(112, 1.0, 0.0), (112, 0.4, -0.7), (112, -2.0, 1.0),
                               (112, 3.3, 2.6), (256, -5.5, 4.0)] {
            let (first, second) = pair(size: size, dx: dx, dy: dy)
            let flow = try method.flow(from: first, to: second, width: size, height: size)
            XCTAssertEqual(flow.count, size * size * 2)
            let mean = interiorMean(flow, size: size, margin: 16)
            XCTAssertEqual(mean.0, dx, accuracy: 0.1, "\(size) (\(dx), \(dy))")
            XCTAssertEqual(mean.1, dy, accuracy: 0.1, "\(size) (\(dx), \(dy))")
        }
        let (still, _) = pair(size: 64, dx: 0, dy: 0)
        let zero = try method.flow(from: still, to: still, width: 64, height: 64)
        XCTAssertLessThanOrEqual(zero.map { abs($0) }.max() ?? 1, 1e-4)
    }

    /// Mean endpoint error against OpenCV 4.10's calcOpticalFlowFarneback with the same
    /// parameters on two real frame pairs of the NVGesture real-media layout (mean motion 1.4
    /// and 1.9 px): ≤ 0.005 px, and ≤ 0.02 px at the 99th percentile (float rounding, the
    /// reference stored as float16, and the last row and column, where this method reads the
    /// second frame's fit and OpenCV does not; measured 0.0003 and 0.0015 / 0.0034 px).
    func testParityWithOpenCV() throws {
        let folder = try XCTUnwrap(Bundle.module.resourceURL).appendingPathComponent(
            "Fixtures/flow")
        let method = try FarnebackFlow()
        for (name, size) in [("real112", 112), ("real256", 256)] {
            let read = { (suffix: String) throws -> Data in
                try Data(contentsOf: folder.appendingPathComponent("\(name).\(suffix)"))
            }
            let first = try read("first.gray").map { Float($0) }
            let second = try read("second.gray").map { Float($0) }
            let reference: [Float] = try read("flow.f16").withUnsafeBytes { raw in
                stride(from: 0, to: raw.count, by: 2).map {
                    Float(Float16(bitPattern: UInt16(raw[$0]) | UInt16(raw[$0 + 1]) << 8))
                }
            }
            let flow = try method.flow(from: first, to: second, width: size, height: size)
            XCTAssertEqual(flow.count, reference.count)
            var errors: [Double] = []
            for pixel in 0..<(size * size) {
                let ex = Double(flow[2 * pixel]) - Double(reference[2 * pixel])
                let ey = Double(flow[2 * pixel + 1]) - Double(reference[2 * pixel + 1])
                errors.append((ex * ex + ey * ey).squareRoot())
            }
            errors.sort()
            let mean = errors.reduce(0, +) / Double(errors.count)
            let p99 = errors[errors.count * 99 / 100]
            print("flow parity \(name): mean endpoint error \(mean) px, 99th percentile \(p99), "
                  + "max \(errors.last ?? 0)")
            XCTAssertLessThanOrEqual(mean, 0.005, name)
            XCTAssertLessThanOrEqual(p99, 0.02, name)
        }
    }

    /// The cost per frame pair at 112×112 and 256×256 (printed; bounded generously so a
    /// pathological slowdown fails).
    func testCostPerFramePair() throws {
        let method = try FarnebackFlow()
        for (size, limit) in [(112, 0.5), (256, 2.5)] {
            let (first, second) = pair(size: size, dx: 1.5, dy: -1)
            _ = try method.flow(from: first, to: second, width: size, height: size)
            let runs = 5
            let started = Date()
            for _ in 0..<runs {
                _ = try method.flow(from: first, to: second, width: size, height: size)
            }
            let seconds = Date().timeIntervalSince(started) / Double(runs)
            print(String(format: "flow cost %d×%d: %.2f ms per frame pair", size, size,
                         seconds * 1000))
            XCTAssertLessThan(seconds, limit)
        }
    }

    func testBadSettingsAndFrames() throws {
        var parameters = FarnebackFlow.Parameters()
        parameters.window = 14
        XCTAssertThrowsError(try FarnebackFlow(parameters: parameters)) {
            XCTAssertEqual(($0 as? MediaError)?.code, "bad-config")
        }
        parameters = FarnebackFlow.Parameters()
        parameters.pyramidScale = 1
        XCTAssertThrowsError(try FarnebackFlow(parameters: parameters))
        XCTAssertThrowsError(try FarnebackFlow().flow(from: [0, 1], to: [0], width: 2,
                                                      height: 1)) {
            XCTAssertEqual(($0 as? MediaError)?.code, "bad-config")
        }
        // A 1×1 and a 3×2 frame are too small for a pyramid but still give a (zero) flow.
        XCTAssertEqual(try FarnebackFlow().flow(from: [5], to: [5], width: 1, height: 1), [0, 0])
        XCTAssertEqual(try FarnebackFlow().flow(from: [Float](repeating: 1, count: 6),
                                                to: [Float](repeating: 1, count: 6),
                                                width: 3, height: 2).count, 12)
    }
}
