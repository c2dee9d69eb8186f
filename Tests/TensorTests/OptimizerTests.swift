import Models
import Tensor
import XCTest

/// SGD against torch.optim.SGD (three steps, momentum 0.9, weight decay 0.01).
///
/// Tolerance 1e-6 of each tensor's largest value: three elementwise multiply-adds in float32
/// (a few ulp, ~2e-7) against a float64 reference.
final class OptimizerTests: XCTestCase {
    func testSGDMatchesTorchWithWeightDecayEverywhere() throws {
        try checkAgainstTorch(mode: "all", decayAll: true)
    }

    func testSGDMatchesTorchWithANoDecayGroupWhenDecayAllIsOff() throws {
        try checkAgainstTorch(mode: "groups", decayAll: false)
    }

    func testZeroGradClearsEveryGradient() {
        let parameter = Parameter(name: "p", shape: [2], value: [1, 2])
        parameter.grad = [3, 4]
        let optimizer = SGD(parameters: [parameter], learningRate: 0.1, momentum: 0.9,
                            weightDecay: 0)
        optimizer.zeroGrad()
        XCTAssertEqual(parameter.grad, [0, 0])
    }

    func testMomentumBuffersRoundTripForCheckpoints() {
        let parameter = Parameter(name: "p", shape: [2], value: [1, 2])
        let first = SGD(parameters: [parameter], learningRate: 0.1, momentum: 0.9,
                        weightDecay: 0)
        XCTAssertTrue(first.momentumBuffers.isEmpty)
        parameter.grad = [1, -1]
        first.step()
        XCTAssertEqual(first.momentumBuffers, ["p": [1, -1]])

        // A resumed optimizer continues the same trajectory: buf = 0.9·[1, −1] + [1, −1].
        let resumed = SGD(parameters: [parameter], learningRate: 0.1, momentum: 0.9,
                          weightDecay: 0)
        resumed.momentumBuffers = first.momentumBuffers.merging(["other": [0]]) { a, _ in a }
        resumed.step()
        XCTAssertEqual(resumed.momentumBuffers["p"] ?? [], [1.9, -1.9])
        XCTAssertEqual(parameter.value[0], 1 - 0.1 - 0.19, accuracy: 1e-6)
    }

    private func checkAgainstTorch(mode: String, decayAll: Bool) throws {
        let fixture = try Fixture("sgd")
        let parameters = [
            Parameter(name: "p0", shape: [3, 4], value: fixture.tensor("start.0").data),
            Parameter(name: "p1", shape: [5], value: fixture.tensor("start.1").data,
                      decays: false),
        ]
        let optimizer = SGD(parameters: parameters,
                            learningRate: Float(fixture.scalar("lr")),
                            momentum: Float(fixture.scalar("momentum")),
                            weightDecay: Float(fixture.scalar("weight_decay")),
                            decayAll: decayAll)

        for step in 0..<3 {
            for (index, parameter) in parameters.enumerated() {
                parameter.grad = fixture.tensor("grad.\(step).\(index)").data
            }
            optimizer.step()
            for (index, parameter) in parameters.enumerated() {
                assertClose(Tensor(shape: parameter.shape, data: parameter.value),
                            fixture.tensor("\(mode).after.\(step).\(index)"), tolerance: 1e-6,
                            "\(mode) step \(step) parameter \(index)")
            }
        }
    }
}
