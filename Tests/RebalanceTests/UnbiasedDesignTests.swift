import XCTest
@testable import Rebalance
import Tensor

/// Exact-probability designs: π by hand, inclusion frequencies, and the expected masked
/// gradient equal to the full gradient (the reference AMSS+ weights are shown to be biased).
final class UnbiasedDesignTests: XCTestCase {
    private let drawCount = 200_000

    private func assertWithinFourSigma(_ value: Double, _ expected: Double, sigma: Double,
                                       _ what: String) {
        XCTAssertLessThanOrEqual(abs(value - expected), 4 * sigma + 1e-12,
                                 "\(what): \(value) vs \(expected) (σ \(sigma))")
    }

    /// Hand calculation: scores 1, 2, 3, 10 with k = 2 give c = 2/16, so unit 3 (c·10 = 1.25)
    /// is kept surely and the others share the remaining 1: π = 1/6, 2/6, 3/6, 1.
    func testInclusionProbabilitiesByHand() {
        let pi = UnbiasedDesign.inclusionProbabilities(scores: [1, 2, 3, 10], count: 2)
        let expected = [1.0 / 6, 2.0 / 6, 3.0 / 6, 1]
        for (value, want) in zip(pi, expected) { XCTAssertEqual(value, want, accuracy: 1e-15) }
        let sparse = UnbiasedDesign.inclusionProbabilities(scores: [0, 5, .nan, 0], count: 3)
        XCTAssertEqual(sparse, [0, 1, 0, 0])
    }

    func testInclusionFrequenciesMatchPi() {
        let scores: [Double] = [1, 2, 3, 4, 5, 15]
        let pi = UnbiasedDesign.inclusionProbabilities(scores: scores, count: 3)
        XCTAssertEqual(pi.reduce(0, +), 3, accuracy: 1e-12)
        for design in UnbiasedDesign.allCases {
            var generator = TestGenerator(seed: 21)
            var hits = [Int](repeating: 0, count: scores.count)
            var keptTotal = 0
            for _ in 0..<drawCount {
                let (kept, probabilities) = design.select(scores: scores, count: 3,
                                                          using: &generator)
                XCTAssertEqual(probabilities, kept.map { pi[$0] })
                if design == .systematic { XCTAssertEqual(kept.count, 3) }
                keptTotal += kept.count
                for unit in kept { hits[unit] += 1 }
            }
            for unit in scores.indices {
                let sigma = (pi[unit] * (1 - pi[unit]) / Double(drawCount)).squareRoot()
                assertWithinFourSigma(Double(hits[unit]) / Double(drawCount), pi[unit],
                                      sigma: sigma, "\(design) unit \(unit)")
            }
            let countVariance = pi.reduce(0) { $0 + $1 * (1 - $1) }
            assertWithinFourSigma(Double(keptTotal) / Double(drawCount), 3,
                                  sigma: (countVariance / Double(drawCount)).squareRoot(),
                                  "\(design) kept count")
        }
    }

    /// Through the optimizer (AMSS+, ρ = 0.4 on 8 filters → k = 4): the average masked gradient
    /// over 40 000 steps equals the full gradient within 4σ, σ² = g²(1 − π)/π / n per value.
    func testExpectedMaskedGradientIsTheFullGradient() throws {
        let steps = 40_000
        let gradient: [Float] = (0..<16).map { index -> Float in
            let size = Float(index % 5 + 1)
            return (index / 2) % 2 == 0 ? size : -0.5 * size
        }
        let parameter = Parameter(name: "visual.layer2.0.conv1.weight", shape: [8, 2, 1, 1],
                                  value: [Float](repeating: 0.3, count: 16))
        let group = MaskableGroup(parameter: parameter, modality: 1,
                                  layout: .leadingAxis(unitCount: 8))
        let scores = (0..<8).map { unit in
            UnitImportance.gn.score(gradient: gradient, weight: parameter.value,
                                    range: (2 * unit)..<(2 * unit + 2))
        }
        let pi = UnbiasedDesign.inclusionProbabilities(scores: scores, count: 4)

        for design in [UnbiasedDesign?.some(.poisson), .some(.systematic), nil] {
            let optimizer = MaskedSubnetworkOptimizer(method: .amssPlus, unbiased: design,
                                                      generator: TestGenerator(seed: 22))
            var sums = [Double](repeating: 0, count: 16)
            for _ in 0..<steps {
                parameter.grad = gradient
                try optimizer.apply(groups: [group], keepRatios: [0.5, 0.4])
                for index in 0..<16 { sums[index] += Double(parameter.grad[index]) }
            }
            let means = sums.map { $0 / Double(steps) }
            guard design != nil else {
                let worst = (0..<16).map { abs(means[$0] / Double(gradient[$0]) - 1) }.max()
                XCTAssertGreaterThan(worst ?? 0, 0.5, "reference AMSS+ weights are biased")
                print("reference AMSS+ weights: worst relative bias \(worst ?? 0)")
                continue
            }
            for index in 0..<16 {
                let g = Double(gradient[index]), p = pi[index / 2]
                let sigma = (g * g * (1 - p) / p / Double(steps)).squareRoot()
                assertWithinFourSigma(means[index], g, sigma: sigma, "\(design!) value \(index)")
            }
        }
    }
}
