import Models
import Tensor
import XCTest

/// SGD with Nesterov momentum, Adam, AdamW, gradient clipping and the learning-rate schedules
/// against PyTorch (fixture `optim`, made by tools/ref/optimizer_fixtures.py).
///
/// Tolerance 1e-5 of each tensor's largest value over five steps: a few float32 operations
/// per step against a float64 reference (PyTorch's own float32 run lands within ~2e-7). The
/// schedules are compared as Float64 numbers to 1e-12 relative.
final class OptimizerReferenceTests: XCTestCase {
    private func parameters(_ fixture: Fixture) -> [Parameter] {
        [Parameter(name: "p0", shape: [3, 4], value: fixture.tensor("start.0").data),
         Parameter(name: "p1", shape: [5], value: fixture.tensor("start.1").data,
                   decays: false)]
    }

    private func follow(_ name: String, gradients: String = "grad", fixture: Fixture,
                        parameters: [Parameter], optimizer: any Optimizer,
                        clip: Double? = nil) -> Double {
        var worst = 0.0
        for step in 0..<5 {
            for (index, parameter) in parameters.enumerated() {
                parameter.grad = fixture.tensor("\(gradients).\(step).\(index)").data
            }
            if let clip {
                let norm = GradientClipping.clip(parameters, maxNorm: clip)
                XCTAssertEqual(norm, fixture.scalar("\(name).norm.\(step)"),
                               accuracy: 1e-5 * norm, "\(name) norm at step \(step)")
            }
            optimizer.step()
            for (index, parameter) in parameters.enumerated() {
                worst = max(worst, assertClose(
                    Tensor(shape: parameter.shape, data: parameter.value),
                    fixture.tensor("\(name).after.\(step).\(index)"), tolerance: 1e-5,
                    "\(name) step \(step) parameter \(index)"))
            }
        }
        return worst
    }

    func testSGDNesterovMatchesTorch() throws {
        let fixture = try Fixture("optim")
        let parameters = parameters(fixture)
        let optimizer = SGD(parameters: parameters, learningRate: 0.1, momentum: 0.9,
                            weightDecay: 0.01, nesterov: true, decayAll: false)
        let error = follow("sgd_nesterov", fixture: fixture, parameters: parameters,
                           optimizer: optimizer)
        print("SGD nesterov vs torch \(fixture.torchVersion): max scaled error \(error)")
    }

    func testAdamMatchesTorch() throws {
        let fixture = try Fixture("optim")
        let parameters = parameters(fixture)
        let optimizer = Adam(parameters: parameters, learningRate: 0.01, beta1: 0.9,
                             beta2: 0.99, epsilon: 1e-8, weightDecay: 0.01)
        let error = follow("adam", fixture: fixture, parameters: parameters,
                           optimizer: optimizer)
        print("Adam vs torch: max scaled error \(error)")
    }

    func testAdamWMatchesTorch() throws {
        let fixture = try Fixture("optim")
        let parameters = parameters(fixture)
        let optimizer = Adam(parameters: parameters, learningRate: 0.01, weightDecay: 0.1,
                             decoupled: true)
        let error = follow("adamw", fixture: fixture, parameters: parameters,
                           optimizer: optimizer)
        print("AdamW vs torch: max scaled error \(error)")
    }

    func testClippingByGlobalNormThenSGDMatchesTorch() throws {
        let fixture = try Fixture("optim")
        let parameters = parameters(fixture)
        let optimizer = SGD(parameters: parameters, learningRate: 0.1, momentum: 0.9,
                            weightDecay: 0)
        let error = follow("clip_sgd", gradients: "clip_grad", fixture: fixture,
                           parameters: parameters, optimizer: optimizer, clip: 1.0)
        print("clip + SGD vs torch: max scaled error \(error)")
    }

    /// Hand check: gradients of norm 5 (3, 4) clipped to 1 become (0.6, 0.8) up to the 1e-6
    /// PyTorch adds to the norm; a norm below the limit leaves them alone.
    func testClippingHandCalculation() {
        let parameter = Parameter(name: "p", shape: [2], value: [0, 0])
        parameter.grad = [3, 4]
        XCTAssertEqual(GradientClipping.clip([parameter], maxNorm: 1), 5, accuracy: 1e-12)
        XCTAssertEqual(parameter.grad[0], 0.6, accuracy: 1e-6)
        XCTAssertEqual(parameter.grad[1], 0.8, accuracy: 1e-6)
        parameter.grad = [0.3, 0.4]
        GradientClipping.clip([parameter], maxNorm: 1)
        XCTAssertEqual(parameter.grad, [0.3, 0.4])
    }

    func testSchedulesMatchTorch() throws {
        let fixture = try Fixture("optim")
        let schedules: [(String, LearningRateSchedule)] = [
            ("step", .step(every: 3, gamma: 0.5)),
            ("multistep", .multiStep(milestones: [2, 5, 9], gamma: 0.1)),
            ("cosine", .cosine(period: 10, minimum: 0.001)),
        ]
        for (name, schedule) in schedules {
            for epoch in 0..<12 {
                let expected = fixture.scalar("lr.\(name).\(epoch)")
                XCTAssertEqual(schedule.rate(base: 0.1, epoch: epoch), expected,
                               accuracy: 1e-12 * max(expected, 1e-3), "\(name) epoch \(epoch)")
            }
        }
    }

    /// Adam's state (moments and step count) round-trips, so a resumed run continues exactly.
    func testAdamStateRoundTrip() {
        let a = Parameter(name: "a", shape: [2], value: [1, 2])
        let b = Parameter(name: "a", shape: [2], value: [1, 2])
        let first = Adam(parameters: [a], learningRate: 0.1)
        let second = Adam(parameters: [b], learningRate: 0.1)
        for gradient in [[1, -1], [0.5, 2]] as [[Float]] {
            a.grad = gradient
            first.step()
        }
        second.state = first.state
        b.value = a.value
        a.grad = [0.3, 0.1]
        b.grad = [0.3, 0.1]
        first.step()
        second.step()
        XCTAssertEqual(a.value, b.value)
        XCTAssertEqual(first.state["steps"], [3])
    }
}
