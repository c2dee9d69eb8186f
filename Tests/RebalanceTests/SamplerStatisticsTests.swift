import XCTest
@testable import Rebalance

/// The adaptive sampler against the exact law of sequential weighted draws without replacement.
///
/// For N ≤ 8 every ordered draw sequence is enumerated: a sequence (i_1, …, i_k) has probability
/// Π_t q_{i_t} / (1 − Σ_{s<t} q_{i_s}). Summing gives the exact probability of each kept set and
/// each unit's inclusion probability. 200 000 seeded draws must match every one of them within
/// 4 standard errors, 4·√(p(1 − p)/n), and the kept-set counts must pass Pearson's χ² test of
/// the exact law at level 0.001 (sets expected fewer than 5 times pooled into one cell): a
/// correct sampler fails it for one seed in a thousand, and the seeds are fixed.
final class SamplerStatisticsTests: XCTestCase {
    private let drawCount = 200_000

    /// Exact probabilities of each kept set (as a bit mask) under sequential weighted draws.
    private func exactSetProbabilities(weights: [Double], count: Int) -> [Int: Double] {
        let total = weights.reduce(0, +)
        let q = weights.map { $0 / total }
        var result: [Int: Double] = [:]

        func extend(_ mask: Int, _ probability: Double, _ usedShare: Double, _ depth: Int) {
            if depth == count {
                result[mask, default: 0] += probability
                return
            }
            for unit in q.indices where mask & (1 << unit) == 0 && q[unit] > 0 {
                extend(mask | (1 << unit), probability * q[unit] / (1 - usedShare),
                       usedShare + q[unit], depth + 1)
            }
        }
        extend(0, 1, 0, 0)
        return result
    }

    private func assertWithinFourSigma(_ frequency: Double, _ probability: Double,
                                       _ what: String) {
        let sigma = (probability * (1 - probability) / Double(drawCount)).squareRoot()
        XCTAssertLessThanOrEqual(abs(frequency - probability), 4 * sigma + 1e-12,
                                 "\(what): empirical \(frequency) vs exact \(probability)")
    }

    private func checkAdaptive(weights: [Double], count: Int, seed: UInt64) {
        let exact = exactSetProbabilities(weights: weights, count: count)
        XCTAssertEqual(exact.values.reduce(0, +), 1, accuracy: 1e-12)

        var generator = TestGenerator(seed: seed)
        var setCounts: [Int: Int] = [:]
        for _ in 0..<drawCount {
            let kept = UnitSampler.adaptive.select(scores: weights, count: count,
                                                   using: &generator)
            let mask = kept.reduce(0) { $0 | (1 << $1) }
            setCounts[mask, default: 0] += 1
        }

        XCTAssertTrue(Set(setCounts.keys).isSubset(of: Set(exact.keys)),
                      "drew a set of probability zero")
        var worstZ = 0.0
        for (mask, probability) in exact {
            let frequency = Double(setCounts[mask, default: 0]) / Double(drawCount)
            assertWithinFourSigma(frequency, probability, "set \(mask) of \(weights)")
            let sigma = (probability * (1 - probability) / Double(drawCount)).squareRoot()
            worstZ = max(worstZ, abs(frequency - probability) / sigma)
        }
        for unit in weights.indices {
            let inclusion = exact.filter { $0.key & (1 << unit) != 0 }.values.reduce(0, +)
            let hits = setCounts.filter { $0.key & (1 << unit) != 0 }.values.reduce(0, +)
            assertWithinFourSigma(Double(hits) / Double(drawCount), inclusion,
                                  "inclusion of unit \(unit) in \(weights)")
        }
        let (chiSquare, freedom, pValue) = chiSquareTest(exact: exact, counts: setCounts)
        XCTAssertGreaterThanOrEqual(pValue, 0.001, "χ² \(chiSquare) on \(freedom) degrees of "
                                    + "freedom for \(weights), k = \(count)")
        print("adaptive \(weights) k=\(count): worst |z| over \(exact.count) sets = \(worstZ); "
              + "χ² = \(chiSquare), \(freedom) d.f., p = \(pValue)")
    }

    /// Pearson's χ² of the kept-set counts against the exact set probabilities.
    private func chiSquareTest(exact: [Int: Double],
                               counts: [Int: Int]) -> (Double, Int, Double) {
        var observed: [Int] = [], expected: [Double] = []
        var pooledCount = 0, pooledMean = 0.0
        for (mask, probability) in exact.sorted(by: { $0.key < $1.key }) {
            let mean = probability * Double(drawCount)
            if mean < 5 {
                pooledCount += counts[mask, default: 0]
                pooledMean += mean
            } else {
                observed.append(counts[mask, default: 0])
                expected.append(mean)
            }
        }
        if pooledMean > 0 {
            observed.append(pooledCount)
            expected.append(pooledMean)
        }
        let (value, freedom) = ChiSquare.statistic(observed: observed, expected: expected)
        return (value, freedom, ChiSquare.survival(value, freedom: freedom))
    }

