import Foundation
import Models
import XCTest

/// ResNet50 loading a torchvision-layout safetensors file (F16 weights, I64
/// num_batches_tracked, an fc to ignore) against the PyTorch features of
/// tools/ref/resnet50_fixtures.py, width 1/16.
///
/// Tolerance 1e-4·max|ref|: the eval features and gradients are float32 sums of ≤ 300 terms
/// per layer (PyTorch's own float32 errors ≤ 3e-6); in train mode the batch statistics of
/// layer4 come from only 8 values per channel, which amplifies rounding (PyTorch's own float32
/// error 2.7e-5).
final class ResNet50Tests: XCTestCase {
    let tolerance = 1e-4

    private var weightsPath: String {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/resnet50.safetensors").path
    }

    /// Eval features and every parameter gradient of sum(features·dy), then train features.
    func testFeaturesAndGradientsMatchTorch() throws {
        let fixture = try Fixture("resnet50")
        let encoder = try ResNet50(weights: weightsPath, width: 1 / 16, modality: 1)
        XCTAssertEqual(encoder.stageWidths, [4, 8, 16, 32])
        XCTAssertEqual(encoder.featureCount, 128)

        let evalError = assertClose(encoder.forward(fixture.tensor("x"), training: false),
                                    fixture.tensor("eval"), tolerance: tolerance, "eval")
        encoder.backward(fixture.tensor("dy"))
        var gradientError = 0.0
        for parameter in encoder.parameters {
            let key = "grad." + parameter.name.dropFirst("image.".count)
            gradientError = max(gradientError, assertClose(
                Tensor(shape: parameter.shape, data: parameter.grad), fixture.tensor(key),
                tolerance: tolerance, key))
        }
        let trainError = assertClose(encoder.forward(fixture.tensor("x"), training: true),
                                     fixture.tensor("train"), tolerance: tolerance, "train")
        print("ResNet-50 scaled errors: eval \(evalError), train \(trainError), "
              + "gradients ≤ \(gradientError)")
    }

    /// Full width: torchvision's shapes (25 557 032 parameters with fc; 23 508 032 without),
    /// 16 blocks × 3 maskable convolutions, and a backward pass reaching the stem.
    func testFullWidthShapesAndBackward() {
        let encoder = ResNet50(seed: 3)
        XCTAssertEqual(encoder.featureCount, 2048)
        XCTAssertEqual(encoder.parameters.reduce(0) { $0 + $1.count }, 23_508_032)
        XCTAssertEqual(encoder.maskableGroups.count, 48)
        XCTAssertEqual(encoder.parameters.first?.name, "image.conv1.weight")
        XCTAssertTrue(encoder.parameters.contains { $0.name == "image.layer4.2.conv3.weight" })

        let small = ResNet50(width: 1 / 16, seed: 3)
        var generator = SeededGenerator(seed: 8)
        let x = Tensor(shape: [2, 3, 32, 32], data: (0..<(2 * 3 * 32 * 32)).map { _ in
            generator.nextNormal()
        })
        _ = small.forward(x, training: true)
        small.backward(Tensor(shape: [2, 128], data: [Float](repeating: 1, count: 256)))
        let stemGradient = small.parameters[0].grad.map { abs($0) }.max() ?? 0
        XCTAssertGreaterThan(stemGradient, 0)
        XCTAssertTrue(small.parameters.allSatisfy { $0.grad.allSatisfy(\.isFinite) })
    }

    /// A width that does not fit the file is a shape error naming the file and the tensor.
    func testWrongWidthNamesTheTensor() {
        XCTAssertThrowsError(try ResNet50(weights: weightsPath, width: 1 / 8)) {
            XCTAssertEqual($0 as? WeightsError, .shapeMismatch(
                path: weightsPath, name: "conv1.weight", expected: [8, 3, 7, 7],
                found: [4, 3, 7, 7]))
        }
    }
}
