import Foundation
import Rebalance
import XCTest
@testable import Training

/// `--compat reference` on an image + text model reproduces the reference's image–text code
/// (`ImageTextReference`), and only there: the step is wired with it (the image and text
/// indices from the modality kinds, the AMSS+ weight bias from `--bias`), and `config.json`
/// names the keep-ratio variant and the behaviours in effect.
final class ImageTextCompatTests: XCTestCase {
    private func options(_ name: String, method: String = "amss+",
                         compat: Bool) -> TrainOptions {
        var options = TrainOptions(out: SyntheticClips.temporaryFolder(name))
        options.method = method
        options.epochs = 1
        options.batchSize = 16
        options.width = 1.0 / 16
        options.threads = 1
        options.temperature = 0.5
        options.bias = 0.2
        options.compat = compat
        options.maxBatchesPerEpoch = 2
        return options
    }

    private func step(_ data: TrainingData, _ options: TrainOptions) throws -> TrainingStep {
        let plan = try TrainPlan(options)
        let model = try plan.makeModel(modalities: data.modalities, options: options,
                                       classCount: data.classes.count)
        return TrainingStep(model: model, plan: plan, options: options,
                            classCount: data.classes.count, modalities: data.modalities)
    }

    func testStepUsesTheImageTextCodeOnlyUnderCompatOnImageAndText() throws {
        let captions = try SyntheticModalities.data(text: true)
        XCTAssertEqual(captions.modalities.map(\.kind), [.tokens, .frames])
        let wired = try step(captions, options("wired", compat: true)).imageText
        XCTAssertEqual(wired, ImageTextReference(image: 1, text: 0, weightBias: 0.2))
        XCTAssertNil(try step(captions, options("paper", compat: false)).imageText)

        // Audio and frames, and three picture modalities, keep the audio–visual compat.
        XCTAssertNil(try step(try SyntheticClips.data(), options("av", compat: true)).imageText)
        XCTAssertNil(try step(try SyntheticModalities.data(text: false),
                              options("gestures", compat: true)).imageText)
        // The image may come first.
        let swapped = Array(captions.modalities.reversed())
        XCTAssertEqual(TrainPlan.imageTextReference(modalities: swapped, weightBias: 0),
                       ImageTextReference(image: 0, text: 1, weightBias: 0))
    }

    /// Under compat on image + text, `bias` is the AMSS+ weight bias `b` of
    /// `1 / (q + 1/N + b)`: a negative `b` can make that weight negative (gradient ascent) or
    /// infinite (q + 1/N = −b), so the run is refused, naming the run folder; the same bias
    /// stays a keep-ratio bias elsewhere and is accepted there.
    func testNegativeWeightBiasIsRefusedUnderImageTextCompat() throws {
        let captions = try SyntheticModalities.data(text: true)
        var refused = options("negative-bias", compat: true)
        refused.bias = -0.3
        XCTAssertThrowsError(try Trainer(data: captions, options: refused)) { error in
            let failure = error as? TrainingError
            XCTAssertEqual(failure?.path, refused.out)
            XCTAssertTrue(failure?.reason.contains("-0.3") ?? false, "\(error)")
        }
        var paper = options("negative-keep-bias", compat: false)
        paper.bias = -0.3
        XCTAssertNoThrow(try Trainer(data: captions, options: paper))
        var audioVisual = options("negative-av-bias", compat: true)
        audioVisual.bias = -0.3
        XCTAssertNoThrow(try Trainer(data: try SyntheticClips.data(), options: audioVisual))
    }

    /// One short AMSS+ run each way: config.json records `keep_ratio_variant`
    /// (`reference-image-text` / `paper`) and the matching `reference_behaviours`; the
    /// logged keep ratios lie in [0.1, 0.9] (Float32 bounds) or are the fallback 0.5.
    func testConfigurationNamesTheVariantInEffect() throws {
        let data = try SyntheticModalities.data(text: true)
        for compat in [true, false] {
            let options = options("config-\(compat)", compat: compat)
            var epochs: [EpochMetrics] = []
            _ = try Trainer(data: data, options: options).run { epochs.append($0) }

            let config = try XCTUnwrap(try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: options.out + "/config.json")))
                as? [String: Any])
            XCTAssertEqual(config["keep_ratio_variant"] as? String,
                           compat ? "reference-image-text" : "paper")
            XCTAssertEqual(config["reference_behaviours"] as? [String],
                           compat ? TrainPlan.imageTextReferenceBehaviours : [])
            let decoded = try RunFolder(path: options.out, resuming: true).readConfiguration()
            XCTAssertEqual(decoded.keepRatioVariant, compat ? "reference-image-text" : "paper")

            let steps = try ["text", "visual"].map {
                try XCTUnwrap(epochs.first?.rhoSteps[$0])
            }
            XCTAssertEqual(steps[0].count, 2)
            let lower = compat ? Double(Float(0.1)) : 0.1
            let upper = compat ? Double(Float(0.9)) : 0.9
            for ratio in steps.joined() {
                XCTAssertTrue(ratio == 0.5 || (ratio >= lower && ratio <= upper), "\(ratio)")
            }
        }
    }
}
