import XCTest
@testable import Rebalance

/// Deterministic properties of the samplers and the O(N) top-k selection.
final class SamplerTests: XCTestCase {
    func testTopKTakesLargestScoresWithLowerIndexOnTies() {
        var generator = TestGenerator(seed: 1)
        let kept = UnitSampler.topk.select(scores: [0.5, 3, 1, 3, 2, 0.1], count: 3,
                                           using: &generator)
        XCTAssertEqual(kept, [1, 3, 4])
        let tied = UnitSampler.topk.select(scores: [1, 1, 1, 1], count: 2, using: &generator)
        XCTAssertEqual(tied, [0, 1])
    }

    /// Quickselect agrees with a full sort on random keys of many sizes.
    func testLargestKeysAgreesWithSorting() {
        var generator = TestGenerator(seed: 2)
        for size in [1, 2, 3, 7, 64, 513] {
            for count in Set([1, size / 3 + 1, size / 2 + 1, size]) where count <= size {
                let keys = (0..<size).map { _ in
                    (UnitSelection.openUnitInterval(using: &generator) * 8).rounded()
                }
                let selected = UnitSelection.largestKeys(keys, among: Array(0..<size),
                                                         count: count).sorted()
                let expected = Array(keys.indices.sorted {
                    keys[$0] > keys[$1] || (keys[$0] == keys[$1] && $0 < $1)
                }.prefix(count)).sorted()
                XCTAssertEqual(selected, expected, "size \(size) count \(count)")
            }
        }
    }

    /// k is clamped to [1, N]; an empty group gives nothing; NaN and infinite scores never
    /// crash and are drawn only once every finite unit is taken.
    func testDegenerateInputs() {
        var generator = TestGenerator(seed: 3)
        for sampler in UnitSampler.allCases {
            XCTAssertEqual(sampler.select(scores: [], count: 3, using: &generator), [])
        }
        for sampler in [UnitSampler.adaptive, .topk, .random] {
            XCTAssertEqual(sampler.select(scores: [1, 2, 3], count: 0, using: &generator).count,
                           1)
            XCTAssertEqual(sampler.select(scores: [1, 2, 3], count: 9, using: &generator),
                           [0, 1, 2])
        }
        let scores = [Double.nan, 0, .infinity, 2, -1]
        for sampler in [UnitSampler.adaptive, .topk] {
            let three = sampler.select(scores: scores, count: 3, using: &generator)
            XCTAssertEqual(three, [1, 3, 4])
            XCTAssertEqual(sampler.select(scores: scores, count: 5, using: &generator),
                           [0, 1, 2, 3, 4])
        }
        let allNaN = [Double](repeating: .nan, count: 6)
        let kept = UnitSampler.adaptive.select(scores: allNaN, count: 4, using: &generator)
        XCTAssertEqual(Set(kept).count, 4)
    }

    /// The generator state moves with every draw: repeated draws differ, reseeding repeats.
    func testDrawsAreReproducibleFromTheSeed() {
        let scores = (1...40).map(Double.init)
        var first = TestGenerator(seed: 4)
        var second = TestGenerator(seed: 4)
        let a = UnitSampler.adaptive.select(scores: scores, count: 10, using: &first)
        let b = UnitSampler.adaptive.select(scores: scores, count: 10, using: &second)
        let c = UnitSampler.adaptive.select(scores: scores, count: 10, using: &first)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
    }
}
