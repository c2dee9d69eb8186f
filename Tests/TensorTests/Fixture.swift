import Foundation
import Tensor
import XCTest

/// One reference group written by tools/ref/torch_fixtures.py: `<name>.json` describes the
/// float32 tensors stored one after another in `<name>.bin`.
struct Fixture {
    private struct Entry: Decodable {
        let shape: [Int]
        let offset: Int
    }

    private struct Meta: Decodable {
        let tensors: [String: Entry]
        let ints: [String: [Int]]
        let scalars: [String: Double]
        let torch_float32_error: [String: Double]
        let torch_version: String
    }

    private let meta: Meta
    private let values: [Float]

    init(_ name: String) throws {
        let folder = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
        let json = try Data(contentsOf: folder.appendingPathComponent(name + ".json"))
        meta = try JSONDecoder().decode(Meta.self, from: json)
        let raw = try Data(contentsOf: folder.appendingPathComponent(name + ".bin"))
        values = raw.withUnsafeBytes { bytes in
            (0..<(raw.count / 4)).map { index in
                Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(
                    fromByteOffset: index * 4, as: UInt32.self)))
            }
        }
    }

    /// The names of every stored tensor.
    var tensorNames: [String] { Array(meta.tensors.keys) }

    /// The version of PyTorch that made the group.
    var torchVersion: String { meta.torch_version }

    func tensor(_ key: String) -> Tensor {
        guard let entry = meta.tensors[key] else {
            XCTFail("fixture has no tensor \(key)")
            return Tensor(zeros: [0])
        }
        let count = entry.shape.reduce(1, *)
        return Tensor(shape: entry.shape,
                      data: Array(values[entry.offset..<(entry.offset + count)]))
    }

    func ints(_ key: String) -> [Int] { meta.ints[key] ?? [] }

    func scalar(_ key: String) -> Double { meta.scalars[key] ?? .nan }

    /// PyTorch's own float32 error against the float64 reference (for scale in messages).
    func torchError(_ key: String) -> Double { meta.torch_float32_error[key] ?? .nan }
}

/// max |actual − expected| / max |expected|: the error relative to the tensor's scale.
func scaledError(_ actual: [Float], _ expected: [Float]) -> Double {
    precondition(actual.count == expected.count, "\(actual.count) vs \(expected.count) values")
    var worst = 0.0, scale = 0.0
    for (a, e) in zip(actual, expected) {
        worst = max(worst, abs(Double(a) - Double(e)))
        scale = max(scale, abs(Double(e)))
    }
    return scale > 0 ? worst / scale : worst
}

/// Asserts matching shapes and a scaled error at most `tolerance`; returns the error.
@discardableResult
func assertClose(_ actual: Tensor, _ expected: Tensor, tolerance: Double, _ label: String,
                 file: StaticString = #filePath, line: UInt = #line) -> Double {
    XCTAssertEqual(actual.shape, expected.shape, "\(label): shape", file: file, line: line)
    guard actual.count == expected.count else { return .infinity }
    let error = scaledError(actual.data, expected.data)
    XCTAssertLessThanOrEqual(error, tolerance, "\(label): scaled error \(error)",
                             file: file, line: line)
    return error
}
