import Foundation
import XCTest
@testable import Rebalance
import Tensor

/// Masking under the reference's image–text code (compat with `ImageTextReference`): unit
/// scores, AMSS+ weights `1/(q_j + 1/N + b)` and whole top-k masked gradients against the
/// independent numpy float64 implementation in `tools/ref/image_text_fixtures.py`
/// (`Fixtures/image_text.json`) — convolutions, attention heads (scores summed element by
/// element), a concat-fusion weight with a text and an image block (q over the whole block,
/// N = class rows) — on random and degenerate inputs (sparse and zero gradients, a zero-weight
/// filter, a fusion row without gradient), plus cases checked by hand. Tolerance: 1e-5
/// relative (exact zeros where a unit is dropped).
final class ImageTextMaskingTests: XCTestCase {
    private struct Fixture: Decodable {
        let numpy: String
        let units: [UnitCase]
        let fusions: [FusionCase]
    }

    private struct UnitCase: Decodable {
        let name: String
        let shape: [Int]
        let layout: [Layout]
        let keep_ratio: Double
        let bias: Double
        let elementwise: Bool
        let grad: [Float]
        let weight: [Float]
        let keep_count: Int
        let importances: [String: UnitEntry]
    }

    private struct UnitEntry: Decodable {
        let scores: [Double?]
        let weights: [Double]
        let topk_kept: [Int]?
        let topk_grad: [Double]?
    }

    private struct FusionCase: Decodable {
        let name: String
        let shape: [Int]
        let blocks: [[Int]]
        let keep_ratios: [Double]
        let bias: Double
        let grad: [Float]
        let weight: [Float]
        let importances: [String: FusionEntry]
    }

    private struct FusionEntry: Decodable {
        /// Per block, per class row, the weight of every column of the block.
        let weights: [[[Double]]]
        let topk_kept: [[[Int]]]?
        let topk_grad: [Double]?
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
    }

    private typealias Optimizer = MaskedSubnetworkOptimizer<TestGenerator>

    private var worst = 0.0

    /// 1e-5 relative; an expected zero must be an exact zero.
    private func assertClose(_ actual: Double, _ expected: Double, _ what: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        guard expected != 0 else {
            return XCTAssertEqual(actual, 0, what, file: file, line: line)
        }
        let error = abs(actual - expected) / abs(expected)
        worst = max(worst, error)
        XCTAssertLessThanOrEqual(error, 1e-5, "\(what): \(actual) vs reference \(expected)",
                                 file: file, line: line)
    }

    private func loadFixture() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/image_text.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    private func optimizer(_ importance: UnitImportance, bias: Double,
                           compat: Bool = true) -> Optimizer {
        Optimizer(method: .amssPlus, importance: importance, sampler: .topk, compat: compat,
                  imageText: ImageTextReference(image: 1, text: 0, weightBias: bias),
                  generator: TestGenerator(seed: 3))
    }

    private func layout(_ item: UnitCase) throws -> (MaskableGroup.Layout, UnitGeometry) {
        guard case .kind(let kind) = item.layout[0], case .number(let units) = item.layout[1]
        else { throw XCTSkip("malformed layout in \(item.name)") }
        if kind == "leading" {
            return (.leadingAxis(unitCount: units),
                    try XCTUnwrap(UnitGeometry.leading(valueCount: item.grad.count,
                                                       unitCount: units)))
        }
        let columns = try XCTUnwrap(item.shape.last)
        return (.trailingAxis(unitCount: units),
                try XCTUnwrap(UnitGeometry.trailing(valueCount: item.grad.count,
                                                    columns: columns, unitCount: units)))
    }

