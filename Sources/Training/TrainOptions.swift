import Models

/// Everything that decides a training run; the defaults are the paper's audio–visual settings.
///
/// Encoded with snake_case keys (`config.json` of a run); decoding fills every missing key with
/// its default, so a partial JSON object is a valid configuration.
public struct TrainOptions: Codable, Equatable, Sendable {
    /// `joint`, `unimodal`, `ogm`, `ogm-ge`, `amss` or `amss+` (`TrainingMethod`).
    public var method: String = "amss"
    /// The encoder of `unimodal`, a modality name such as `audio` or `visual` (nil for the
    /// other methods).
    public var modality: String? = nil
    /// Passes over the training split.
    public var epochs = 80
    /// Clips per batch.
    public var batchSize = 64
    /// The ResNet-18 width multiplier (channels = max(1, round(64·w·2^stage))).
    public var width = 1.0
    /// Seeds the model, the data order, the augmentation and the unit samplers.
    public var seed: UInt64 = 42
    /// The SGD step size of the first epochs.
    public var learningRate = 0.01
    /// The SGD momentum factor.
    public var momentum = 0.9
    /// The SGD L2 penalty.
    public var weightDecay = 1e-4
    /// StepLR: the learning rate is multiplied by `stepGamma` every `stepEpoch` epochs.
    public var stepEpoch = 60
    /// StepLR factor.
    public var stepGamma = 0.1
    /// The keep-ratio temperature `T`.
    public var temperature = 0.2
    /// Added to every keep ratio before clamping; under `compat` on image + text data, the
    /// reference's AMSS+ weight bias `b` in `1 / (q + 1/N + b)` instead (`amss train` then
    /// defaults it to 0.2).
    public var bias = 0.0
    /// Reproduce the reference implementation (`--compat reference`): every behaviour listed
    /// by `TrainPlan.referenceBehaviours(modalities:)`.
    public var compat = false
    /// Which maskable groups AMSS / AMSS+ mask: `backbone` (encoder convolutions), `fusion`.
    public var mask = ["backbone", "fusion"]
    /// OGM / OGM-GE modulation strength α (0.8 for CREMA-D, 0.1 for VGGSound-like data).
    public var alpha = 0.8
    /// The first epoch (from 1, inclusive) with OGM modulation: the reference's epoch 0.
    public var modulationStarts = 1
    /// The last epoch (from 1, inclusive) with OGM modulation: the reference's epoch 50.
    public var modulationEnds = 51
    /// OGM behaviour where the paper and the reference code differ: `paper` or `code`.
    public var ogmVariant = "paper"
    /// Frames drawn per clip for the visual encoder.
    public var framesPerClip = 1
    /// BLAS threads.
    public var threads = 2
    /// Stop each training epoch after this many batches (nil: the whole split).
    public var maxBatchesPerEpoch: Int? = nil
    /// The run folder (config, metrics, checkpoint, summary).
    public var out: String
    /// Unit importance: `gn`, `gn_wn` or `sqrt_gn`.
    public var importance = "gn"
    /// Unit sampler: `adaptive`, `topk`, `random` or `bernoulli`.
    public var sampler = "adaptive"
    /// An exact-probability design replacing the sampler (`poisson` or `systematic`), or nil.
    public var unbiased: String? = nil
    /// Training-time RandomResizedCrop of the frames (scale 0.08–1, ratio 3/4–4/3).
    public var randomResizedCrop = true
    /// Clips held by the training shuffle buffer.
    public var shuffleBuffer = 256
    /// `sgd` (default), `adam` or `adamw`.
    public var optimizer = "sgd"
    /// Nesterov momentum for SGD.
    public var nesterov = false
    /// Adam / AdamW first-moment decay β₁.
    public var beta1 = 0.9
    /// Adam / AdamW second-moment decay β₂.
    public var beta2 = 0.999
    /// Adam / AdamW ε.
    public var epsilon = 1e-8
    /// `step` (StepLR, default), `multistep`, `cosine` or `constant`.
    public var scheduler = "step"
    /// MultiStepLR milestones: epochs (from 0, as PyTorch counts) after which the rate is
    /// multiplied by `stepGamma`.
    public var milestones: [Int] = []
    /// CosineAnnealingLR's floor η_min (its period is the number of epochs).
    public var cosineMinimum = 0.0
    /// Clip the gradients to this global L2 norm before every update (nil: no clipping).
    public var clipNorm: Double? = nil
    /// Carve this fraction of the training split off as a validation split when the cache has
    /// none (nil: select on test, as the reference does).
    public var validFromTrain: Double? = nil
    /// What the carved validation split is disjoint by: `actor` (CREMA-D: the id's first four
    /// characters), `group` (the manifest's group column) or `none` (clip by clip).
    public var groupBy = "actor"

