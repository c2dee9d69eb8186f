import Foundation
import XCTest
@testable import Rebalance
import Tensor

/// OGM / OGM-GE: coefficients by hand, the paper and code variants, and the noise statistics.
final class OGMModulationTests: XCTestCase {
    /// Two-class logits [x, 0] whose softmax gives class 0 probability p: x = ln(p / (1 − p)).
    private func logits(_ probabilities: [Double]) -> [Float] {
        probabilities.flatMap { [Float(log($0 / (1 - $0))), 0] }
    }

    /// Hand calculation: true-class probabilities audio 0.8, 0.6 (s_a = 1.4) and visual 0.5,
    /// 0.2 (s_v = 0.7): r_v = 0.5, r_a = 2, so audio is dominant with k_a = 1 − tanh(0.8·2).
    func testCoefficientsByHand() throws {
        let ogm = OGMModulation(alpha: 0.8, addsNoise: false)
        let result = try ogm.coefficients(logits: [logits([0.8, 0.6]), logits([0.5, 0.2])],
                                          labels: [0, 0], classCount: 2)
        XCTAssertEqual(result.ratios[0], 2, accuracy: 1e-6)
        XCTAssertEqual(result.ratios[1], 0.5, accuracy: 1e-6)
        XCTAssertEqual(result.coefficients[0], 1 - tanh(1.6), accuracy: 1e-6)
        XCTAssertEqual(result.coefficients[1], 1)

        let swapped = try ogm.coefficients(logits: [logits([0.5, 0.2]), logits([0.8, 0.6])],
                                           labels: [0, 0], classCount: 2)
        XCTAssertEqual(swapped.coefficients[0], 1)
        XCTAssertEqual(swapped.coefficients[1], 1 - tanh(1.6), accuracy: 1e-6)
        XCTAssertEqual(OGMModulation.trueClassScore(logits: logits([0.8, 0.6]), labels: [0, 0],
                                                    classCount: 2), 1.4, accuracy: 1e-6)
    }

    /// Equal scores: the paper scales neither modality; the reference code scales audio by
    /// 1 − tanh(α).
    func testEqualScoresDifferBetweenPaperAndCode() throws {
        let inputs = [logits([0.7, 0.4]), logits([0.4, 0.7])]
        let paper = try OGMModulation(alpha: 0.5, addsNoise: true, variant: .paper)
            .coefficients(logits: inputs, labels: [0, 0], classCount: 2)
        XCTAssertEqual(paper.coefficients, [1, 1])
        let code = try OGMModulation(alpha: 0.5, addsNoise: true, variant: .code)
            .coefficients(logits: inputs, labels: [0, 0], classCount: 2)
        XCTAssertEqual(code.coefficients[0], 1 - tanh(0.5), accuracy: 1e-6)
        XCTAssertEqual(code.coefficients[1], 1)
    }

    /// A NaN ratio (label out of range) modulates nothing; three modalities are an error.
    func testDegenerateInputs() throws {
        let ogm = OGMModulation(addsNoise: false)
        let result = try ogm.coefficients(logits: [logits([0.8]), logits([0.3])], labels: [4],
                                          classCount: 2)
        XCTAssertEqual(result.coefficients, [1, 1])
        let zeroAudio = try ogm.coefficients(logits: [[-200, 0], [0, 0]], labels: [0],
                                             classCount: 2)
        XCTAssertEqual(zeroAudio.coefficients[1], 1 - tanh(Double.infinity))
        XCTAssertThrowsError(try ogm.coefficients(logits: [[0, 0], [0, 0], [0, 0]], labels: [0],
                                                  classCount: 2))
    }

    /// Sample standard deviation with divisor n − 1 (as torch.std): [1, 2, 3, 4] → √(5/3).
    func testSampleStandardDeviationByHand() {
        XCTAssertEqual(OGMModulation.sampleStandardDeviation([1, 2, 3, 4]), (5.0 / 3).squareRoot(),
                       accuracy: 1e-15)
        XCTAssertEqual(OGMModulation.sampleStandardDeviation([3]), 0)
    }

    /// OGM without noise multiplies each modality's gradients by its coefficient exactly.
    func testScalingWithoutNoise() {
        let audio = Parameter(name: "audio.conv", shape: [2, 2], value: [0, 0, 0, 0])
        let visual = Parameter(name: "visual.conv", shape: [2, 2], value: [0, 0, 0, 0])
        audio.grad = [1, -2, 3, 0.5]
        visual.grad = [4, 5, -6, 7]
        var generator = TestGenerator(seed: 1)
        OGMModulation(addsNoise: false).apply(coefficients: [0.25, 1], to: [[audio], [visual]],
                                              using: &generator)
        XCTAssertEqual(audio.grad, [0.25, -0.5, 0.75, 0.125])
        XCTAssertEqual(visual.grad, [4, 5, -6, 7])
    }

    /// GE noise on 200 000 values: the residual g' − k·g has mean 0 within 4σ/√n and a sample
    /// standard deviation within 4 standard errors (σ·√(1/(2(n−1))) of the target: σ(g) + 1e-8 for
    /// the paper, k·σ(g) + 1e-8 for the code variant — on both modalities, the unscaled one too.
    func testNoiseHasTheGradientsOwnDeviation() {
        let count = 200_000
        let gradient = (0..<count).map { Float(($0 % 11) - 5) * 0.01 }
        let sigma = OGMModulation.sampleStandardDeviation(gradient)
        for variant in OGMModulation.Variant.allCases {
            let audio = Parameter(name: "audio.conv", shape: [count],
                                  value: [Float](repeating: 0, count: count))
            let visual = Parameter(name: "visual.conv", shape: [count],
                                   value: [Float](repeating: 0, count: count))
            audio.grad = gradient
            visual.grad = gradient
            var generator = TestGenerator(seed: 2)
            let k = 0.3
            OGMModulation(addsNoise: true, variant: variant)
                .apply(coefficients: [k, 1], to: [[audio], [visual]], using: &generator)

            for (parameter, factor) in [(audio, k), (visual, 1.0)] {
                let residual = zip(parameter.grad, gradient).map {
                    Double($0) - Double(Float(factor) * $1)
                }
                let target = (variant == .code ? factor * sigma : sigma) + 1e-8
                let mean = residual.reduce(0, +) / Double(count)
                let deviation = OGMModulation.sampleStandardDeviation(residual.map(Float.init))
                XCTAssertLessThanOrEqual(abs(mean), 4 * target / Double(count).squareRoot(),
                                         "\(variant) \(parameter.name) mean")
                let standardError = target / (2 * Double(count - 1)).squareRoot()
                XCTAssertLessThanOrEqual(abs(deviation - target), 4 * standardError,
                                         "\(variant) \(parameter.name): \(deviation) vs \(target)")
            }
        }
    }
}