    /// Scores (1e-12 relative: Float64 sums in another order), weights of every unit and the
    /// masked gradient of a top-k AMSS+ step of every convolution and attention case.
    func testUnitsMatchNumpy() throws {
        let fixture = try loadFixture()
        XCTAssertEqual(fixture.units.count, 8)
        worst = 0
        var steps = 0
        for item in fixture.units {
            let (groupLayout, geometry) = try layout(item)
            XCTAssertEqual(item.elementwise, item.shape.count == 2, item.name)
            for (name, reference) in item.importances {
                let importance = try XCTUnwrap(UnitImportance(rawValue: name))
                let what = "\(item.name) \(name)"
                let scores = item.grad.withUnsafeBufferPointer { gradient in
                    item.weight.withUnsafeBufferPointer { weight in
                        geometry.scores(importance, gradient: gradient, weight: weight,
                                        summingElements: item.elementwise)
                    }
                }
                for (score, expected) in zip(scores, reference.scores) {
                    guard let expected else {
                        XCTAssertFalse(score.isFinite, what)
                        continue
                    }
                    let error = abs(score - expected) / max(abs(expected), .leastNormalMagnitude)
                    XCTAssertLessThanOrEqual(expected == 0 ? abs(score) : error, 1e-12, what)
                }
                let weights = Optimizer.biasedWeights(
                    kept: Array(scores.indices), scores: scores,
                    total: Optimizer.informativeTotal(scores), unitCount: scores.count,
                    bias: item.bias)
                for (weight, expected) in zip(weights, reference.weights) {
                    assertClose(Double(weight), expected, "\(what) weight")
                }

                guard let kept = reference.topk_kept, let expected = reference.topk_grad
                else { continue }
                let parameter = Parameter(name: item.name, shape: item.shape,
                                          value: item.weight)
                parameter.grad = item.grad
                let group = MaskableGroup(parameter: parameter, modality: 0,
                                          layout: groupLayout)
                let masks = try optimizer(importance, bias: item.bias)
                    .apply(groups: [group], keepRatios: [item.keep_ratio])
                XCTAssertEqual(masks.map(\.kept), [kept], what)
                XCTAssertEqual(kept.count, item.keep_count, what)
                for (value, want) in zip(parameter.grad, expected) {
                    assertClose(Double(value), want, "\(what) gradient")
                }
                steps += 1
            }
        }
        XCTAssertEqual(steps, 21)
        print("image-text AMSS+ units vs numpy: \(steps) top-k steps, max relative error "
              + "\(worst)")
    }

    /// Two column blocks of one concat-fusion weight (text 0..<12, image 12..<20): every
    /// kept element's weight, and where every row has enough gradient the whole masked
    /// gradient, applied.
    func testFusionBlocksMatchNumpy() throws {
        let fixture = try loadFixture()
        XCTAssertEqual(fixture.fusions.count, 2)
        worst = 0
        var steps = 0
        for item in fixture.fusions {
            let rows = item.shape[0], columns = item.shape[1]
            for (name, reference) in item.importances {
                let what = "\(item.name) \(name)"
                let parameter = Parameter(name: item.name, shape: item.shape,
                                          value: item.weight)
                parameter.grad = item.grad
                let groups = item.blocks.enumerated().map { modality, block in
                    MaskableGroup(parameter: parameter, modality: modality,
                                  layout: .columnBlock(rows: rows, columns: columns,
                                                       columnStart: block[0],
                                                       columnCount: block[1]))
                }
                let masks = try optimizer(try XCTUnwrap(UnitImportance(rawValue: name)),
                                          bias: item.bias)
                    .apply(groups: groups, keepRatios: item.keep_ratios)
                XCTAssertEqual(masks.count, 2 * rows, what)
                for mask in masks {
                    let row = try XCTUnwrap(mask.row)
                    XCTAssertTrue(mask.applied, what)
                    let count = item.blocks[mask.modality][1]
                    XCTAssertEqual(mask.kept.count, Int(ceil(Double(count)
                                                             * item.keep_ratios[mask.modality])))
                    for (unit, weight) in zip(mask.kept, mask.weights) {
                        assertClose(Double(weight), reference.weights[mask.modality][row][unit],
                                    "\(what) weight")
                    }
                    if let kept = reference.topk_kept {
                        XCTAssertEqual(mask.kept, kept[mask.modality][row], what)
                    }
                }
                guard let expected = reference.topk_grad else { continue }
                for (value, want) in zip(parameter.grad, expected) {
                    assertClose(Double(value), want, "\(what) gradient")
                }
                steps += 1
            }
        }
        XCTAssertEqual(steps, 3)
        print("image-text AMSS+ fusion vs numpy: \(steps) whole steps, max relative error "
              + "\(worst)")
    }

    /// By hand. Four filters with Σg² = 1, 1, 2, 4 (total 8, q = 1/8, 1/8, 1/4, 1/2), ρ = 0.5:
    /// top-k keeps filters 2 and 3 with weights 1/(1/4 + 1/4 + 0.2) = 1/0.7 and
    /// 1/(1/2 + 1/4 + 0.2) = 1/0.95, so the gradient becomes (0, 0, √2/0.7, 2/0.95).
    func testHandCheckedFilters() throws {
        let parameter = Parameter(name: "visual.layer1.0.conv1.weight", shape: [4, 1, 1, 1],
                                  value: [0.1, 0.1, 0.1, 0.1])
        parameter.grad = [1, 1, Float(2.0.squareRoot()), 2]
        let group = MaskableGroup(parameter: parameter, modality: 1,
                                  layout: .leadingAxis(unitCount: 4))
        let masks = try optimizer(.gn, bias: 0.2).apply(groups: [group], keepRatios: [1, 0.5])
        XCTAssertEqual(masks.first?.kept, [2, 3])
        let expected = [0, 0, 2.0.squareRoot() / 0.7, 2 / 0.95]
        for (value, want) in zip(parameter.grad, expected) {
            XCTAssertEqual(Double(value), want, accuracy: 1e-6 * max(1, want))
        }
    }

