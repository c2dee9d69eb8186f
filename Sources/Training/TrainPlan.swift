import Models
import Rebalance
import Tensor

/// The checked, typed form of `TrainOptions`: what a run trains and how it treats gradients.
public struct TrainPlan: Sendable {
    /// The method.
    public let method: TrainingMethod
    /// The modality of `unimodal`'s encoder, by name; nil for the other methods.
    public let modalityName: String?
    /// How AMSS / AMSS+ score units.
    public let importance: UnitImportance
    /// How AMSS / AMSS+ draw units.
    public let sampler: UnitSampler
    /// The exact-probability design replacing the sampler, or nil.
    public let unbiased: UnbiasedDesign?
    /// Whether AMSS / AMSS+ mask the encoders' convolution filters.
    public let masksBackbone: Bool
    /// Whether AMSS / AMSS+ mask the fusion layer's column blocks.
    public let masksFusion: Bool
    /// The OGM / OGM-GE modulation, for those methods.
    public let modulation: OGMModulation?
    /// The epochs (from 1, inclusive) in which OGM modulates.
    public let modulationEpochs: ClosedRange<Int>
    /// Reproduce every reference behaviour of `referenceBehaviours`.
    public let compat: Bool

    // LIMITATION: compat reproduces the reference's fusion-layer masking for concat fusion only
    // — its code masks just a layer named fc_out, so it leaves a sum fusion unmasked and splits
    // FiLM's or gated fusion's output layer as if it were concat's; here sum, FiLM and gated
    // fusions are masked by modality block under compat as well.

    /// What `--compat reference` changes, as recorded in `config.json` (its audio–visual code,
    /// for every model that is not image + text).
    public static let referenceBehaviours = [
        "label entropy H_Y as CrossEntropy(p, p) = logsumexp(p) - sum(p^2)",
        "keep-ratio softmax with naive float32 exp (overflow gives the neutral ratio 0.5)",
        "keep ratios clamped to the float32 values of 0.1 and 0.9",
        "fusion rows keep int(N*rho) columns instead of ceil(N*rho - 1e-9)",
        "fusion-layer masks computed but not applied",
        indexFusionWeights, adaptiveOnlyWeights, topkFusionRows,
        "best epoch chosen on the test split even when a valid split exists",
    ]

    /// What `--compat reference` changes on an image + text model (the reference's image–text
    /// code, `ImageTextReference`), as recorded in `config.json`.
    public static let imageTextReferenceBehaviours = [
        "label entropy H_Y in bits, -sum(p * log2(p + 1e-8))",
        "keep ratios from t_m = (s_m + H_Y) / T: no offset c, no division by H_m",
        "rho_m = clamp(softmax(t)_m): each modality keeps its own share, the dominant one more "
            + "(the reference's swapped uni-modal logits); no keep-ratio bias",
        "every ratio 0.5 when s_image + H_Y + 0.5 < 0 or s_text + H_Y + 0.5 <= 0",
        "keep-ratio softmax with naive float32 exp (overflow gives the neutral ratio 0.5)",
        "keep ratios clamped to the float32 values of 0.1 and 0.9",
        biasedWeights, blockShareWeights,
        "attention-head scores sum the importance of each element (gn_wn, sqrt_gn)",
        "best epoch chosen on the test split even when a valid split exists",
    ]

    /// The default of `--bias` under compat on image + text data: the AMSS+ weight bias of the
    /// reference's published image–text runs.
    public static let imageTextWeightBias = ImageTextReference.publishedWeightBias

    /// Whether `modalities` are exactly one picture modality and one text modality, on which
    /// compat reproduces the reference's image–text code.
    public static func holdsImageAndText(_ modalities: [ModalitySpec]) -> Bool {
        imageTextReference(modalities: modalities, weightBias: 0) != nil
    }

    /// The image and text modalities of `modalities` when they are exactly one picture
    /// modality (`frames`) and one `tokens` modality, with AMSS+ weight bias `weightBias`.
    public static func imageTextReference(modalities: [ModalitySpec],
                                          weightBias: Double) -> ImageTextReference? {
        guard modalities.count == 2,
              let image = modalities.firstIndex(where: { $0.kind == .frames }),
              let text = modalities.firstIndex(where: { $0.kind == .tokens }) else { return nil }
        return ImageTextReference(image: image, text: text, weightBias: weightBias)
    }

