import Models
import Tensor
import XCTest

/// The seeded generator and the weight initialisations it feeds.
final class GeneratorTests: XCTestCase {
    func testSeedZeroGivesTheXoshiroSequenceOfSplitMixState() {
        // SplitMix64 from 0 gives the published state e220a8397b1dcdaf, 6e789e6aa1b965f4,
        // 06c45d188009454f, f88bb8a8724c81ec; xoshiro256** from that state, computed by hand
        // (Python big integers, rotl(s1·5, 7)·9 then the state update), starts as below.
        var generator = SeededGenerator(seed: 0)
        XCTAssertEqual(generator.next(), 0x99EC_5F36_CB75_F2B4)
        XCTAssertEqual(generator.next(), 0xBF6E_1F78_4956_452A)
        XCTAssertEqual(generator.next(), 0x1A5F_849D_4933_E6E0)
    }

    func testSameSeedSameSequenceAndSeedsDiffer() {
        var first = SeededGenerator(seed: 42), second = SeededGenerator(seed: 42)
        var other = SeededGenerator(seed: 43)
        let a = (0..<100).map { _ in first.nextNormal() }
        let b = (0..<100).map { _ in second.nextNormal() }
        let c = (0..<100).map { _ in other.nextNormal() }
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
    }

    func testUniformAndNormalMoments() {
        // n = 200 000: the standard error of a uniform mean is 0.289/√n = 6.5e-4 and of a
        // normal mean 2.2e-3, of a normal variance √(2/n) = 3.2e-3; bounds are ≥ 4.5 of them.
        var generator = SeededGenerator(seed: 9)
        let n = 200_000
        var uniformSum = 0.0, low = Float(1), high = Float(0)
        for _ in 0..<n {
            let u = generator.nextFloat()
            uniformSum += Double(u)
            low = min(low, u)
            high = max(high, u)
        }
        XCTAssertGreaterThanOrEqual(low, 0)
        XCTAssertLessThan(high, 1)
        XCTAssertEqual(uniformSum / Double(n), 0.5, accuracy: 0.003)

        let normals = (0..<n).map { _ in Double(generator.nextNormal()) }
        let mean = normals.reduce(0, +) / Double(n)
        let variance = normals.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
        XCTAssertEqual(mean, 0, accuracy: 0.01)
        XCTAssertEqual(variance, 1, accuracy: 0.015)
        let beyondTwo = normals.filter { abs($0) > 2 }.count
        XCTAssertEqual(Double(beyondTwo) / Double(n), 0.0455, accuracy: 0.003,
                       "P(|Z| > 2) = 0.0455 for a standard normal")
    }

    func testKaimingNormalFanOutStandardDeviation() {
        // torchvision: std = √(2 / (Cout·k·k)); a [512, 512, 3, 3] layer4 weight has
        // σ = √(2/4608) = 0.020833 and 2.4 million values (relative standard error 0.05 %).
        let net = ResNet18(name: "v", inputChannels: 3, width: 1, modality: 1, seed: 5)
        guard let weight = net.parameters.first(where: { $0.name == "v.layer4.1.conv2.weight" })
        else { return XCTFail("layer4.1.conv2 missing") }
        let values = weight.value.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        let std = (values.reduce(0) { $0 + $1 * $1 } / Double(values.count)).squareRoot()
        XCTAssertEqual(mean, 0, accuracy: 1e-4)
        XCTAssertEqual(std, (2.0 / 4608).squareRoot(), accuracy: 0.0208 * 0.005)

        let stem = net.parameters[0]
        XCTAssertEqual(stem.shape, [64, 3, 7, 7])
        let stemStd = (stem.value.reduce(0) { $0 + Double($1 * $1) } / Double(stem.count))
            .squareRoot()
        XCTAssertEqual(stemStd, (2.0 / (64 * 49)).squareRoot(), accuracy: 0.0253 * 0.03)
        XCTAssertTrue(net.parameters.filter { $0.name.hasSuffix("bn1.weight") }
            .allSatisfy { $0.value.allSatisfy { $0 == 1 } && !$0.decays })
    }

    func testFusionInitIsUniformWithinOneOverRootFanIn() {
        // PyTorch's Linear default: weight and bias ~ U(−1/√fan_in, 1/√fan_in); fan_in = 1024.
        let fusion = ConcatFusion(featureCounts: [512, 512], classCount: 31, seed: 2)
        let bound: Float = 1 / 32
        for parameter in fusion.parameters {
            XCTAssertTrue(parameter.value.allSatisfy { abs($0) <= bound }, parameter.name)
        }
        let values = fusion.weight.value
        XCTAssertGreaterThan(values.max() ?? 0, bound * 0.999)
        XCTAssertLessThan(values.min() ?? 0, -bound * 0.999)
        let meanSquare = values.reduce(0) { $0 + Double($1 * $1) } / Double(values.count)
        XCTAssertEqual(meanSquare, Double(bound * bound) / 3, accuracy: 2e-6,
                       "a uniform on ±b has mean square b²/3")
        XCTAssertTrue(fusion.weight.decays)
        XCTAssertFalse(fusion.bias.decays)
    }
}