    /// By hand. A concat-fusion weight [2, 4]: text columns 0–1 with every gradient 0.5, image
    /// columns 2–3 with gradients (1, √3) and (0, 2), so the image block's Σg² = 8 and
    /// q = 1/8, 3/8 / 0, 1/2; N = 2 class rows. ρ_image = 0.5 keeps ⌈2·0.5⌉ = 1 column per row,
    /// column 3 in both: weights 1/(3/8 + 1/2 + 0.2) = 1/1.075 and 1/(1/2 + 1/2 + 0.2) = 1/1.2.
    /// ρ_text = 1 keeps both text columns, each q = 1/4: weight 1/(1/4 + 1/2 + 0.2) = 1/0.95.
    /// The masks are applied (the audio–visual compat would leave the gradient alone).
    func testHandCheckedFusion() throws {
        let root3 = Float(3.0.squareRoot())
        let parameter = Parameter(name: "fusion.weight", shape: [2, 4],
                                  value: [Float](repeating: 0.1, count: 8))
        parameter.grad = [0.5, 0.5, 1, root3, 0.5, 0.5, 0, 2]
        let groups = [(0, 0), (1, 2)].map { modality, start in
            MaskableGroup(parameter: parameter, modality: modality,
                          layout: .columnBlock(rows: 2, columns: 4, columnStart: start,
                                               columnCount: 2))
        }
        _ = try optimizer(.gn, bias: 0.2).apply(groups: groups, keepRatios: [1, 0.5])
        let text = 0.5 / 0.95
        let expected = [text, text, 0, 3.0.squareRoot() / 1.075, text, text, 0, 2 / 1.2]
        for (value, want) in zip(parameter.grad, expected) {
            XCTAssertEqual(Double(value), want, accuracy: 1e-6)
        }
    }

    /// A fusion row of 2 columns at ρ = 0.6: the image–text compat keeps ⌈1.2⌉ = 2 and applies
    /// the mask; the audio–visual compat keeps int(1.2) = 1 and does not apply it; without
    /// compat the image–text description is ignored (weights 1/(q + 1/N), applied).
    func testFusionRowsDifferFromTheAudioVisualCompat() throws {
        func run(compat: Bool, imageText: Bool) throws -> (UnitMask, [Float]) {
            let parameter = Parameter(name: "fusion.weight", shape: [1, 2], value: [0.1, 0.1])
            parameter.grad = [1, 3]
            let group = MaskableGroup(parameter: parameter, modality: 0,
                                      layout: .columnBlock(rows: 1, columns: 2, columnStart: 0,
                                                           columnCount: 2))
            let optimizer = Optimizer(
                method: .amssPlus, sampler: .topk, compat: compat,
                imageText: imageText ? ImageTextReference(image: 1, text: 0) : nil,
                generator: TestGenerator(seed: 1))
            let masks = try optimizer.apply(groups: [group], keepRatios: [0.6])
            return (try XCTUnwrap(masks.first), parameter.grad)
        }

        let (imageText, imageTextGrad) = try run(compat: true, imageText: true)
        XCTAssertEqual(imageText.kept, [0, 1])
        XCTAssertTrue(imageText.applied)
        // q = 1/10, 9/10 over the block; N = 1 row: 1/(q + 1 + 0.2).
        XCTAssertEqual(Double(imageTextGrad[0]), 1 / 1.3, accuracy: 1e-6)
        XCTAssertEqual(Double(imageTextGrad[1]), 3 / 2.1, accuracy: 1e-6)

        let (audioVisual, audioVisualGrad) = try run(compat: true, imageText: false)
        XCTAssertEqual(audioVisual.kept, [1])
        XCTAssertFalse(audioVisual.applied)
        XCTAssertEqual(audioVisualGrad, [1, 3])

        let (paper, paperGrad) = try run(compat: false, imageText: true)
        XCTAssertEqual(paper.kept, [0, 1])
        // q = 1/10, 9/10 over the row; N = 2 columns: 1/(q + 1/2).
        XCTAssertEqual(Double(paperGrad[0]), 1 / 0.6, accuracy: 1e-6)
        XCTAssertEqual(Double(paperGrad[1]), 3 / 1.4, accuracy: 1e-6)
    }
}
