import Dispatch
import Models
import Rebalance

/// One optimisation step, timed phase by phase.
///
/// Forward the model; estimate the keep ratios from the batch's uni-modal logits and features
/// (every multimodal method, so that ρ is logged for the baselines too); backward the fused
/// cross-entropy; mask (AMSS, AMSS+) or modulate (OGM, OGM-GE) the gradients; SGD update. The
/// "mask step" of METHOD.md — scores, ratios, sampling, masking — is the keep-ratio phase plus
/// the masking phase.
public final class TrainingStep {
    /// Wall-clock seconds of each phase of one step.
    public struct Timings: Sendable {
        /// Forward pass of every encoder and the head.
        public var forward = 0.0
        /// Keep-ratio estimation from uni-modal logits and features.
        public var keepRatios = 0.0
        /// Cross-entropy and the backward pass.
        public var backward = 0.0
        /// Unit scores, sampling and gradient masking (AMSS, AMSS+).
        public var masking = 0.0
        /// OGM / OGM-GE coefficients, scaling and noise.
        public var modulation = 0.0
        /// Gradient clipping and the optimizer update.
        public var update = 0.0

        /// Makes zero timings.
        public init() {}

        /// The mask step: keep ratios plus masking.
        public var maskStep: Double { keepRatios + masking }
        /// The whole step.
        public var total: Double { forward + keepRatios + backward + masking + modulation + update }
    }

    /// What one step measured.
    public struct Result: Sendable {
        /// The batch-mean fused cross-entropy.
        public var loss: Double
        /// Clips whose fused prediction was right.
        public var correct: Int
        /// Clips in the batch.
        public var count: Int
        /// `ρ_m` per modality of the model (empty for a single encoder).
        public var keepRatios: [Double]
        /// The OGM coefficients `k_m` applied, or nil when nothing was modulated.
        public var modulation: [Double]?
        /// The phases' durations.
        public var timings: Timings
    }

    /// The model being trained.
    public let model: MultimodalModel
    /// The optimizer.
    public let optimizer: any Optimizer
    /// The plan (method and gradient treatment).
    public let plan: TrainPlan

    /// Under compat on an image + text model, the reference's image–text code being
    /// reproduced (keep ratios and masking); nil otherwise.
    public let imageText: ImageTextReference?

    private let classCount: Int
    private let estimator: KeepRatioEstimator
    /// The unit sampler's owner (its generator state is saved in checkpoints).
    let masker: MaskedSubnetworkOptimizer<SeededGenerator>?
    private let groups: [MaskableGroup]
    private let convolutionWeights: [[Parameter]]
    private let clipNorm: Double?
    /// The OGM-GE noise generator (its state is saved in checkpoints).
    var noise: SeededGenerator

    /// Mixed into the seed of the unit samplers ("masker" in ASCII) so that their draws are
    /// not the model initialisation's.
    static let maskerSeedSalt: UInt64 = 0x6D61_736B_6572
    /// Mixed into the seed of the OGM-GE noise ("noise" in ASCII).
    static let noiseSeedSalt: UInt64 = 0x6E_6F69_7365

    /// Prepares steps of `plan` on `model`, with the SGD settings and seed of `options`.
    ///
    /// `modalities` are the model's, in order; their kinds tell an image + text model, on
    /// which compat reproduces the reference's image–text code (`TrainPlan.imageText`).
    public init(model: MultimodalModel, plan: TrainPlan, options: TrainOptions,
                classCount: Int, modalities: [ModalitySpec] = []) {
        self.model = model
        self.plan = plan
        self.classCount = classCount
        optimizer = TrainPlan.makeOptimizer(options, parameters: model.parameters)
        clipNorm = options.clipNorm
        let imageText = plan.imageText(modalities: modalities, options: options)
        self.imageText = imageText
        estimator = KeepRatioEstimator(temperature: options.temperature, bias: options.bias,
                                       compat: plan.compat, imageText: imageText)
        masker = plan.maskingMethod.map {
            MaskedSubnetworkOptimizer(method: $0, importance: plan.importance,
                                      sampler: plan.sampler, compat: plan.compat,
                                      imageText: imageText, unbiased: plan.unbiased,
                                      generator: SeededGenerator(seed: options.seed
                                                                 ^ Self.maskerSeedSalt))
        }
        groups = plan.maskedGroups(of: model)
        convolutionWeights = model.convolutionWeights
        noise = SeededGenerator(seed: options.seed ^ Self.noiseSeedSalt)
    }

    /// Trains on one batch.
    ///
    /// - Parameters:
    ///   - batch: the clips.
    ///   - epoch: the epoch (from 1), which decides whether OGM modulates.
    /// - Throws: `TrainingError` when masking or modulation rejects the model's groups.
    public func run(_ batch: ClipBatch, epoch: Int) throws -> Result {
        var timings = Timings()
        var clock = DispatchTime.now().uptimeNanoseconds
        func lap() -> Double {
            let now = DispatchTime.now().uptimeNanoseconds
            defer { clock = now }
            return Double(now - clock) * 1e-9
        }

        optimizer.zeroGrad()
        let output: MultimodalModel.Output
        do {
            output = try model.forward(batch.inputs, training: true)
        } catch {
            throw TrainingError(path: "forward", reason: "\(error)")
        }
        timings.forward = lap()

        var ratios: [Double] = []
        if output.unimodal.count >= 2 {
            ratios = estimator.estimate(
                logits: output.unimodal.map(\.data), features: output.features.map(\.data),
                featureCounts: output.features.map { $0.shape.last ?? 0 },
                labels: batch.labels, classCount: classCount).ratios
        }
        timings.keepRatios = lap()

        let lossStarted = LayerProfile.start()
        let (loss, gradient) = CrossEntropy.forward(logits: output.logits, labels: batch.labels)
        LayerProfile.stop("cross_entropy", lossStarted)
        model.backward(gradLogits: gradient)
        timings.backward = lap()

        if let masker {
            do {
                try masker.apply(groups: groups, keepRatios: ratios)
            } catch {
                throw TrainingError(path: "masking", reason: "\(error)")
            }
        }
        timings.masking = lap()

        var applied: [Double]?
        if let modulation = plan.modulation, plan.modulationEpochs.contains(epoch) {
            do {
                let coefficients = try modulation.coefficients(
                    logits: output.unimodal.map(\.data), labels: batch.labels,
                    classCount: classCount)
                modulation.apply(coefficients: coefficients.coefficients,
                                 to: convolutionWeights, using: &noise)
                applied = coefficients.coefficients
            } catch {
                throw TrainingError(path: "modulation", reason: "\(error)")
            }
        }
        timings.modulation = lap()

        let updateStarted = LayerProfile.start()
        if let clipNorm { GradientClipping.clip(model.parameters, maxNorm: clipNorm) }
        optimizer.step()
        LayerProfile.stop("optimizer", updateStarted)
        timings.update = lap()

        return Result(loss: Double(loss),
                      correct: Evaluation.correctCount(output.logits, labels: batch.labels),
                      count: batch.count, keepRatios: ratios, modulation: applied,
                      timings: timings)
    }
}
