import Foundation
import Models
import XCTest
@testable import Training

/// Options → plan: methods, modality, mask targets, OGM settings, compat, and config.json.
final class TrainPlanTests: XCTestCase {
    private func options(_ configure: (inout TrainOptions) -> Void) -> TrainOptions {
        var options = TrainOptions(out: SyntheticClips.temporaryFolder("plan"))
        configure(&options)
        return options
    }

    func testMethodsMapToModelsAndTreatments() throws {
        for method in TrainingMethod.allCases {
            let plan = try TrainPlan(options {
                $0.method = method.rawValue
                if method == .unimodal { $0.modality = "visual" }
            })
            XCTAssertEqual(plan.method, method)
            let model = try plan.makeModel(
                modalities: [.audio([16, 16]), .visual(slots: 1, frame: [16, 16])],
                options: options { $0.width = 1.0 / 16; $0.seed = 3 }, classCount: 4)
            XCTAssertEqual(model.modalities, method == .unimodal ? [1] : [0, 1], method.rawValue)
            XCTAssertEqual(plan.modulation != nil, method == .ogm || method == .ogmGE)
            XCTAssertEqual(plan.modulation?.addsNoise, method == .ogmGE ? true
                           : method == .ogm ? false : nil)
            let masked = plan.maskedGroups(of: model)
            XCTAssertEqual(masked.isEmpty, !(method == .amss || method == .amssPlus))
        }
    }

    /// `--mask fusion` masks only the fusion column blocks, `--mask backbone` only the encoder
    /// convolutions; both by default.
    func testMaskTargets() throws {
        let model = AudioVisualModel(classCount: 4, width: 1.0 / 16, seed: 1)
        let fusionOnly = try TrainPlan(options { $0.mask = ["fusion"] })
        XCTAssertEqual(fusionOnly.maskedGroups(of: model).map(\.parameter.name),
                       ["fusion.weight", "fusion.weight"])
        let backboneOnly = try TrainPlan(options { $0.mask = ["backbone"] })
        XCTAssertEqual(backboneOnly.maskedGroups(of: model).count, 32)
        XCTAssertTrue(backboneOnly.maskedGroups(of: model).allSatisfy {
            $0.parameter.shape.count == 4
        })
        XCTAssertEqual(try TrainPlan(options { _ in }).maskedGroups(of: model).count, 34)
    }

    func testInvalidCombinationsAreTypedErrors() {
        let bad: [(String, (inout TrainOptions) -> Void)] = [
            ("unimodal", { $0.method = "unimodal" }),
            ("modality", { $0.method = "unimodal"; $0.modality = "" }),
            ("modality", { $0.modality = "audio" }),
            ("mask", { $0.mask = [] }),
            ("mask", { $0.mask = ["head"] }),
            ("variant", { $0.ogmVariant = "v2" }),
            ("alpha", { $0.alpha = -1 }),
            ("epochs", { $0.modulationStarts = 5; $0.modulationEnds = 4 }),
        ]
        for (word, change) in bad {
            XCTAssertThrowsError(try TrainPlan(options(change))) {
                XCTAssertTrue("\($0)".contains(word), "\($0) should mention \(word)")
            }
        }
    }

    /// A uni-modal baseline of a modality the data does not hold fails before training,
    /// naming the modality and the data's modalities.
    func testUnimodalOfAnAbsentModalityIsATypedError() throws {
        let data = try SyntheticClips.data()
        XCTAssertThrowsError(try Trainer(data: data, options: options {
            $0.method = "unimodal"
            $0.modality = "text"
        })) {
            XCTAssertTrue("\($0)".contains("text is not in the cache (it holds audio, visual)"),
                          "\($0)")
        }
    }

