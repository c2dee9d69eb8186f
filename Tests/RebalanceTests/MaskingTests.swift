import XCTest
@testable import Rebalance
import Tensor

/// Gradient masking of convolution filters and fusion column blocks (CASES.md I1).
final class MaskingTests: XCTestCase {
    private func convParameter(filters: Int = 64, gradient: (Int, Int) -> Float,
                               value: Float = 0.1) -> Parameter {
        let unitSize = 4 * 3 * 3
        let parameter = Parameter(name: "audio.layer1.0.conv1.weight",
                                  shape: [filters, 4, 3, 3],
                                  value: [Float](repeating: value, count: filters * unitSize))
        for filter in 0..<filters {
            for offset in 0..<unitSize {
                parameter.grad[filter * unitSize + offset] = gradient(filter, offset)
            }
        }
        return parameter
    }

    private func filterNorms(_ parameter: Parameter, filters: Int = 64) -> [Float] {
        let unitSize = parameter.count / filters
        return (0..<filters).map { filter in
            parameter.grad[(filter * unitSize)..<((filter + 1) * unitSize)]
                .reduce(0) { $0 + abs($1) }
        }
    }

    private func optimizer(_ method: RebalanceMethod, sampler: UnitSampler = .adaptive,
                           importance: UnitImportance = .gn, compat: Bool = false,
                           seed: UInt64 = 7) -> MaskedSubnetworkOptimizer<TestGenerator> {
        MaskedSubnetworkOptimizer(method: method, importance: importance, sampler: sampler,
                                  compat: compat, generator: TestGenerator(seed: seed))
    }

    /// I1: 64 filters, gradient zero except filters 3, 10, 20, ρ = 0.5 → exactly 32 kept,
    /// including 3, 10 and 20, whose gradients pass unchanged.
    func testSparseGradientKeepsInformativeFiltersAndExactlyHalf() throws {
        for sampler in [UnitSampler.adaptive, .topk] {
            for seed in UInt64(1)...20 {
                let parameter = convParameter { filter, offset in
                    [3, 10, 20].contains(filter) ? Float(offset + 1) * 0.01 : 0
                }
                let before = parameter.grad
                let group = MaskableGroup(parameter: parameter, modality: 0,
                                          layout: .leadingAxis(unitCount: 64))
                let masks = try optimizer(.amss, sampler: sampler, seed: seed)
                    .apply(groups: [group], keepRatios: [0.5, 0.5])
                XCTAssertEqual(masks.count, 1)
                XCTAssertEqual(masks[0].kept.count, 32)
                XCTAssertEqual(Set(masks[0].kept).count, 32)
                XCTAssertTrue(Set([3, 10, 20]).isSubset(of: Set(masks[0].kept)))
                XCTAssertEqual(parameter.grad, before)
            }
        }
    }

    /// Every filter has gradient: exactly 32 keep it, unchanged, and they are the recorded ones.
    func testDenseGradientKeepsExactlyTheDrawnFilters() throws {
        let parameter = convParameter { filter, offset in
            Float(filter + 1) * 0.001 + Float(offset)
        }
        let before = parameter.grad
        let group = MaskableGroup(parameter: parameter, modality: 1,
                                  layout: .leadingAxis(unitCount: 64))
        let masks = try optimizer(.amss).apply(groups: [group], keepRatios: [0.9, 0.5])
        let norms = filterNorms(parameter)
        let survivors = norms.indices.filter { norms[$0] > 0 }
        XCTAssertEqual(survivors, masks[0].kept)
        XCTAssertEqual(survivors.count, 32)
        let unitSize = parameter.count / 64
        for filter in survivors {
            let range = (filter * unitSize)..<((filter + 1) * unitSize)
            XCTAssertEqual(Array(parameter.grad[range]), Array(before[range]))
        }
    }

