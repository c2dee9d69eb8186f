import XCTest
@testable import Rebalance
import Tensor

/// Attention-head units on plain parameters: Q/K/V projections `[heads·headDim, in]` are row
/// blocks (`leadingAxis`), the output projection `[out, heads·headDim]` is column slices taken
/// across every row (`trailingAxis`), one draw per projection.
final class AttentionHeadMaskingTests: XCTestCase {
    private let heads = 8, headDim = 4, model = 32

    /// A parameter whose every gradient value is non-zero and records its own position.
    private func projection(_ name: String, shape: [Int]) -> Parameter {
        let count = shape.reduce(1, *)
        let parameter = Parameter(name: name, shape: shape,
                                  value: [Float](repeating: 0.05, count: count))
        parameter.grad = (0..<count).map { Float($0 % 97 + 1) * 0.01 }
        return parameter
    }

    /// Output projection, ρ = 0.3 → ⌈8·0.3⌉ = 3 heads: each kept head keeps its 4 columns in all
    /// 32 rows unchanged, every other column is zero in every row.
    func testOutputProjectionKeepsWholeColumnSlices() throws {
        for seed in UInt64(1)...10 {
            let parameter = projection("text.layer0.attention.out.weight",
                                       shape: [model, heads * headDim])
            let before = parameter.grad
            let group = MaskableGroup(parameter: parameter, modality: 2,
                                      layout: .trailingAxis(unitCount: heads))
            let optimizer = MaskedSubnetworkOptimizer(method: .amss,
                                                      generator: TestGenerator(seed: seed))
            let masks = try optimizer.apply(groups: [group], keepRatios: [0.5, 0.5, 0.3])
            XCTAssertEqual(masks.count, 1)
            XCTAssertNil(masks[0].row)
            XCTAssertEqual(masks[0].unitCount, heads)
            XCTAssertEqual(masks[0].kept.count, 3)

            let kept = Set(masks[0].kept)
            for row in 0..<model {
                for column in 0..<(heads * headDim) {
                    let index = row * heads * headDim + column
                    let expected = kept.contains(column / headDim) ? before[index] : 0
                    XCTAssertEqual(parameter.grad[index], expected, "row \(row) column \(column)")
                }
            }
        }
    }

    /// Output projection under AMSS+: head h's score is Σ over its 32×4 values of G², and its
    /// slice is multiplied by 1 / (q_h + 1/8) (hand calculation from the same sums).
    func testOutputProjectionAmssPlusWeights() throws {
        let parameter = projection("out", shape: [model, heads * headDim])
        let before = parameter.grad
        var sums = [Double](repeating: 0, count: heads)
        for row in 0..<model {
            for column in 0..<(heads * headDim) {
                let g = Double(before[row * heads * headDim + column])
                sums[column / headDim] += g * g
            }
        }
        let total = sums.reduce(0, +)
        let group = MaskableGroup(parameter: parameter, modality: 0,
                                  layout: .trailingAxis(unitCount: heads))
        let masks = try MaskedSubnetworkOptimizer(method: .amssPlus, sampler: .topk,
                                                  generator: TestGenerator(seed: 3))
            .apply(groups: [group], keepRatios: [0.5])
        let expectedKept = Array(sums.indices.sorted { sums[$0] > sums[$1] }.prefix(4)).sorted()
        XCTAssertEqual(masks[0].kept, expectedKept)
        for (head, weight) in zip(masks[0].kept, masks[0].weights) {
            let expected = 1 / (sums[head] / total + 1.0 / Double(heads))
            XCTAssertEqual(Double(weight), expected, accuracy: 1e-6 * expected)
            for row in 0..<model {
                let index = row * heads * headDim + head * headDim
                XCTAssertEqual(Double(parameter.grad[index]), Double(before[index]) * expected,
                               accuracy: 1e-6 * abs(Double(before[index]) * expected))
            }
        }
    }

    /// Q, K, V projections: head h is rows h·4..<(h+1)·4, contiguous, one draw each.
    func testQueryKeyValueHeadsAreRowBlocks() throws {
        let projections = ["query", "key", "value"].map {
            projection("text.layer0.attention.\($0).weight", shape: [heads * headDim, model])
        }
        let before = projections.map(\.grad)
        let groups = projections.map {
            MaskableGroup(parameter: $0, modality: 0, layout: .leadingAxis(unitCount: heads))
        }
        let masks = try MaskedSubnetworkOptimizer(method: .amss,
                                                  generator: TestGenerator(seed: 4))
            .apply(groups: groups, keepRatios: [0.5])
        XCTAssertEqual(masks.count, 3)
        let blockSize = headDim * model
        for (index, parameter) in projections.enumerated() {
            XCTAssertEqual(masks[index].kept.count, 4)
            for head in 0..<heads {
                let range = (head * blockSize)..<((head + 1) * blockSize)
                let values = Array(parameter.grad[range])
                if masks[index].kept.contains(head) {
                    XCTAssertEqual(values, Array(before[index][range]))
                } else {
                    XCTAssertTrue(values.allSatisfy { $0 == 0 })
                }
            }
        }
    }

    /// Columns that do not split into the heads, or a parameter without columns, are typed
    /// errors naming the parameter.
    func testMismatchedHeadLayoutThrows() {
        let parameter = projection("text.out", shape: [6, 10])
        let group = MaskableGroup(parameter: parameter, modality: 0,
                                  layout: .trailingAxis(unitCount: 4))
        let optimizer = MaskedSubnetworkOptimizer(method: .amss, generator: TestGenerator(seed: 5))
        XCTAssertThrowsError(try optimizer.apply(groups: [group], keepRatios: [0.5])) {
            XCTAssertTrue("\($0)".contains("text.out"), "\($0)")
        }
        let zero = MaskableGroup(parameter: parameter, modality: 0,
                                 layout: .trailingAxis(unitCount: 0))
        XCTAssertThrowsError(try optimizer.apply(groups: [zero], keepRatios: [0.5]))
    }
}
