import Models
import Tensor
import XCTest

/// The whole audio–visual model against PyTorch: the same weights (exported by
/// tools/ref/torch_fixtures.py), one training-mode forward, the fused cross-entropy's backward,
/// and an evaluation-mode forward with the updated running statistics.
///
/// Tolerance 1e-4 of each tensor's largest value: the 20 convolution + BN layers per encoder
/// compound float32 rounding (PyTorch's own float32 run is up to 1.6e-5 off the float64
/// reference on these gradients, see model_grads.json), and BN backward divides by batch
/// standard deviations. A wrong stride, padding, residual or normalization gives errors of
/// order 1.
final class ModelTests: XCTestCase {
    let tolerance = 1e-4

    override func tearDown() {
        BLAS.setThreads(2)
        super.tearDown()
    }

    /// Both convolution paths: images on two threads, and one thread with OpenBLAS.
    func testAudioVisualModelMatchesTorch() throws {
        for threads in [2, 1] {
            BLAS.setThreads(threads)
            try checkModelAgainstTorch(threads: threads)
        }
    }

    private func checkModelAgainstTorch(threads: Int) throws {
        let fixture = try Fixture("model"), grads = try Fixture("model_grads")
        let model = AudioVisualModel(classCount: 3, width: 1.0 / 16, seed: 7)
        let parameterNames = Set(model.parameters.map(\.name))
        let fixtureNames = Set(fixture.tensorNames.filter { $0.hasPrefix("param.") }
            .map { String($0.dropFirst("param.".count)) })
        XCTAssertEqual(parameterNames, fixtureNames, "parameter names differ from torch's")
        for parameter in model.parameters {
            let value = fixture.tensor("param." + parameter.name)
            XCTAssertEqual(parameter.shape, value.shape, parameter.name)
            parameter.value = value.data
        }

        let labels = fixture.ints("labels")
        let output = try model.forward(audio: fixture.tensor("input.audio"),
                                   frames: fixture.tensor("input.frames"),
                                   framesPerClip: fixture.ints("frames_per_clip")[0],
                                   training: true)
        let (loss, gradLogits) = CrossEntropy.forward(logits: output.logits, labels: labels)
        model.backward(gradLogits: gradLogits)

        var worstForward = 0.0
        for (key, value) in [("logits", output.logits), ("features.0", output.features[0]),
                             ("features.1", output.features[1]),
                             ("unimodal.0", output.unimodal[0]),
                             ("unimodal.1", output.unimodal[1]),
                             ("loss", Tensor(shape: [1], data: [loss]))] {
            worstForward = max(worstForward, assertClose(value, fixture.tensor(key),
                                                         tolerance: tolerance, key))
        }
        var worstGrad = 0.0
        for parameter in model.parameters {
            let key = "grad." + parameter.name
            let error = assertClose(Tensor(shape: parameter.shape, data: parameter.grad),
                                    grads.tensor(key), tolerance: tolerance, key)
            worstGrad = max(worstGrad, error)
        }
        var worstBuffer = 0.0
        for (name, value) in model.audio.buffers.merging(model.visual.buffers, uniquingKeysWith: {
            first, _ in first
        }) {
            let error = assertClose(Tensor(shape: [value.count], data: value),
                                    fixture.tensor("buffer." + name), tolerance: tolerance, name)
            worstBuffer = max(worstBuffer, error)
        }
        XCTAssertEqual(model.audio.buffers.count + model.visual.buffers.count,
                       fixture.tensorNames.filter { $0.hasPrefix("buffer.") }.count)

        let evaluation = try model.forward(audio: fixture.tensor("input.audio"),
                                       frames: fixture.tensor("input.frames"),
                                       framesPerClip: 2, training: false)
        let worstEval = assertClose(evaluation.logits, fixture.tensor("eval_logits"),
                                    tolerance: tolerance, "eval logits")
        print("model vs torch \(fixture.torchVersion), \(threads) threads: "
              + "forward \(worstForward), gradients \(worstGrad), "
              + "running stats \(worstBuffer), eval \(worstEval)")
    }

    func testStageWidthsFollowTheWidthMultiplier() {
        let small = ResNet18(name: "a", inputChannels: 1, width: 0.125, modality: 0, seed: 1)
        XCTAssertEqual(small.stageWidths, [8, 16, 32, 64])
        XCTAssertEqual(small.featureCount, 64)
        let tiny = ResNet18(name: "a", inputChannels: 3, width: 1.0 / 16, modality: 1, seed: 1)
        XCTAssertEqual(tiny.stageWidths, [4, 8, 16, 32])
        // 64·0.01·2^s = 0.64, 1.28, 2.56, 5.12 → round → 1, 1, 3, 5; max(1, ·) keeps 1.
        let minimal = ResNet18(name: "a", inputChannels: 3, width: 0.01, modality: 1, seed: 1)
        XCTAssertEqual(minimal.stageWidths, [1, 1, 3, 5])
    }

    func testMaskableGroupsAreTheStageConvolutionsAtFullWidth() {
        let net = ResNet18(name: "visual", inputChannels: 3, width: 1, modality: 1, seed: 3)
        let groups = net.maskableGroups

        XCTAssertEqual(groups.count, 16)
        let expectedUnits = [64, 128, 256, 512].flatMap { Array(repeating: $0, count: 4) }
        XCTAssertEqual(groups.map(\.parameter.shape[0]), expectedUnits)
        for group in groups {
            guard case .leadingAxis(let units) = group.layout else {
                return XCTFail("\(group.parameter.name) should have leading-axis units")
            }
            XCTAssertEqual(units, group.parameter.shape[0])
            XCTAssertEqual(group.modality, 1)
            XCTAssertEqual(group.parameter.shape.suffix(2), [3, 3], group.parameter.name)
            XCTAssertTrue(group.parameter.name.contains(".layer"), group.parameter.name)
        }
        // 60 parameters: stem conv + BN (3), 8 blocks × 6, three downsample convs + BN (9).
        XCTAssertEqual(net.parameters.count, 3 + 8 * 6 + 3 * 3)
        XCTAssertEqual(net.parameters.reduce(0) { $0 + $1.count }, 11_176_512,
                       "torchvision's resnet18 without fc has 11 176 512 parameters (3 inputs)")
    }

    func testFusionGroupsAreColumnBlocksPerModality() {
        let model = AudioVisualModel(classCount: 6, width: 0.125, seed: 1)
        let groups = model.fusion.maskableGroups

        XCTAssertEqual(groups.count, 2)
        for (m, group) in groups.enumerated() {
            XCTAssertEqual(group.modality, m)
            XCTAssertTrue(group.parameter === model.fusion.weight)
            guard case let .columnBlock(rows, columns, start, count) = group.layout else {
                return XCTFail("fusion groups are column blocks")
            }
            XCTAssertEqual([rows, columns, start, count], [6, 128, 64 * m, 64])
        }
        XCTAssertEqual(model.maskableGroups.count, 16 + 16 + 2)
        XCTAssertEqual(model.parameters.count, 60 + 60 + 2)
    }
}
