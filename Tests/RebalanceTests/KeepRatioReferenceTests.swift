import Foundation
import XCTest
@testable import Rebalance

/// Keep ratios against the independent numpy float64 implementation in
/// `tools/ref/rebalance_fixtures.py` (fixture `Fixtures/keep_ratios.json`).
final class KeepRatioReferenceTests: XCTestCase {
    private struct Fixture: Decodable {
        let numpy: String
        let batches: [BatchCase]
        let stats: [StatsCase]
    }

    private struct BatchCase: Decodable {
        let name: String
        let classes: Int
        let labels: [Int]
        let logits: [[Float]]
        let features: [[Float]]
        let feature_counts: [Int]
        let temperature: Double
        let bias: Double
        let compat: Bool
        let significance: [Double]
        let feature_entropy: [Double]
        let label_entropy: Double
        let t: [Double?]
        let ratios: [Double]
        let fallback: Bool
    }

    private struct StatsCase: Decodable {
        let name: String
        let significance: [Double]
        let feature_entropy: [Double]
        let label_entropy: Double
        let temperature: Double
        let bias: Double
        let compat: Bool
        let t: [Double?]
        let ratios: [Double]
        let fallback: Bool
    }

    /// 1e-9 absolute or 1e-5 relative, as stated for the fixture.
    private func assertClose(_ actual: Double, _ expected: Double, _ what: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        let difference = abs(actual - expected)
        XCTAssertTrue(difference <= 1e-9 || difference <= 1e-5 * abs(expected),
                      "\(what): \(actual) vs reference \(expected)", file: file, line: line)
    }

    private func loadFixture() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/keep_ratios.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    func testBatchesMatchNumpyReference() throws {
        let fixture = try loadFixture()
        XCTAssertEqual(fixture.batches.count, 12)
        var largestError = [false: 0.0, true: 0.0]
        for item in fixture.batches {
            let estimator = KeepRatioEstimator(temperature: item.temperature, bias: item.bias,
                                               compat: item.compat)
            let result = estimator.estimate(logits: item.logits, features: item.features,
                                            featureCounts: item.feature_counts,
                                            labels: item.labels, classCount: item.classes)
            XCTAssertEqual(result.usedFallback, item.fallback, item.name)
            assertClose(result.labelEntropy, item.label_entropy, "\(item.name) H_Y")
            for m in item.ratios.indices {
                assertClose(result.significance[m], item.significance[m], "\(item.name) s[\(m)]")
                assertClose(result.featureEntropy[m], item.feature_entropy[m],
                            "\(item.name) H[\(m)]")
                if let t = item.t[m] {
                    assertClose(result.scaledSignificance[m], t, "\(item.name) t[\(m)]")
                }
                assertClose(result.ratios[m], item.ratios[m], "\(item.name) rho[\(m)]")
                largestError[item.compat] = max(largestError[item.compat] ?? 0,
                                                abs(result.ratios[m] - item.ratios[m]))
            }
        }
        print("keep ratios vs numpy \(fixture.numpy): max |Δρ| Float64 path "
              + "\(largestError[false] ?? 0), Float32 compat path \(largestError[true] ?? 0)")
    }

    func testStatisticsCasesMatchNumpyReference() throws {
        let fixture = try loadFixture()
        XCTAssertEqual(fixture.stats.count, 10)
        for item in fixture.stats {
            let estimator = KeepRatioEstimator(temperature: item.temperature, bias: item.bias,
                                               compat: item.compat)
            let result = estimator.estimate(significance: item.significance,
                                            featureEntropy: item.feature_entropy,
                                            labelEntropy: item.label_entropy)
            XCTAssertEqual(result.usedFallback, item.fallback, item.name)
            XCTAssertEqual(result.ratios.count, item.ratios.count, item.name)
            for m in item.ratios.indices {
                if let t = item.t[m] {
                    assertClose(result.scaledSignificance[m], t, "\(item.name) t[\(m)]")
                } else {
                    XCTAssertFalse(result.scaledSignificance[m].isFinite, item.name)
                }
                assertClose(result.ratios[m], item.ratios[m], "\(item.name) rho[\(m)]")
            }
        }
    }

    /// Hand calculation: uniform labels over 4 classes give H_Y = ln 4 in both modes
    /// (logsumexp of four 0.25 is 0.25 + ln 4, minus Σp² = 0.25).
    func testUniformLabelEntropyAgreesInBothModes() {
        let labels = [0, 1, 2, 3, 3, 2, 1, 0]
        let exact = ModalSignificance.labelEntropy(labels: labels, classCount: 4, compat: false)
        let reference = ModalSignificance.labelEntropy(labels: labels, classCount: 4,
                                                       compat: true)
        XCTAssertEqual(exact, log(4.0), accuracy: 1e-12)
        XCTAssertEqual(reference, log(4.0), accuracy: 1e-12)
    }

    /// For M = 2, ρ_a = softmax(t)_v: the modality with larger t keeps fewer units, and the
    /// two ratios sum to 1 while neither is clamped.
    func testTwoModalitiesStrongerKeepsFewer() {
        let estimator = KeepRatioEstimator()
        let result = estimator.estimate(significance: [-0.9, -1.2], featureEntropy: [3.4, 3.4],
                                        labelEntropy: log(6.0))
        let tA = (-0.9 + log(6.0) + 0.5) / 3.4 / 0.2
        let tV = (-1.2 + log(6.0) + 0.5) / 3.4 / 0.2
        let expectedAudio = exp(tV) / (exp(tA) + exp(tV))
        XCTAssertEqual(result.ratios[0], expectedAudio, accuracy: 1e-12)
        XCTAssertEqual(result.ratios[0] + result.ratios[1], 1, accuracy: 1e-12)
        XCTAssertLessThan(result.ratios[0], result.ratios[1])
    }

    func testOutOfRangeLabelGivesNeutralRatioNotNaN() {
        let estimator = KeepRatioEstimator()
        let result = estimator.estimate(logits: [[0, 1], [1, 0]], features: [[0, 1], [1, 0]],
                                        featureCounts: [2, 2], labels: [5], classCount: 2)
        XCTAssertEqual(result.ratios, [0.5, 0.5])
    }
}
