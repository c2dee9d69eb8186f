import Models
import Tensor
import XCTest

/// Properties of the model that need no reference tool: determinism, time averaging,
/// checkpoint buffers, real input shapes and that SGD on the model lowers the loss.
final class ModelBehaviourTests: XCTestCase {
    private func randomTensor(_ shape: [Int], seed: UInt64) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in
            generator.nextNormal()
        })
    }

    func testSameSeedGivesTheSameModelAndOutputs() throws {
        let first = AudioVisualModel(classCount: 4, width: 1.0 / 16, seed: 11)
        let second = AudioVisualModel(classCount: 4, width: 1.0 / 16, seed: 11)
        let other = AudioVisualModel(classCount: 4, width: 1.0 / 16, seed: 12)
        XCTAssertEqual(first.parameters.map(\.value), second.parameters.map(\.value))
        XCTAssertNotEqual(first.parameters[0].value, other.parameters[0].value)
        XCTAssertNotEqual(first.audio.parameters[0].value, first.visual.parameters[0].value)

        let audio = randomTensor([2, 1, 40, 36], seed: 1)
        let frames = randomTensor([2, 3, 40, 40], seed: 2)
        let a = try first.forward(audio: audio, frames: frames, framesPerClip: 1, training: true)
        let b = try second.forward(audio: audio, frames: frames, framesPerClip: 1, training: true)
        XCTAssertEqual(a.logits.data, b.logits.data, "bit-identical for the same seed")
    }

    func testFramesAreAveragedOverEachClip() throws {
        // Clip features are the mean of its frames' features: in evaluation mode (fixed BN
        // statistics, so images do not interact) clip b of [x0, x1] equals the mean of the
        // features of x0 and of x1 encoded alone.
        let model = AudioVisualModel(classCount: 3, width: 1.0 / 16, seed: 4)
        let audio = randomTensor([1, 1, 40, 36], seed: 5)
        let frames = randomTensor([2, 3, 40, 40], seed: 6)
        let clip = try model.forward(audio: audio, frames: frames, framesPerClip: 2,
                                 training: false)
        let perFrame = try model.forward(audio: Tensor(shape: [2, 1, 40, 36],
                                                   data: audio.data + audio.data),
                                     frames: frames, framesPerClip: 1, training: false)

        let width = model.visual.featureCount
        let mean = (0..<width).map { k in
            (perFrame.features[1].data[k] + perFrame.features[1].data[width + k]) / 2
        }
        XCTAssertEqual(clip.features[1].shape, [1, width])
        XCTAssertLessThanOrEqual(scaledError(clip.features[1].data, mean), 1e-6)
        XCTAssertEqual(clip.logits.shape, [1, 3])
    }

    func testUnimodalLogitsSumToTheFusedLogits() throws {
        // W·[fa; fv] + b = (Wa·fa + b/2) + (Wv·fv + b/2).
        let model = AudioVisualModel(classCount: 5, width: 1.0 / 16, seed: 8)
        let output = try model.forward(audio: randomTensor([3, 1, 40, 36], seed: 1),
                                   frames: randomTensor([3, 3, 40, 40], seed: 2),
                                   framesPerClip: 1, training: true)
        let sum = zip(output.unimodal[0].data, output.unimodal[1].data).map { $0 + $1 }
        XCTAssertLessThanOrEqual(scaledError(sum, output.logits.data), 1e-6)
    }

    func testBuffersRoundTripAndRejectMismatches() throws {
        let source = ResNet18(name: "audio", inputChannels: 1, width: 1.0 / 16, modality: 0,
                              seed: 1)
        _ = source.forward(randomTensor([2, 1, 40, 36], seed: 3), training: true)
        let target = ResNet18(name: "audio", inputChannels: 1, width: 1.0 / 16, modality: 0,
                              seed: 1)
        XCTAssertNotEqual(target.buffers, source.buffers)
        // 20 BN layers (stem, 8 blocks × 2, 3 downsample) × mean and variance.
        XCTAssertEqual(source.buffers.count, 40)

        try target.loadBuffers(source.buffers)
        XCTAssertEqual(target.buffers, source.buffers)

        var broken = source.buffers
        broken["audio.layer1.0.bn1.running_var"] = [1, 2]
        XCTAssertThrowsError(try target.loadBuffers(broken)) { error in
            XCTAssertTrue("\(error)".contains("audio.layer1.0.bn1.running_var"), "\(error)")
        }
        broken.removeValue(forKey: "audio.layer1.0.bn1.running_var")
        XCTAssertThrowsError(try target.loadBuffers(broken))
    }

    func testRealInputShapesGiveFeatureVectors() throws {
        // CREMA-D spectrograms [1, 257, 188] and 224×224 frames.
        let model = AudioVisualModel(classCount: 6, width: 1.0 / 16, seed: 1)
        let output = try model.forward(audio: randomTensor([1, 1, 257, 188], seed: 1),
                                   frames: randomTensor([2, 3, 224, 224], seed: 2),
                                   framesPerClip: 2, training: true)
        XCTAssertEqual(output.features.map(\.shape), [[1, 32], [1, 32]])
        XCTAssertEqual(output.logits.shape, [1, 6])
        XCTAssertTrue(output.logits.data.allSatisfy(\.isFinite))
    }

    func testSGDStepsLowerTheLossOnAFixedBatch() throws {
        // Fitting 8 clips with 3 classes: 15 steps of SGD (lr 0.05, momentum 0.9) must cut the
        // fused cross-entropy well below its starting value near ln 3 = 1.10.
        let model = AudioVisualModel(classCount: 3, width: 1.0 / 16, seed: 21)
        let optimizer = SGD(parameters: model.parameters, learningRate: 0.05, momentum: 0.9,
                            weightDecay: 1e-4)
        let audio = randomTensor([8, 1, 40, 36], seed: 31)
        let frames = randomTensor([8, 3, 40, 40], seed: 32)
        let labels = [0, 1, 2, 0, 1, 2, 0, 1]

        var losses: [Float] = []
        for _ in 0..<15 {
            optimizer.zeroGrad()
            let output = try model.forward(audio: audio, frames: frames, framesPerClip: 1,
                                       training: true)
            let (loss, grad) = CrossEntropy.forward(logits: output.logits, labels: labels)
            model.backward(gradLogits: grad)
            optimizer.step()
            losses.append(loss)
        }
        XCTAssertLessThan(losses.last ?? .infinity, 0.5 * losses[0], "losses \(losses)")
    }
}