    /// The modalities to train on, by name (nil: every modality of the cache).
    public var modalities: [String]? = nil
    /// The fusion head: `concat`, `sum`, `film` or `gated`.
    public var fusion = "concat"
    /// A HuggingFace BERT-architecture checkpoint folder for the text encoder (nil: a small
    /// encoder trained from scratch).
    public var textWeights: String? = nil
    /// How text features are pooled: `cls`, `pooler` or `mean` (`TextPooling`).
    public var textPooling = "cls"
    /// A safetensors file of torchvision ResNet-50 weights for the visual encoder (nil: a
    /// ResNet-18 trained from scratch).
    public var imageWeights: String? = nil

    /// How a clip's frames are picked: `segments` (one from each of `framesPerClip` equal
    /// segments) or `window` (consecutive frames at a random start).
    public var frameSampling = "segments"
    /// The side of the square pictures the encoders see (nil: the cached size): a random box
    /// resized to it while training, the centred box at evaluation.
    public var cropSize: Int? = nil

    /// Options with every default and the given run folder.
    public init(out: String) {
        self.out = out
    }

    enum CodingKeys: String, CodingKey {
        case method, epochs, width, seed, momentum, temperature, bias, compat, threads, out
        case importance, sampler, unbiased, modality, mask, alpha
        case modulationStarts = "modulation_starts"
        case modulationEnds = "modulation_ends"
        case ogmVariant = "ogm_variant"
        case batchSize = "batch_size"
        case learningRate = "learning_rate"
        case weightDecay = "weight_decay"
        case stepEpoch = "step_epoch"
        case stepGamma = "step_gamma"
        case framesPerClip = "frames_per_clip"
        case maxBatchesPerEpoch = "max_batches_per_epoch"
        case randomResizedCrop = "random_resized_crop"
        case shuffleBuffer = "shuffle_buffer"
        case optimizer, nesterov, beta1, beta2, epsilon, scheduler, milestones
        case cosineMinimum = "cosine_minimum"
        case clipNorm = "clip_norm"
        case validFromTrain = "valid_from_train"
        case groupBy = "group_by"
        case modalities, fusion
        case textWeights = "text_weights"
        case textPooling = "text_pooling"
        case imageWeights = "image_weights"
        case frameSampling = "frame_sampling"
        case cropSize = "crop_size"
    }