    /// config.json records every option (absent ones as null), the selection split and, under
    /// compat, the list of reference behaviours; without compat that list is empty.
    func testConfigurationRecordsEveryOption() throws {
        for compat in [false, true] {
            var options = TrainOptions(out: SyntheticClips.temporaryFolder("config-\(compat)"))
            options.method = "ogm-ge"
            options.epochs = 1
            options.batchSize = 32
            options.width = 1.0 / 16
            options.threads = 1
            options.alpha = 0.1
            options.modulationStarts = 2
            options.modulationEnds = 9
            options.ogmVariant = "code"
            options.compat = compat
            options.maxBatchesPerEpoch = 1
            let summary = try Trainer(data: try SyntheticClips.data(valid: 32), options: options)
                .run { _ in }
            XCTAssertEqual(summary.selectionSplit, compat ? "test" : "valid")

            let config = try XCTUnwrap(try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: options.out + "/config.json")))
                as? [String: Any])
            let saved = try XCTUnwrap(config["options"] as? [String: Any])
            let keys: Set = ["method", "modality", "epochs", "batch_size", "width", "seed",
                             "learning_rate", "momentum", "weight_decay", "step_epoch",
                             "step_gamma", "temperature", "bias", "compat", "mask", "alpha",
                             "modulation_starts", "modulation_ends", "ogm_variant",
                             "frames_per_clip", "threads", "max_batches_per_epoch", "out",
                             "importance", "sampler", "unbiased", "random_resized_crop",
                             "shuffle_buffer", "optimizer", "nesterov", "beta1", "beta2",
                             "epsilon", "scheduler", "milestones", "cosine_minimum",
                             "clip_norm", "valid_from_train", "group_by", "modalities",
                             "frame_sampling", "crop_size",
                             "fusion", "text_weights", "text_pooling", "image_weights"]
            XCTAssertEqual(Set(saved.keys), keys)
            XCTAssertTrue(saved["modality"] is NSNull)
            XCTAssertTrue(saved["unbiased"] is NSNull)
            XCTAssertTrue(saved["clip_norm"] is NSNull)
            XCTAssertEqual(saved["optimizer"] as? String, "sgd")
            XCTAssertEqual(saved["alpha"] as? Double, 0.1)
            XCTAssertEqual(saved["modulation_ends"] as? Int, 9)
            XCTAssertEqual(saved["ogm_variant"] as? String, "code")
            XCTAssertEqual(saved["mask"] as? [String], ["backbone", "fusion"])
            XCTAssertEqual(config["selection_split"] as? String, compat ? "test" : "valid")
            let behaviours = try XCTUnwrap(config["reference_behaviours"] as? [String])
            XCTAssertEqual(behaviours, compat ? TrainPlan.referenceBehaviours : [])
            let decoded = try JSONDecoder().decode(
                RunFolder.Configuration.self,
                from: Data(contentsOf: URL(fileURLWithPath: options.out + "/config.json")))
            XCTAssertEqual(decoded.options, options)
        }
    }

    /// With an exact design (`--unbiased`) the units are drawn by it and AMSS+ weighs them
    /// 1/π: the reference's sampler and weight behaviours are not in effect, so config.json
    /// does not list them, and says what replaces them; the others stay listed.
    func testUnbiasedDesignReplacesTheReferenceWeightBehaviours() throws {
        let replaced = [
            "AMSS+ fusion weights 1/(column index + 1/K) instead of 1/(q + 1/N)",
            "AMSS+ re-weights convolution filters only under the adaptive sampler",
            "fusion rows drawn by top-k when the sampler is bernoulli",
            "AMSS+ weights 1/(q + 1/N + b) with b = --bias (default 0.2) under every sampler",
            "AMSS+ fusion weights take q over the modality's whole column block and N = class rows",
        ]
        for modalities in [SyntheticModalities.gestureModalities,
                           SyntheticModalities.textImageModalities] {
            var options = TrainOptions(out: "run")
            options.method = "amss+"
            options.compat = true
            let sampled = try TrainPlan(options).referenceBehaviours(modalities: modalities)
            options.unbiased = "systematic"
            let exact = try TrainPlan(options).referenceBehaviours(modalities: modalities)

            XCTAssertTrue(exact.allSatisfy { !replaced.contains($0) }, "\(exact)")
            XCTAssertEqual(exact.dropLast(), sampled.filter { !replaced.contains($0) }[...])
            XCTAssertTrue(exact.last?.contains("1/π") ?? false, "\(exact)")
            XCTAssertEqual(sampled.filter(replaced.contains).count,
                           modalities.count == 2 ? 2 : 3)
        }
    }
}
