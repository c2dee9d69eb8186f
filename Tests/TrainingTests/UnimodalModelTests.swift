import Foundation
import Models
import XCTest
@testable import Training

/// The single-encoder baseline model: same encoder weights as the audio–visual model of the same
/// seed, gradients against central finite differences, checkpoint round trip.
final class UnimodalModelTests: XCTestCase {
    private func input(_ shape: [Int], seed: UInt64) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in
            generator.nextNormal()
        })
    }

    func testEncoderStartsFromTheAudioVisualModelsWeights() {
        let pair = AudioVisualModel(classCount: 3, width: 1.0 / 16, seed: 9)
        for (modality, encoder) in [(0, pair.audio), (1, pair.visual)] {
            let single = UnimodalModel(modality: modality, classCount: 3, width: 1.0 / 16, seed: 9)
            XCTAssertEqual(single.encoder.parameters.map(\.value), encoder.parameters.map(\.value))
            XCTAssertEqual(single.head.featureCounts, [encoder.featureCount])
            XCTAssertEqual(single.modalities, [modality])
        }
    }

    /// d(loss)/dθ for the head bias, a head weight and the stem convolution's first weight,
    /// against central differences with h = 1e-3 (training-mode forward, Float32 loss, inputs of
    /// 48×40 and 48×48 so that batch normalization stays smooth): within 2 % + 1e-4. The visual
    /// model uses two frames per clip, so the time averaging is checked.
    func testGradientsMatchFiniteDifferences() throws {
        let labels = [0, 2, 1, 1]
        for modality in [0, 1] {
            let model = UnimodalModel(modality: modality, classCount: 3, width: 1.0 / 16, seed: 4)
            let audio = input([4, 1, 48, 40], seed: 1)
            let frames = input([8, 3, 48, 48], seed: 2)
            func loss() throws -> Double {
                let output = try model.forward(audio: audio, frames: frames, framesPerClip: 2,
                                           training: true)
                return Double(CrossEntropy.forward(logits: output.logits, labels: labels).loss)
            }

            model.parameters.forEach { $0.zeroGrad() }
            let output = try model.forward(audio: audio, frames: frames, framesPerClip: 2,
                                       training: true)
            XCTAssertEqual(output.unimodal[0].data, output.logits.data)
            model.backward(gradLogits: CrossEntropy.forward(logits: output.logits,
                                                            labels: labels).grad)

            let stem = try XCTUnwrap(model.encoder.parameters.first)
            let probes = [(model.fusion.bias, 0), (model.fusion.weight, 5), (stem, 0)]
            for (parameter, index) in probes {
                let analytic = Double(parameter.grad[index])
                let original = parameter.value[index]
                parameter.value[index] = original + 1e-3
                let up = try loss()
                parameter.value[index] = original - 1e-3
                let down = try loss()
                parameter.value[index] = original
                let numeric = (up - down) / 2e-3
                print("modality \(modality) \(parameter.name)[\(index)]: analytic \(analytic), "
                      + "central difference \(numeric)")
                XCTAssertEqual(analytic, numeric, accuracy: 0.02 * abs(numeric) + 1e-4,
                               "modality \(modality) \(parameter.name)[\(index)]")
            }
        }
    }

    func testCheckpointRoundTrip() throws {
        let model = UnimodalModel(modality: 1, classCount: 3, width: 1.0 / 32, seed: 5)
        let folder = SyntheticClips.temporaryFolder("uni-ckpt")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/best.ckpt"
        try Checkpoint(model: model, epoch: 1, selectionSplit: "test", selectionAccuracy: 1,
                       classes: ["a", "b", "c"], configKey: "k", options: TrainOptions(out: "o"))
            .write(to: path)
        let other = UnimodalModel(modality: 1, classCount: 3, width: 1.0 / 32, seed: 6)
        try Checkpoint.read(from: path).load(into: other, path: path)
        XCTAssertEqual(other.parameters.map(\.value), model.parameters.map(\.value))
        XCTAssertEqual(other.encoder.buffers, model.encoder.buffers)
        let pair = AudioVisualModel(classCount: 3, width: 1.0 / 32, seed: 6)
        XCTAssertThrowsError(try Checkpoint.read(from: path).load(into: pair, path: path))
    }
}