    /// Under compat on an image + text model, the reference's image–text code to reproduce
    /// (its AMSS+ weight bias is `options.bias`); nil otherwise.
    public func imageText(modalities: [ModalitySpec],
                          options: TrainOptions) -> ImageTextReference? {
        compat ? Self.imageTextReference(modalities: modalities, weightBias: options.bias) : nil
    }

    /// The keep-ratio rule in effect, as recorded in `config.json`: `paper` (METHOD.md §2),
    /// `reference` (its audio–visual numerics) or `reference-image-text`.
    public func keepRatioVariant(modalities: [ModalitySpec]) -> String {
        guard compat else { return "paper" }
        return Self.holdsImageAndText(modalities) ? "reference-image-text" : "reference"
    }

    /// The reference behaviours this plan turns on over `modalities` (empty without compat).
    /// With an `unbiased` design its draws and 1/π weights replace the reference's sampler and
    /// AMSS+ weight behaviours (`samplerBehaviours`), which are then not listed.
    public func referenceBehaviours(modalities: [ModalitySpec]) -> [String] {
        guard compat else { return [] }
        let imageText = Self.holdsImageAndText(modalities)
        let behaviours = imageText ? Self.imageTextReferenceBehaviours : Self.referenceBehaviours
        guard let design = unbiased else { return behaviours }
        return behaviours.filter { !Self.samplerBehaviours.contains($0) }
            + ["units drawn by the \(design.rawValue) design with AMSS+ weights 1/π (--unbiased) "
               + "instead of the reference's sampler and weights"
               + (imageText ? "; the weight bias --bias is unused" : "")]
    }

    /// The reference behaviours of the unit draws and AMSS+ weights, which an unbiased design
    /// replaces.
    static let samplerBehaviours: Set<String> = [
        indexFusionWeights, adaptiveOnlyWeights, topkFusionRows, biasedWeights, blockShareWeights,
    ]
    private static let indexFusionWeights =
        "AMSS+ fusion weights 1/(column index + 1/K) instead of 1/(q + 1/N)"
    private static let adaptiveOnlyWeights =
        "AMSS+ re-weights convolution filters only under the adaptive sampler"
    private static let topkFusionRows = "fusion rows drawn by top-k when the sampler is bernoulli"
    private static let biasedWeights =
        "AMSS+ weights 1/(q + 1/N + b) with b = --bias (default 0.2) under every sampler"
    private static let blockShareWeights =
        "AMSS+ fusion weights take q over the modality's whole column block and N = class rows"

