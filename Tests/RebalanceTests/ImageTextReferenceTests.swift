import Foundation
import XCTest
@testable import Rebalance
import Tensor

/// The keep ratios of the reference's image–text variant (compat on an image + text model)
/// against the independent numpy float64 implementation in `tools/ref/image_text_fixtures.py`
/// (`Fixtures/image_text.json`), on random batches and degenerate statistics (both fallback
/// tests at their boundary, NaN, Float32 overflow, clamping), plus a batch checked by hand.
/// Tolerance: 1e-5 relative (1e-9 absolute near zero).
final class ImageTextReferenceTests: XCTestCase {
    private struct Fixture: Decodable {
        let numpy: String
        let batches: [BatchCase]
        let stats: [StatsCase]
        let keep_counts: [CountCase]
    }

    private struct BatchCase: Decodable {
        let name: String
        let classes: Int
        let labels: [Int]
        let image: Int
        let text: Int
        let temperature: Double
        let logits: [[Float]]
        let features: [[Float]]
        let feature_count: Int
        let significance: [Double]
        let label_entropy: Double
        let t: [Double]
        let ratios: [Double]
        let fallback: Bool
    }

    private struct StatsCase: Decodable {
        let name: String
        let significance: [Double?]
        let label_entropy: Double
        let image: Int
        let text: Int
        let temperature: Double
        let t: [Double?]
        let ratios: [Double]
        let fallback: Bool
    }

    private struct CountCase: Decodable {
        let n: Int
        let rho: Double
        let k: Int
    }

    private typealias Optimizer = MaskedSubnetworkOptimizer<TestGenerator>

    /// The largest relative error seen by `assertClose`.
    private var worst = 0.0

    /// 1e-5 relative, or 1e-9 absolute near zero.
    private func assertClose(_ actual: Double, _ expected: Double, _ what: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        let difference = abs(actual - expected)
        if expected != 0 { worst = max(worst, difference / abs(expected)) }
        XCTAssertTrue(difference <= 1e-9 || difference <= 1e-5 * abs(expected),
                      "\(what): \(actual) vs reference \(expected)", file: file, line: line)
    }

    private func loadFixture() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/image_text.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    private func estimator(temperature: Double, image: Int, text: Int) -> KeepRatioEstimator {
        KeepRatioEstimator(temperature: temperature, compat: true,
                           imageText: ImageTextReference(image: image, text: text))
    }

    // MARK: - Keep ratios

    func testKeepRatioBatchesMatchNumpy() throws {
        let fixture = try loadFixture()
        XCTAssertEqual(fixture.batches.count, 7)
        worst = 0
        for item in fixture.batches {
            let result = estimator(temperature: item.temperature, image: item.image,
                                   text: item.text)
                .estimate(logits: item.logits, features: item.features,
                          featureCounts: [item.feature_count, item.feature_count],
                          labels: item.labels, classCount: item.classes)
            XCTAssertEqual(result.usedFallback, item.fallback, item.name)
            assertClose(result.labelEntropy, item.label_entropy, "\(item.name) H_Y")
            for m in 0..<2 {
                assertClose(result.significance[m], item.significance[m], "\(item.name) s[\(m)]")
                assertClose(result.scaledSignificance[m], item.t[m], "\(item.name) t[\(m)]")
                assertClose(result.ratios[m], item.ratios[m], "\(item.name) rho[\(m)]")
            }
        }
        print("image-text keep ratios vs numpy \(fixture.numpy): max relative error \(worst)")
    }

    func testKeepRatioStatisticsMatchNumpy() throws {
        let fixture = try loadFixture()
        XCTAssertEqual(fixture.stats.count, 8)
        worst = 0
        for item in fixture.stats {
            let result = estimator(temperature: item.temperature, image: item.image,
                                   text: item.text)
                .estimate(significance: item.significance.map { $0 ?? .nan },
                          featureEntropy: [1, 1], labelEntropy: item.label_entropy)
            XCTAssertEqual(result.usedFallback, item.fallback, item.name)
            for m in 0..<2 {
                if let t = item.t[m] {
                    assertClose(result.scaledSignificance[m], t, "\(item.name) t[\(m)]")
                } else {
                    XCTAssertTrue(result.scaledSignificance[m].isNaN, item.name)
                }
                assertClose(result.ratios[m], item.ratios[m], "\(item.name) rho[\(m)]")
            }
        }
        print("image-text keep-ratio statistics vs numpy: max relative error \(worst)")
    }