    /// All-zero layer: the uniform fallback keeps 32 filters, nothing becomes NaN; with
    /// `gn_wn` on zero weights the scores are 0/0 = NaN and the fallback still holds.
    func testAllZeroLayerFallsBackToUniformWithoutNaN() throws {
        for importance in UnitImportance.allCases {
            for method in [RebalanceMethod.amss, .amssPlus] {
                let parameter = convParameter(gradient: { _, _ in 0 }, value: 0)
                let group = MaskableGroup(parameter: parameter, modality: 0,
                                          layout: .leadingAxis(unitCount: 64))
                let masks = try optimizer(method, importance: importance)
                    .apply(groups: [group], keepRatios: [0.5])
                XCTAssertEqual(Set(masks[0].kept).count, 32)
                XCTAssertTrue(masks[0].weights.allSatisfy { $0.isFinite })
                XCTAssertTrue(parameter.grad.allSatisfy { $0 == 0 })
            }
        }
    }

    /// A NaN gradient in a dropped filter is removed, never propagated; NaN scores are never
    /// drawn while finite ones remain.
    func testNaNGradientIsNeverSelectedAndDroppedToZero() throws {
        let parameter = convParameter { filter, _ in filter == 5 ? .nan : Float(filter + 1) }
        let group = MaskableGroup(parameter: parameter, modality: 0,
                                  layout: .leadingAxis(unitCount: 64))
        let masks = try optimizer(.amss).apply(groups: [group], keepRatios: [0.5])
        XCTAssertFalse(masks[0].kept.contains(5))
        XCTAssertTrue(parameter.grad.allSatisfy { !$0.isNaN })
    }

    /// AMSS+: kept filter j is scaled by 1 / (q_j + 1/N) with q_j = Σ G_j² / Σ_i Σ G_i²
    /// (hand calculation: filter j's gradient is (j + 1)·0.01 everywhere, so q_j ∝ (j + 1)²).
    func testAmssPlusWeightsMatchHandCalculation() throws {
        let parameter = convParameter { filter, _ in Float(filter + 1) * 0.01 }
        let before = parameter.grad
        let group = MaskableGroup(parameter: parameter, modality: 0,
                                  layout: .leadingAxis(unitCount: 64))
        let masks = try optimizer(.amssPlus).apply(groups: [group], keepRatios: [0.3])
        XCTAssertEqual(masks[0].kept.count, 20)
        let total = (1...64).reduce(0.0) { $0 + Double($1 * $1) }
        let unitSize = parameter.count / 64
        var largestError = 0.0
        for (filter, weight) in zip(masks[0].kept, masks[0].weights) {
            let q = Double((filter + 1) * (filter + 1)) / total
            let expected = 1 / (q + 1.0 / 64)
            XCTAssertEqual(Double(weight), expected, accuracy: 1e-5 * expected)
            for index in (filter * unitSize)..<((filter + 1) * unitSize) {
                let want = Double(before[index]) * expected
                let error = abs(Double(parameter.grad[index]) - want) / abs(want)
                largestError = max(largestError, error)
                XCTAssertLessThanOrEqual(error, 1e-5)
            }
        }
        print("AMSS+ weights: max relative error \(largestError)")
    }

    /// Joint leaves every gradient untouched and records nothing.
    func testJointDoesNotMask() throws {
        let parameter = convParameter { filter, offset in Float(filter - offset) }
        let before = parameter.grad
        let group = MaskableGroup(parameter: parameter, modality: 0,
                                  layout: .leadingAxis(unitCount: 64))
        let masks = try optimizer(.joint).apply(groups: [group], keepRatios: [0.1])
        XCTAssertTrue(masks.isEmpty)
        XCTAssertEqual(parameter.grad, before)
    }

    private func fusionGroups(rows: Int) -> (Parameter, [MaskableGroup]) {
        var generator = TestGenerator(seed: 99)
        let values = (0..<(rows * 1024)).map { _ in
            Float(UnitSelection.openUnitInterval(using: &generator)) + 0.01
        }
        let weight = Parameter(name: "fusion.weight", shape: [rows, 1024], value: values)
        for index in weight.grad.indices { weight.grad[index] = values[index] - 0.5 }
        let groups = [
            MaskableGroup(parameter: weight, modality: 0,
                          layout: .columnBlock(rows: rows, columns: 1024, columnStart: 0,
                                               columnCount: 512)),
            MaskableGroup(parameter: weight, modality: 1,
                          layout: .columnBlock(rows: rows, columns: 1024, columnStart: 512,
                                               columnCount: 512)),
        ]
        return (weight, groups)
    }