    /// Checks and converts the options.
    ///
    /// - Throws: `TrainingError` (path: the run folder) naming the first invalid option.
    public init(_ options: TrainOptions) throws {
        func invalid(_ reason: String) -> TrainingError {
            TrainingError(path: options.out, reason: reason)
        }
        guard let method = TrainingMethod(rawValue: options.method) else {
            throw invalid("unknown method \(options.method) (\(TrainingMethod.names))")
        }
        guard let importance = UnitImportance(rawValue: options.importance) else {
            throw invalid("unknown importance \(options.importance) (gn, gn_wn, sqrt_gn)")
        }
        guard let sampler = UnitSampler(rawValue: options.sampler) else {
            throw invalid("unknown sampler \(options.sampler) (adaptive, topk, random, "
                          + "bernoulli)")
        }
        var unbiased: UnbiasedDesign?
        if let name = options.unbiased {
            guard let design = UnbiasedDesign(rawValue: name) else {
                throw invalid("unknown unbiased design \(name) (poisson, systematic)")
            }
            unbiased = design
        }

        var modality: String?
        if method == .unimodal {
            guard let name = options.modality, !name.isEmpty else {
                throw invalid("unimodal needs a modality (e.g. audio or visual), got none")
            }
            modality = name
        } else if let name = options.modality {
            throw invalid("a modality (\(name)) applies only to the unimodal method")
        }

        let targets = Set(options.mask)
        guard !targets.isEmpty, targets.isSubset(of: ["backbone", "fusion"]) else {
            throw invalid("mask must name backbone, fusion or both, got \(options.mask)")
        }
        guard let variant = OGMModulation.Variant(rawValue: options.ogmVariant) else {
            throw invalid("unknown OGM variant \(options.ogmVariant) (paper, code)")
        }
        guard options.alpha >= 0, options.alpha.isFinite,
              options.modulationStarts <= options.modulationEnds else {
            throw invalid("alpha must be a finite number ≥ 0 and modulation epochs a:b need "
                          + "a ≤ b (got \(options.alpha), \(options.modulationStarts):"
                          + "\(options.modulationEnds))")
        }

        guard ["sgd", "adam", "adamw"].contains(options.optimizer) else {
            throw invalid("unknown optimizer \(options.optimizer) (sgd, adam, adamw)")
        }
        guard ["step", "multistep", "cosine", "constant"].contains(options.scheduler) else {
            throw invalid("unknown scheduler \(options.scheduler) (step, multistep, cosine, "
                          + "constant)")
        }
        if let norm = options.clipNorm, !(norm > 0 && norm.isFinite) {
            throw invalid("clip norm must be a positive number, got \(norm)")
        }
        if let fraction = options.validFromTrain, !(fraction > 0 && fraction < 1) {
            throw invalid("valid-from-train must lie strictly between 0 and 1, got \(fraction)")
        }
        guard ["segments", "window"].contains(options.frameSampling) else {
            throw invalid("unknown frame sampling \(options.frameSampling) (segments, window)")
        }
        guard ["actor", "group", "none"].contains(options.groupBy) else {
            throw invalid("unknown group-by \(options.groupBy) (actor, group, none)")
        }

        self.method = method
        self.modalityName = modality
        self.importance = importance
        self.sampler = sampler
        self.unbiased = unbiased
        self.masksBackbone = targets.contains("backbone")
        self.masksFusion = targets.contains("fusion")
        self.modulation = method.modulates
            ? OGMModulation(alpha: options.alpha, addsNoise: method == .ogmGE, variant: variant)
            : nil
        self.modulationEpochs = options.modulationStarts...options.modulationEnds
        self.compat = options.compat
    }

    /// The optimizer the options name over `parameters`: SGD (momentum, weight decay,
    /// Nesterov), Adam or AdamW.
    public static func makeOptimizer(_ options: TrainOptions,
                                     parameters: [Parameter]) -> any Optimizer {
        switch options.optimizer {
        case "adam", "adamw":
            return Adam(parameters: parameters, learningRate: Float(options.learningRate),
                        beta1: Float(options.beta1), beta2: Float(options.beta2),
                        epsilon: Float(options.epsilon),
                        weightDecay: Float(options.weightDecay),
                        decoupled: options.optimizer == "adamw")
        default:
            return SGD(parameters: parameters, learningRate: Float(options.learningRate),
                       momentum: Float(options.momentum),
                       weightDecay: Float(options.weightDecay), nesterov: options.nesterov)
        }
    }

    /// The masked-subnetwork method of AMSS / AMSS+, or nil for the baselines.
    public var maskingMethod: RebalanceMethod? {
        switch method {
        case .amss: return .amss
        case .amssPlus: return .amssPlus
        case .joint, .unimodal, .ogm, .ogmGE: return nil
        }
    }

    /// The model this plan trains over `modalities` (`ModelFactory`), initialised from the
    /// options' seed.
    ///
    /// - Throws: `TrainingError` when an encoder or the head cannot be made.
    public func makeModel(modalities: [ModalitySpec], options: TrainOptions,
                          classCount: Int) throws -> MultimodalModel {
        try ModelFactory.make(modalities: modalities, plan: self, options: options,
                              classCount: classCount)
    }

    /// The groups AMSS / AMSS+ mask on `model` (empty for the baselines).
    public func maskedGroups(of model: MultimodalModel) -> [MaskableGroup] {
        guard maskingMethod != nil else { return [] }
        return (masksBackbone ? model.backboneGroups : [])
            + (masksFusion ? model.fusionGroups : [])
    }
}