    /// By hand. Four pairs, labels 0 0 1 1: H_Y = −log2(0.5 + 1e-8) = 1 − 2.9e-8 bits. Text
    /// logits all zero: s_text = −ln 2. Image logits (ln 3, 0) for label 0 and (0, ln 3) for
    /// label 1: p(true) = 3/4, s_image = −ln(4/3). With T = 0.5,
    /// t_image − t_text = 2(ln 2 − ln(4/3)) = 2 ln(3/2), so ρ_image = 1/(1 + (2/3)²) = 9/13 and
    /// ρ_text = 4/13: the dominant image keeps more. The paper's rule (offset 0.5, features
    /// all zero so H_m = ln 2) gives t_image − t_text = 2 ln(3/2) / ln 2 and the image keeps
    /// 1/(1 + e^{2 ln(3/2)/ln 2}) ≈ 0.2369, less than the text.
    func testHandCheckedBatch() {
        let third = Float(log(3.0))
        let text: [Float] = [0, 0, 0, 0, 0, 0, 0, 0]
        let image: [Float] = [third, 0, third, 0, 0, third, 0, third]
        let features = [Float](repeating: 0, count: 8)
        let labels = [0, 0, 1, 1]

        let reference = estimator(temperature: 0.5, image: 1, text: 0)
            .estimate(logits: [text, image], features: [features, features],
                      featureCounts: [2, 2], labels: labels, classCount: 2)
        XCTAssertFalse(reference.usedFallback)
        XCTAssertEqual(reference.labelEntropy, 1 - 1e-8 / (0.5 * log(2.0)), accuracy: 1e-12)
        XCTAssertEqual(reference.significance[0], -log(2.0), accuracy: 1e-7)
        XCTAssertEqual(reference.significance[1], -log(4.0 / 3), accuracy: 1e-7)
        XCTAssertEqual(reference.ratios[1], 9.0 / 13, accuracy: 1e-6)
        XCTAssertEqual(reference.ratios[0], 4.0 / 13, accuracy: 1e-6)

        let paper = KeepRatioEstimator(temperature: 0.5)
            .estimate(logits: [text, image], features: [features, features],
                      featureCounts: [2, 2], labels: labels, classCount: 2)
        let expected = 1 / (1 + exp(2 * log(1.5) / log(2.0)))
        XCTAssertEqual(paper.ratios[1], expected, accuracy: 1e-6)
        XCTAssertEqual(paper.ratios[0], 1 - expected, accuracy: 1e-6)
    }

    /// The variant needs exactly two distinct modalities; with three the rule of METHOD.md §2
    /// (under compat) applies.
    func testThreeModalitiesIgnoreTheImageTextVariant() {
        let significance = [-0.4, -1.0, -1.6], entropy = [2.7, 2.1, 3.3]
        let withVariant = estimator(temperature: 0.2, image: 1, text: 0)
            .estimate(significance: significance, featureEntropy: entropy, labelEntropy: 1.6)
        let without = KeepRatioEstimator(compat: true)
            .estimate(significance: significance, featureEntropy: entropy, labelEntropy: 1.6)
        XCTAssertEqual(withVariant.ratios, without.ratios)
    }

    /// Ratios clamped to Float32 0.1 and 0.9 (as the reference's Float32 tensors are) give the
    /// keep counts of the reference's `math.ceil(N·ρ)` exactly, e.g. ⌈10·0.1f⌉ = 2; without
    /// compat the ratio is 0.1 itself and ⌈10·0.1 − 1e-9⌉ = 1.
    func testFloat32BoundsGiveTheReferenceKeepCounts() throws {
        let fixture = try loadFixture()
        for item in fixture.keep_counts {
            XCTAssertEqual(Optimizer.keepCount(unitCount: item.n, keepRatio: item.rho,
                                               truncating: false), item.k,
                           "N \(item.n) ρ \(item.rho)")
        }
        let extreme = [-0.05, -1.2]
        let compat = estimator(temperature: 0.2, image: 1, text: 0)
            .estimate(significance: extreme, featureEntropy: [1, 1], labelEntropy: 1)
        XCTAssertEqual(compat.ratios, [Double(Float(0.9)), Double(Float(0.1))])
        XCTAssertEqual(Optimizer.keepCount(unitCount: 10, keepRatio: compat.ratios[1],
                                           truncating: false), 2)
        let paper = KeepRatioEstimator().estimate(significance: extreme,
                                                  featureEntropy: [1, 1], labelEntropy: 1)
        XCTAssertEqual(paper.ratios[0], 0.1)
        XCTAssertEqual(Optimizer.keepCount(unitCount: 10, keepRatio: paper.ratios[0],
                                           truncating: false), 1)
    }
}