    /// Decodes options, taking the default for every key that is absent.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(out: try c.decodeIfPresent(String.self, forKey: .out) ?? "")
        method = try c.decodeIfPresent(String.self, forKey: .method) ?? method
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? epochs
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? batchSize
        width = try c.decodeIfPresent(Double.self, forKey: .width) ?? width
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? seed
        learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? learningRate
        momentum = try c.decodeIfPresent(Double.self, forKey: .momentum) ?? momentum
        weightDecay = try c.decodeIfPresent(Double.self, forKey: .weightDecay) ?? weightDecay
        stepEpoch = try c.decodeIfPresent(Int.self, forKey: .stepEpoch) ?? stepEpoch
        stepGamma = try c.decodeIfPresent(Double.self, forKey: .stepGamma) ?? stepGamma
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature) ?? temperature
        bias = try c.decodeIfPresent(Double.self, forKey: .bias) ?? bias
        compat = try c.decodeIfPresent(Bool.self, forKey: .compat) ?? compat
        framesPerClip = try c.decodeIfPresent(Int.self, forKey: .framesPerClip) ?? framesPerClip
        threads = try c.decodeIfPresent(Int.self, forKey: .threads) ?? threads
        maxBatchesPerEpoch = try c.decodeIfPresent(Int.self, forKey: .maxBatchesPerEpoch)
        importance = try c.decodeIfPresent(String.self, forKey: .importance) ?? importance
        sampler = try c.decodeIfPresent(String.self, forKey: .sampler) ?? sampler
        unbiased = try c.decodeIfPresent(String.self, forKey: .unbiased)
        modality = try c.decodeIfPresent(String.self, forKey: .modality)
        mask = try c.decodeIfPresent([String].self, forKey: .mask) ?? mask
        alpha = try c.decodeIfPresent(Double.self, forKey: .alpha) ?? alpha
        modulationStarts = try c.decodeIfPresent(Int.self, forKey: .modulationStarts)
            ?? modulationStarts
        modulationEnds = try c.decodeIfPresent(Int.self, forKey: .modulationEnds)
            ?? modulationEnds
        ogmVariant = try c.decodeIfPresent(String.self, forKey: .ogmVariant) ?? ogmVariant
        randomResizedCrop = try c.decodeIfPresent(Bool.self, forKey: .randomResizedCrop)
            ?? randomResizedCrop
        shuffleBuffer = try c.decodeIfPresent(Int.self, forKey: .shuffleBuffer) ?? shuffleBuffer
        optimizer = try c.decodeIfPresent(String.self, forKey: .optimizer) ?? optimizer
        nesterov = try c.decodeIfPresent(Bool.self, forKey: .nesterov) ?? nesterov
        beta1 = try c.decodeIfPresent(Double.self, forKey: .beta1) ?? beta1
        beta2 = try c.decodeIfPresent(Double.self, forKey: .beta2) ?? beta2
        epsilon = try c.decodeIfPresent(Double.self, forKey: .epsilon) ?? epsilon
        scheduler = try c.decodeIfPresent(String.self, forKey: .scheduler) ?? scheduler
        milestones = try c.decodeIfPresent([Int].self, forKey: .milestones) ?? milestones
        cosineMinimum = try c.decodeIfPresent(Double.self, forKey: .cosineMinimum)
            ?? cosineMinimum
        clipNorm = try c.decodeIfPresent(Double.self, forKey: .clipNorm)
        validFromTrain = try c.decodeIfPresent(Double.self, forKey: .validFromTrain)
        groupBy = try c.decodeIfPresent(String.self, forKey: .groupBy) ?? groupBy
        modalities = try c.decodeIfPresent([String].self, forKey: .modalities)
        fusion = try c.decodeIfPresent(String.self, forKey: .fusion) ?? fusion
        textWeights = try c.decodeIfPresent(String.self, forKey: .textWeights)
        textPooling = try c.decodeIfPresent(String.self, forKey: .textPooling) ?? textPooling
        imageWeights = try c.decodeIfPresent(String.self, forKey: .imageWeights)
        frameSampling = try c.decodeIfPresent(String.self, forKey: .frameSampling)
            ?? frameSampling
        cropSize = try c.decodeIfPresent(Int.self, forKey: .cropSize)
    }

    /// Encodes every option, absent optional ones as `null`, so `config.json` lists them all.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(method, forKey: .method)
        try c.encode(modality, forKey: .modality)
        try c.encode(epochs, forKey: .epochs)
        try c.encode(batchSize, forKey: .batchSize)
        try c.encode(width, forKey: .width)
        try c.encode(seed, forKey: .seed)
        try c.encode(learningRate, forKey: .learningRate)
        try c.encode(momentum, forKey: .momentum)
        try c.encode(weightDecay, forKey: .weightDecay)
        try c.encode(stepEpoch, forKey: .stepEpoch)
        try c.encode(stepGamma, forKey: .stepGamma)
        try c.encode(temperature, forKey: .temperature)
        try c.encode(bias, forKey: .bias)
        try c.encode(compat, forKey: .compat)
        try c.encode(mask, forKey: .mask)
        try c.encode(alpha, forKey: .alpha)
        try c.encode(modulationStarts, forKey: .modulationStarts)
        try c.encode(modulationEnds, forKey: .modulationEnds)
        try c.encode(ogmVariant, forKey: .ogmVariant)
        try c.encode(framesPerClip, forKey: .framesPerClip)
        try c.encode(threads, forKey: .threads)
        try c.encode(maxBatchesPerEpoch, forKey: .maxBatchesPerEpoch)
        try c.encode(out, forKey: .out)
        try c.encode(importance, forKey: .importance)
        try c.encode(sampler, forKey: .sampler)
        try c.encode(unbiased, forKey: .unbiased)
        try c.encode(randomResizedCrop, forKey: .randomResizedCrop)
        try c.encode(shuffleBuffer, forKey: .shuffleBuffer)
        try c.encode(optimizer, forKey: .optimizer)
        try c.encode(nesterov, forKey: .nesterov)
        try c.encode(beta1, forKey: .beta1)
        try c.encode(beta2, forKey: .beta2)
        try c.encode(epsilon, forKey: .epsilon)
        try c.encode(scheduler, forKey: .scheduler)
        try c.encode(milestones, forKey: .milestones)
        try c.encode(cosineMinimum, forKey: .cosineMinimum)
        try c.encode(clipNorm, forKey: .clipNorm)
        try c.encode(validFromTrain, forKey: .validFromTrain)
        try c.encode(groupBy, forKey: .groupBy)
        try c.encode(modalities, forKey: .modalities)
        try c.encode(fusion, forKey: .fusion)
        try c.encode(textWeights, forKey: .textWeights)
        try c.encode(textPooling, forKey: .textPooling)
        try c.encode(imageWeights, forKey: .imageWeights)
        try c.encode(frameSampling, forKey: .frameSampling)
        try c.encode(cropSize, forKey: .cropSize)
    }

    /// The learning-rate schedule these options name (the step schedule uses `stepEpoch`,
    /// the cosine one a period of `epochs`).
    public var schedule: LearningRateSchedule {
        switch scheduler {
        case "multistep": return .multiStep(milestones: milestones, gamma: stepGamma)
        case "cosine": return .cosine(period: epochs, minimum: cosineMinimum)
        case "constant": return .constant
        default: return .step(every: stepEpoch, gamma: stepGamma)
        }
    }

    /// The learning rate of `epoch` (from 1): the schedule's rate at epoch − 1, as PyTorch
    /// counts (StepLR by default: `learningRate · stepGamma^⌊(epoch − 1) / stepEpoch⌋`).
    public func learningRate(atEpoch epoch: Int) -> Double {
        schedule.rate(base: learningRate, epoch: epoch - 1)
    }
}
