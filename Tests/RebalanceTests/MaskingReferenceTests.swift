import Foundation
import XCTest
@testable import Rebalance
import Tensor

/// Unit scores, keep counts, AMSS+ weights, top-k masked gradients and exact-design inclusion
/// probabilities against the independent numpy float64 implementation in
/// `tools/ref/masking_fixtures.py` (fixture `Fixtures/masking.json`), on random and degenerate
/// inputs (zero filters, a zero-weight filter, gradients of 1e-23 and 1e22 whose squares leave
/// Float32's range).
final class MaskingReferenceTests: XCTestCase {
    private struct Fixture: Decodable {
        let numpy: String
        let tensors: [TensorCase]
        let keep_counts: [CountCase]
        let designs: [DesignCase]
    }

    private struct TensorCase: Decodable {
        let name: String
        let shape: [Int]
        let layout: [Layout]
        let keep_ratio: Double
        let grad: [Float]
        let weight: [Float]
        let unit_count: Int
        let keep_count: Int
        let keep_count_truncated: Int
        let importances: [String: ImportanceCase]
    }

    /// A layout entry: its kind (a string) or a number.
    private enum Layout: Decodable {
        case kind(String)
        case number(Int)

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .kind(text)
            } else {
                self = .number(try container.decode(Int.self))
            }
        }

        var value: Int {
            if case .number(let value) = self { return value }
            return -1
        }
    }

    private struct ImportanceCase: Decodable {
        let scores: [Double?]
        let weights: [Double]
        let topk_kept: [Int]?
        let topk_amss_plus_grad: [Double]?
    }

    private struct CountCase: Decodable {
        let n: Int
        let rho: Double?
        let ceil: Int
        let int: Int
    }

    private struct DesignCase: Decodable {
        let name: String
        let scores: [Double]
        let k: Int
        let pi: [Double]
    }

    private func loadFixture() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/masking.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    /// The group and draw geometry a case describes.
    private func geometry(_ item: TensorCase) throws -> (MaskableGroup.Layout, UnitGeometry) {
        guard case .kind(let kind) = item.layout[0] else {
            throw XCTSkip("layout without a kind in \(item.name)")
        }
        let count = item.grad.count
        switch kind {
        case "leading":
            let units = item.layout[1].value
            return (.leadingAxis(unitCount: units),
                    try XCTUnwrap(UnitGeometry.leading(valueCount: count, unitCount: units)))
        case "trailing":
            let units = item.layout[1].value
            let columns = try XCTUnwrap(item.shape.last)
            return (.trailingAxis(unitCount: units),
                    try XCTUnwrap(UnitGeometry.trailing(valueCount: count, columns: columns,
                                                        unitCount: units)))
        default:
            let row = item.layout[1].value, start = item.layout[2].value
            let columns = try XCTUnwrap(item.shape.last)
            let block = item.layout[3].value
            return (.columnBlock(rows: item.shape[0], columns: columns, columnStart: start,
                                 columnCount: block),
                    UnitGeometry.rowElements(row: row, columns: columns, start: start,
                                             count: block))
        }
    }

    /// Scores to 1e-12 relative (Float64 sums in another order); non-finite ones stay so.
    func testUnitScoresMatchNumpy() throws {
        let fixture = try loadFixture()
        var worst = 0.0
        for item in fixture.tensors {
            let (_, geometry) = try geometry(item)
            XCTAssertEqual(geometry.unitCount, item.unit_count, item.name)
            for (name, reference) in item.importances {
                let importance = try XCTUnwrap(UnitImportance(rawValue: name))
                let scores = item.grad.withUnsafeBufferPointer { gradient in
                    item.weight.withUnsafeBufferPointer { weight in
                        geometry.scores(importance, gradient: gradient, weight: weight)
                    }
                }
                XCTAssertEqual(scores.count, reference.scores.count)
                for (score, expected) in zip(scores, reference.scores) {
                    guard let expected else {
                        XCTAssertFalse(score.isFinite, "\(item.name) \(name)")
                        continue
                    }
                    let error = abs(score - expected) / max(abs(expected), .leastNormalMagnitude)
                    worst = max(worst, expected == 0 ? abs(score) : error)
                    XCTAssertLessThanOrEqual(error, 1e-12, "\(item.name) \(name): \(score) "
                                             + "vs \(expected)")
                }
            }
        }
        print("unit scores vs numpy \(fixture.numpy): max relative error \(worst)")
    }

    /// Keep counts are exact in both modes, on the grid and on every tensor case.
    func testKeepCountsMatchNumpyExactly() throws {
        let fixture = try loadFixture()
        typealias Optimizer = MaskedSubnetworkOptimizer<TestGenerator>
        XCTAssertEqual(fixture.keep_counts.count, 12 * 17)
        for item in fixture.keep_counts {
            let rho = item.rho ?? .nan
            let what = "N \(item.n) ρ \(rho)"
            XCTAssertEqual(Optimizer.keepCount(unitCount: item.n, keepRatio: rho,
                                               truncating: false), item.ceil, what)
            XCTAssertEqual(Optimizer.keepCount(unitCount: item.n, keepRatio: rho,
                                               truncating: true), item.int, what)
        }
        for item in fixture.tensors {
            XCTAssertEqual(Optimizer.keepCount(unitCount: item.unit_count,
                                               keepRatio: item.keep_ratio, truncating: false),
                           item.keep_count, item.name)
            XCTAssertEqual(Optimizer.keepCount(unitCount: item.unit_count,
                                               keepRatio: item.keep_ratio, truncating: true),
                           item.keep_count_truncated, item.name)
        }
    }

    /// AMSS+ weights 1/(q_j + 1/N) of every unit to 1e-5 relative (Float32 weights).
    func testAmssPlusWeightsMatchNumpy() throws {
        let fixture = try loadFixture()
        var worst = 0.0
        for item in fixture.tensors {
            for (name, reference) in item.importances {
                let scores = reference.scores.map { $0 ?? .nan }
                let weights = MaskedSubnetworkOptimizer<TestGenerator>.unbiasingWeights(
                    kept: Array(scores.indices), scores: scores)
                for (weight, expected) in zip(weights, reference.weights) {
                    let error = abs(Double(weight) - expected) / expected
                    worst = max(worst, error)
                    XCTAssertLessThanOrEqual(error, 1e-5, "\(item.name) \(name)")
                }
            }
        }
        print("AMSS+ weights vs numpy: max relative error \(worst)")
    }

    /// The whole AMSS+ step under the deterministic top-k sampler: kept units, and the masked
    /// gradient to 1e-5 relative of each value (exact zeros elsewhere).
    func testTopKAmssPlusMaskedGradientsMatchNumpy() throws {
        let fixture = try loadFixture()
        var checked = 0, worst = 0.0
        for item in fixture.tensors {
            let (layout, _) = try geometry(item)
            for (name, reference) in item.importances {
                guard let keptReference = reference.topk_kept,
                      let expected = reference.topk_amss_plus_grad else { continue }
                let parameter = Parameter(name: item.name, shape: item.shape, value: item.weight)
                parameter.grad = item.grad
                let group = MaskableGroup(parameter: parameter, modality: 0, layout: layout)
                let optimizer = MaskedSubnetworkOptimizer(
                    method: .amssPlus, importance: try XCTUnwrap(UnitImportance(rawValue: name)),
                    sampler: .topk, generator: TestGenerator(seed: 1))
                let masks = try optimizer.apply(groups: [group], keepRatios: [item.keep_ratio])
                XCTAssertEqual(masks.map(\.kept), [keptReference], "\(item.name) \(name)")
                for (value, want) in zip(parameter.grad, expected) {
                    if want == 0 {
                        XCTAssertEqual(value, 0, "\(item.name) \(name)")
                    } else {
                        let error = abs(Double(value) - want) / abs(want)
                        worst = max(worst, error)
                        XCTAssertLessThanOrEqual(error, 1e-5, "\(item.name) \(name)")
                    }
                }
                checked += 1
            }
        }
        XCTAssertEqual(checked, 27)
        print("top-k AMSS+ masked gradients vs numpy: \(checked) cases, max relative error "
              + "\(worst)")
    }

    /// Inclusion probabilities of the exact designs to 1e-12 absolute.
    func testInclusionProbabilitiesMatchNumpy() throws {
        let fixture = try loadFixture()
        for item in fixture.designs {
            let pi = UnbiasedDesign.inclusionProbabilities(scores: item.scores, count: item.k)
            XCTAssertEqual(pi.count, item.pi.count, item.name)
            for (value, expected) in zip(pi, item.pi) {
                XCTAssertEqual(value, expected, accuracy: 1e-12, item.name)
            }
        }
    }
}