    /// The χ² upper tail against scipy.stats.chi2.sf (scipy 1.17.1), to 1e-10 relative.
    func testChiSquareSurvivalMatchesScipy() {
        let cases: [(Int, Double, Double)] = [
            (1, 3.841458820694124, 0.04999999999999989), (4, 2.0, 0.7357588823428847),
            (9, 16.0, 0.06688158777412662), (14, 36.12, 0.001001130796839834),
            (55, 80.0, 0.0154958697625297), (27, 12.5, 0.9920842748657941),
            (1, 0.0001, 0.9920212873707368),
        ]
        for (freedom, x, expected) in cases {
            let value = ChiSquare.survival(x, freedom: freedom)
            XCTAssertEqual(value, expected, accuracy: 1e-10 * expected, "χ²(\(freedom)) at \(x)")
        }
    }

    /// The χ² test has power: draws from the wrong law (uniform instead of weighted) fail it.
    func testChiSquareRejectsTheWrongLaw() {
        let weights = [1.0, 2, 3, 4, 5, 15]
        let exact = exactSetProbabilities(weights: weights, count: 3)
        var generator = TestGenerator(seed: 17)
        var setCounts: [Int: Int] = [:]
        for _ in 0..<drawCount {
            let kept = UnitSampler.random.select(scores: weights, count: 3, using: &generator)
            setCounts[kept.reduce(0) { $0 | (1 << $1) }, default: 0] += 1
        }
        XCTAssertLessThan(chiSquareTest(exact: exact, counts: setCounts).2, 1e-12)
    }

    /// Eight units, three draws: 56 kept sets.
    func testEightUnitsThreeDrawsMatchExactLaw() {
        checkAdaptive(weights: [0.5, 1, 1.5, 2, 3, 4, 6, 9], count: 3, seed: 18)
    }

    func testFiveUnitsTwoDrawsMatchExactLaw() {
        checkAdaptive(weights: [0.05, 0.1, 0.15, 0.2, 0.5], count: 2, seed: 11)
    }

    func testSixUnitsThreeDrawsMatchExactLaw() {
        checkAdaptive(weights: [1, 2, 3, 4, 5, 15], count: 3, seed: 12)
    }

    /// Unnormalised Fisher-like scores of very different sizes (q from 1e-3 to 0.6).
    func testSkewedScoresMatchExactLaw() {
        checkAdaptive(weights: [3e-4, 0.02, 0.08, 0.1, 0.18], count: 4, seed: 13)
    }

    /// Fewer informative units than draws: the three positive units are always kept and the
    /// fourth draw is uniform over the two zero-score units (inclusion 1/2 each).
    func testZeroScoresAreCompletedUniformly() {
        var generator = TestGenerator(seed: 14)
        var hits = [Int](repeating: 0, count: 5)
        for _ in 0..<drawCount {
            let kept = UnitSampler.adaptive.select(scores: [0, 1, 2, 0, 3], count: 4,
                                                   using: &generator)
            XCTAssertEqual(kept.count, 4)
            for unit in kept { hits[unit] += 1 }
        }
        XCTAssertEqual(hits[1], drawCount)
        XCTAssertEqual(hits[2], drawCount)
        XCTAssertEqual(hits[4], drawCount)
        assertWithinFourSigma(Double(hits[0]) / Double(drawCount), 0.5, "zero unit 0")
        assertWithinFourSigma(Double(hits[3]) / Double(drawCount), 0.5, "zero unit 3")
    }

    /// `random` ignores the scores: inclusion k/N for every unit.
    func testRandomSamplerIsUniform() {
        var generator = TestGenerator(seed: 15)
        var hits = [Int](repeating: 0, count: 6)
        for _ in 0..<drawCount {
            for unit in UnitSampler.random.select(scores: [9, 0, 1, 1, 1, 1], count: 2,
                                                  using: &generator) {
                hits[unit] += 1
            }
        }
        for unit in 0..<6 {
            assertWithinFourSigma(Double(hits[unit]) / Double(drawCount), 2.0 / 6,
                                  "random unit \(unit)")
        }
    }

    /// `bernoulli` keeps unit j independently with probability q_j.
    func testBernoulliSamplerUsesNormalisedScores() {
        var generator = TestGenerator(seed: 16)
        let scores = [1.0, 2, 3, 4]
        var hits = [Int](repeating: 0, count: 4)
        for _ in 0..<drawCount {
            for unit in UnitSampler.bernoulli.select(scores: scores, count: 3,
                                                     using: &generator) {
                hits[unit] += 1
            }
        }
        for unit in 0..<4 {
            assertWithinFourSigma(Double(hits[unit]) / Double(drawCount), scores[unit] / 10,
                                  "bernoulli unit \(unit)")
        }
    }
}