    /// I1 fusion: K×1024, ρ_a = 0.5, ρ_v = 0.3 → every row keeps 256 audio and ⌈512·0.3⌉ = 154
    /// visual columns, each row drawing on its own.
    func testFusionRowsKeepTheirOwnColumnCounts() throws {
        let rows = 6
        let (weight, groups) = fusionGroups(rows: rows)
        let before = weight.grad
        let masks = try optimizer(.amss).apply(groups: groups, keepRatios: [0.5, 0.3])
        XCTAssertEqual(masks.count, 2 * rows)
        for row in 0..<rows {
            let line = Array(weight.grad[(row * 1024)..<((row + 1) * 1024)])
            let original = Array(before[(row * 1024)..<((row + 1) * 1024)])
            XCTAssertEqual(line[0..<512].filter { $0 != 0 }.count, 256)
            XCTAssertEqual(line[512..<1024].filter { $0 != 0 }.count, 154)
            for column in 0..<1024 where line[column] != 0 {
                XCTAssertEqual(line[column], original[column])
            }
        }
        let audioRows = masks.filter { $0.modality == 0 }.map { $0.kept }
        XCTAssertGreaterThan(Set(audioRows).count, 1, "rows must draw independently")
    }

    /// Under compat the reference keeps int(512·0.3) = 153 visual columns and never applies the
    /// fusion masks.
    func testFusionCompatTruncatesAndDoesNotApply() throws {
        let rows = 4
        let (weight, groups) = fusionGroups(rows: rows)
        let before = weight.grad
        let masks = try optimizer(.amssPlus, compat: true)
            .apply(groups: groups, keepRatios: [0.5, 0.3])
        XCTAssertEqual(weight.grad, before)
        for mask in masks {
            XCTAssertFalse(mask.applied)
            XCTAssertEqual(mask.kept.count, mask.modality == 0 ? 256 : 153)
            for (column, weight) in zip(mask.kept, mask.weights) {
                let expected = 1 / (Double(column) + 1 / Double(rows))
                XCTAssertEqual(Double(weight), expected, accuracy: 1e-5 * expected)
            }
        }
    }

    func testKeepCountRule() {
        typealias Optimizer = MaskedSubnetworkOptimizer<TestGenerator>
        XCTAssertEqual(Optimizer.keepCount(unitCount: 512, keepRatio: 0.3, truncating: false), 154)
        XCTAssertEqual(Optimizer.keepCount(unitCount: 512, keepRatio: 0.3, truncating: true), 153)
        XCTAssertEqual(Optimizer.keepCount(unitCount: 64, keepRatio: 0.5, truncating: false), 32)
        // 0.1·30 = 3.0000000000000004 in Float64: the 1e-9 guard keeps it at 3.
        XCTAssertEqual(Optimizer.keepCount(unitCount: 30, keepRatio: 0.1, truncating: false), 3)
        XCTAssertEqual(Optimizer.keepCount(unitCount: 4, keepRatio: 0.1, truncating: true), 1)
        XCTAssertEqual(Optimizer.keepCount(unitCount: 4, keepRatio: 7, truncating: false), 4)
        XCTAssertEqual(Optimizer.keepCount(unitCount: 4, keepRatio: .nan, truncating: false), 2)
    }

    func testMismatchedLayoutAndMissingModalityThrow() {
        let parameter = convParameter { _, _ in 1 }
        let badSplit = MaskableGroup(parameter: parameter, modality: 0,
                                     layout: .leadingAxis(unitCount: 7))
        XCTAssertThrowsError(try optimizer(.amss).apply(groups: [badSplit], keepRatios: [0.5]))
        let noRatio = MaskableGroup(parameter: parameter, modality: 2,
                                    layout: .leadingAxis(unitCount: 64))
        XCTAssertThrowsError(try optimizer(.amss).apply(groups: [noRatio], keepRatios: [0.5]))
        let badBlock = MaskableGroup(parameter: parameter, modality: 0,
                                     layout: .columnBlock(rows: 64, columns: 36,
                                                          columnStart: 30, columnCount: 10))
        XCTAssertThrowsError(try optimizer(.amss).apply(groups: [badBlock], keepRatios: [0.5]))
    }
}
