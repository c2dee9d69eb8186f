import Console
import Cache
import Foundation
import Training

/// `amss train <cache-folder>`: train on prepared shards.
enum TrainCommand {
    static let help = """
        usage: amss train <cache-folder> [--method M] [--modality M] [--epochs N]
                          [--batch-size B] [--width W] [--seed S] [--out DIR] [--lr R]
                          [--threads N] [--max-batches N] [--frames-per-clip N]
                          [--sampler S] [--importance I]
                          [--temperature T] [--bias X] [--mask backbone,fusion]
                          [--unbiased exact|poisson|systematic] [--alpha A]
                          [--modulation-epochs A:B] [--ogm-variant paper|code]
                          [--compat reference] [--optimizer sgd|adam|adamw] [--nesterov]
                          [--momentum M] [--weight-decay D] [--betas B1,B2] [--eps E]
                          [--scheduler step|multistep|cosine|constant] [--step-epoch N]
                          [--gamma G] [--milestones A,B,…] [--min-lr R] [--clip-norm N]
                          [--valid-from-train F] [--group-by actor|group|none]
                          [--modalities A,B,…] [--fusion concat|sum|film|gated]
                          [--text-weights DIR] [--text-pooling cls|mean|pooler]
                          [--image-weights FILE] [--seeds S1,S2,…] [--json]
               amss train --resume <run-folder> [--json]

        Trains on the shards of <cache-folder> (the folder `amss prep` printed), one line per
        epoch, and writes DIR/config.json (every option, tool, git and library versions),
        DIR/metrics.jsonl, DIR/metrics.tsv (the reference's columns), DIR/best.ckpt,
        DIR/last.ckpt (after every epoch) and DIR/summary.json.
          --method M      joint (no gradient treatment), unimodal (one encoder + linear head),
                          ogm, ogm-ge (on-the-fly gradient modulation, with Gaussian noise),
                          amss (default) or amss+ (masked subnetworks, re-weighted)
          --modality M    the encoder of unimodal: a modality of the cache (audio, visual,
                          text, rgb, depth or flow)
          --epochs N      default 80 (the paper's)
          --batch-size B  default 64; 32 for ks (a width-1 step at 64 clips of 257×1003
                          spectrograms and 3 frames needs about 16.5 GiB, at 32 about 8.5)
          --width W       channel multiplier of the encoders (default 1; 0.125 for quick CPU runs)
          --seed S        default 42
          --out DIR       default runs/<timestamp>
          --lr R          SGD learning rate (default 0.01)
          --threads N     BLAS threads (default 2)
          --max-batches N stop each training epoch after N batches
          --frames-per-clip N  frames drawn per clip, shared by a clip's frame modalities
                          (default: the cache's `frames_per_clip`, 3 for ks; 8 for
                          nvgesture; else 1)
          --frame-sampling S  segments (one frame from each of N equal segments; default) or
                          window (N consecutive frames from a random start, centred at
                          evaluation; default for nvgesture, as the reference's windows)
          --crop-size S   pictures as S×S: the random box resized to S while training, the
                          centred S×S box at evaluation (default: the cached size; e.g. 224
                          on nvgesture's reference 256×256 cache, as the reference)
        AMSS / AMSS+:
          --sampler S     adaptive (default), topk, random or bernoulli
          --importance I  gn (default), gn_wn or sqrt_gn
          --temperature T keep-ratio temperature (default 0.2; 0.5 for a cache with text,
                          as the reference's image–text variant)
          --bias X        added to every keep ratio before clamping (default 0); under
                          --compat reference on image + text data, the reference's AMSS+
                          weight bias b ≥ 0 in 1/(q + 1/N + b) instead (default 0.2)
          --mask L        what is masked: backbone, fusion or backbone,fusion (default)
          --unbiased D    exact inclusion probabilities with 1/π weights: exact (= systematic,
                          exactly k units), systematic or poisson (k units on average)
        OGM / OGM-GE:
          --alpha A       modulation strength (default 0.8, for CREMA-D; 0.1 for VGGSound-like)
          --modulation-epochs A:B  epochs A…B (from 1, inclusive) are modulated (default 1:51,
                          the reference's 0…50)
          --ogm-variant V paper (default) or code (the first published code: noise drawn after
                          scaling, with the scaled gradient's deviation)
          --compat reference   every behaviour of the reference code at once (listed in
                          config.json under reference_behaviours; on image + text data its
                          image–text code, keep_ratio_variant reference-image-text)
        Model (encoders are chosen by modality kind: spectrogram and pictures → ResNet-18,
        tokens → a text encoder):
          --modalities L  train on these modalities of the cache only (default: all of them;
                          audio, visual, text, rgb, depth, flow)
          --fusion F      concat (default), sum, film or gated (film and gated: two modalities)
          --text-weights DIR   a HuggingFace BERT-architecture checkpoint (config.json,
                          model.safetensors) for the text encoder; default: a small encoder
                          (2 layers, width 128) trained from scratch
          --text-pooling P  cls (default), mean or pooler (BERT's pooler, with --text-weights)
          --image-weights FILE  torchvision ResNet-50 weights (safetensors) for the visual
                          encoder; default: a ResNet-18 trained from scratch
        Optimisation:
          --optimizer O   sgd (default), adam or adamw;  --nesterov  Nesterov momentum (SGD)
          --momentum M    SGD momentum (default 0.9);  --weight-decay D  (default 1e-4)
          --betas B1,B2   Adam / AdamW moment decays (default 0.9,0.999);  --eps E  (1e-8)
          --scheduler S   step (default: ×gamma every --step-epoch epochs, 60), multistep
                          (×gamma after each of --milestones, epochs from 0), cosine (over
                          --epochs, down to --min-lr, default 0) or constant;  --gamma G  (0.1)
          --clip-norm N   clip the gradients to global L2 norm N before each update
        Selection and repeats:
          --valid-from-train F  without a valid split in the cache, carve fraction F of train
                          as one, disjoint by --group-by (actor: CREMA-D's speaker, the id's
                          first 4 characters; group: the shards' group column; none)
          --seeds S1,S2,… one run per seed in DIR/seed-<S>, then mean ± std of the best epochs'
                          test metrics (DIR/seeds.json)
          --resume RUN    continue a stopped run from RUN/last.ckpt with its config.json
          --json          one JSON summary object on stdout instead of the epoch lines
        """

    static func run(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(
            words, valued: ["method", "modality", "epochs", "batch-size", "width", "seed", "out",
                            "lr", "threads", "max-batches", "compat", "sampler", "importance",
                            "frames-per-clip", "temperature", "bias", "mask", "unbiased", "alpha",
                            "modulation-epochs", "ogm-variant", "optimizer", "momentum",
                            "weight-decay", "betas", "eps", "scheduler", "step-epoch", "gamma",
                            "milestones", "min-lr", "clip-norm", "valid-from-train", "group-by",
                            "seeds", "resume", "modalities", "fusion", "text-weights",
                            "text-pooling", "image-weights", "frame-sampling", "crop-size"],
            allowedFlags: ["json", "help", "nesterov"])
        if arguments.flag("help") { Output.line(help); return 0 }
        let json = arguments.flag("json")
        if let folder = arguments.options["resume"] {
            guard arguments.positional.isEmpty, arguments.options.count == 1 else {
                throw UsageError("--resume takes only the run folder (and --json): the run's "
                                 + "config.json gives every option")
            }
            let configuration = try RunFolder(path: folder, resuming: true).readConfiguration()
            var options = configuration.options
            options.out = folder
            let summary = try train(cacheFolder: configuration.cacheFolder, options: options,
                                    quiet: json, resume: true)
            if json { try Output.json(summary) }
            return 0
        }
        guard arguments.positional.count == 1 else {
            throw UsageError("train needs <cache-folder>\n\n\(help)")
        }
        let recorded = try? Manifest.load(cacheFolder: arguments.positional[0])
        var options = try makeOptions(arguments, recorded: recorded)
        if arguments.options["temperature"] == nil && holdsText(recorded) {
            options.temperature = 0.5
        }
        try readWeightBias(arguments, recorded: recorded, into: &options)
        options.framesPerClip = try arguments.integer(
            "frames-per-clip", default: recordedFramesPerClip(recorded), in: 1...64)
        if let seeds = arguments.options["seeds"] {
            guard arguments.options["seed"] == nil else {
                throw UsageError("--seed and --seeds exclude each other (--seeds sets each seed)")
            }
            return try TrainSeeds.run(cacheFolder: arguments.positional[0], options: options,
                                      seeds: try TrainSeeds.parse(seeds), json: json)
        }
        let summary = try train(cacheFolder: arguments.positional[0], options: options,
                                quiet: json)
        if json { try Output.json(summary) }
        return 0
    }

    /// Runs (or with `resume`, continues) the trainer, printing one line per epoch unless
    /// `quiet`.
    static func train(cacheFolder: String, options: TrainOptions, quiet: Bool,
                      resume: Bool = false) throws -> TrainSummary {
        let trainer = try Trainer(cacheFolder: cacheFolder, options: options)
        let names = trainer.data.modalities.map(\.name)
        if let note = trainer.data.modalityNote { Output.error("amss: warning: " + note) }
        if !quiet {
            let accuracies = names.map { pad($0, width: 6) }.joined(separator: "  ")
            let ratios = names.map { pad("rho_" + String($0.prefix(1)), width: 5) }
                .joined(separator: "  ")
            Output.line("epoch  loss    acc     " + accuracies + "  " + ratios + "  seconds")
        }
        let summary = try trainer.run(resume: resume,
                                      environment: TrainSeeds.environment()) { metrics in
            guard !quiet else { return }
            let rho = metrics.rho
            Output.line(String(format: "%5d  %6.4f  %6.2f  ", metrics.epoch, metrics.trainLoss,
                               metrics.testAcc)
                        + names.map { cell(metrics.testAccModality[$0], "%6.2f", width: 6) }
                            .joined(separator: "  ") + "  "
                        + names.map { cell(rho[$0], "%5.3f", width: 5) }
                            .joined(separator: "  ")
                        + String(format: "  %7.1f", metrics.seconds))
        }
        if !quiet {
            Output.line(String(format: "best epoch %d (chosen on %@): test accuracy %.2f %%; "
                               + "run folder %@", summary.bestEpoch, summary.selectionSplit,
                               summary.bestTestAcc, summary.runFolder))
            Output.line(summary.selectionNote)
            if !summary.testAbsentClasses.isEmpty {
                Output.line("classes absent from test, left out of the macro means: "
                            + summary.testAbsentClasses.joined(separator: ", "))
            }
        }
        return summary
    }

    /// The `frames_per_clip` of the configuration a cache's manifest records, else 8 for
    /// NVGesture's gestures (a clip of 32 or 80 frames) and 1 for the others.
    static func recordedFramesPerClip(_ manifest: Manifest?) -> Int {
        guard let manifest else { return 1 }
        guard case .object(let config) = manifest.config,
              case .number(let frames)? = config["frames_per_clip"], frames >= 1 else {
            return manifest.dataset == "nvgesture" ? 8 : 1
        }
        return Int(frames)
    }

    /// 32 clips for a Kinetics-Sounds cache (peak memory at width 1: 259 MiB per clip plus
    /// 335 MiB, measured by `amss bench train --shapes ks`), 64 for the others.
    static func defaultBatchSize(_ manifest: Manifest?) -> Int {
        manifest?.dataset == "ks" ? 32 : 64
    }

    /// Whether the cache's recorded configuration has a text section (image–text data).
    static func holdsText(_ manifest: Manifest?) -> Bool {
        guard case .object(let config)? = manifest?.config else { return false }
        return config["text"] != nil
    }

    /// Whether the modalities trained from the cache are one picture and one text modality,
    /// on which `--compat reference` reproduces the reference's image–text code.
    static func trainsImageAndText(_ cacheFolder: String, _ options: TrainOptions) -> Bool {
        guard let data = try? TrainingData(cacheFolder: cacheFolder,
                                           only: options.modalities) else {
            return false
        }
        return TrainPlan.holdsImageAndText(data.modalities)
    }

    /// `text` padded with spaces to `width` (left-aligned).
    private static func pad(_ text: String, width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// A number in `format`, or `-` padded to `width` when absent.
    private static func cell(_ value: Double?, _ format: String, width: Int) -> String {
        guard let value else { return String(repeating: " ", count: width - 1) + "-" }
        return String(format: format, value)
    }

    /// The options of the command line; `recorded` (the cache's manifest) sets the defaults
    /// that depend on the dataset.
    static func makeOptions(_ arguments: Arguments,
                            recorded: Manifest?) throws -> TrainOptions {
        var options = TrainOptions(out: arguments.options["out"] ?? defaultRunFolder())
        options.method = try choice(arguments, "method", default: "amss",
                                    among: TrainingMethod.allCases.map(\.rawValue))
        options.modality = try arguments.options["modality"].map { _ in
            try choice(arguments, "modality", default: "audio", among: modalityNames)
        }
        if options.method == "unimodal" && options.modality == nil {
            throw UsageError("--method unimodal needs --modality (e.g. audio or visual)")
        }
        if options.method != "unimodal" && options.modality != nil {
            throw UsageError("--modality applies only to --method unimodal")
        }
        options.epochs = try arguments.integer("epochs", default: 80, in: 1...100_000)
        options.batchSize = try arguments.integer(
            "batch-size", default: defaultBatchSize(recorded),
            in: 1...65_536)
        options.width = try arguments.number("width", default: 1)
        guard options.width <= 8 else {
            throw UsageError("--width must be at most 8 (4096 channels in the last stage), got "
                             + "\(options.width)")
        }
        let metrics = (options.out as NSString).appendingPathComponent("metrics.jsonl")
        guard !FileManager.default.fileExists(atPath: metrics) else {
            throw UsageError("--out \(options.out) already holds a run (metrics.jsonl); choose "
                             + "another folder, nothing there is overwritten")
        }
        options.seed = UInt64(try arguments.integer("seed", default: 42))
        options.learningRate = try arguments.number("lr", default: 0.01)
        options.threads = try arguments.integer("threads", default: 2, in: 1...256)
        if arguments.options["max-batches"] != nil {
            options.maxBatchesPerEpoch = try arguments.integer("max-batches", default: 0,
                                                               in: 1...Int.max)
        }

        options.sampler = try choice(arguments, "sampler", default: "adaptive",
                                     among: ["adaptive", "topk", "random", "bernoulli"])
        options.importance = try choice(arguments, "importance", default: "gn",
                                        among: ["gn", "gn_wn", "sqrt_gn"])
        options.temperature = try arguments.number("temperature", default: 0.2)
        options.bias = try real(arguments, "bias", default: 0)
        if let mask = arguments.options["mask"] {
            let targets = mask.split(separator: ",", omittingEmptySubsequences: false)
                .map(String.init)
            guard !targets.isEmpty, Set(targets).count == targets.count,
                  targets.allSatisfy({ ["backbone", "fusion"].contains($0) }) else {
                throw UsageError("--mask takes backbone, fusion or backbone,fusion, got '\(mask)'")
            }
            options.mask = targets
        }
        if let design = arguments.options["unbiased"] {
            guard let name = ["exact": "systematic", "systematic": "systematic",
                              "poisson": "poisson"][design] else {
                throw UsageError("--unbiased takes exact, systematic or poisson, got '\(design)'")
            }
            options.unbiased = name
        }

        options.alpha = try real(arguments, "alpha", default: 0.8)
        guard options.alpha >= 0 else { throw UsageError("--alpha must be at least 0") }
        if let range = arguments.options["modulation-epochs"] {
            let bounds = range.split(separator: ":", omittingEmptySubsequences: false)
                .map { Int($0) }
            guard bounds.count == 2, let first = bounds[0], let last = bounds[1], first >= 1,
                  first <= last else {
                throw UsageError("--modulation-epochs takes A:B with 1 ≤ A ≤ B, got '\(range)'")
            }
            options.modulationStarts = first
            options.modulationEnds = last
        }
        options.ogmVariant = try choice(arguments, "ogm-variant", default: "paper",
                                        among: ["paper", "code"])
        try readOptimisation(arguments, into: &options)
        try readModel(arguments, recorded: recorded, into: &options)
        if let compat = arguments.options["compat"] {
            guard compat == "reference" else {
                throw UsageError("--compat takes only 'reference', got '\(compat)'")
            }
            options.compat = true
        }
        return options
    }

    /// The optimizer, schedule, clipping and validation-carving options.
    private static func readOptimisation(_ arguments: Arguments,
                                         into options: inout TrainOptions) throws {
        options.optimizer = try choice(arguments, "optimizer", default: "sgd",
                                       among: ["sgd", "adam", "adamw"])
        options.nesterov = arguments.flag("nesterov")
        if options.nesterov && options.optimizer != "sgd" {
            throw UsageError("--nesterov applies only to --optimizer sgd")
        }
        options.momentum = try real(arguments, "momentum", default: 0.9)
        options.weightDecay = try real(arguments, "weight-decay", default: 1e-4)
        guard options.momentum >= 0, options.weightDecay >= 0 else {
            throw UsageError("--momentum and --weight-decay must be at least 0")
        }
        if let betas = arguments.options["betas"] {
            let values = betas.split(separator: ",").compactMap { Double($0) }
            guard values.count == 2, values.allSatisfy({ $0 >= 0 && $0 < 1 }) else {
                throw UsageError("--betas takes B1,B2 with 0 ≤ B < 1, got '\(betas)'")
            }
            (options.beta1, options.beta2) = (values[0], values[1])
        }
        options.epsilon = try arguments.number("eps", default: 1e-8)
        options.scheduler = try choice(arguments, "scheduler", default: "step",
                                       among: ["step", "multistep", "cosine", "constant"])
        options.stepEpoch = try arguments.integer("step-epoch", default: 60, in: 1...1_000_000)
        options.stepGamma = try arguments.number("gamma", default: 0.1)
        if let milestones = arguments.options["milestones"] {
            let values = milestones.split(separator: ",").map { Int($0) }
            guard !values.isEmpty, values.allSatisfy({ ($0 ?? -1) >= 0 }) else {
                throw UsageError("--milestones takes epochs A,B,… (from 0), got '\(milestones)'")
            }
            options.milestones = values.compactMap { $0 }
        }
        if options.scheduler == "multistep" && options.milestones.isEmpty {
            throw UsageError("--scheduler multistep needs --milestones")
        }
        options.cosineMinimum = try real(arguments, "min-lr", default: 0)
        if arguments.options["clip-norm"] != nil {
            options.clipNorm = try arguments.number("clip-norm", default: 1)
        }
        if let text = arguments.options["valid-from-train"] {
            guard let fraction = Double(text), fraction > 0, fraction < 1 else {
                throw UsageError("--valid-from-train takes a fraction in (0, 1), got '\(text)'")
            }
            options.validFromTrain = fraction
        }
        options.groupBy = try choice(arguments, "group-by", default: "actor",
                                     among: ["actor", "group", "none"])
    }

    /// The value of `--name`, which must be one of `values`.
    static func choice(_ arguments: Arguments, _ name: String, default fallback: String,
                               among values: [String]) throws -> String {
        let value = arguments.options[name] ?? fallback
        guard values.contains(value) else {
            throw UsageError("--\(name) must be one of \(values.joined(separator: ", ")), got "
                             + "'\(value)'")
        }
        return value
    }

    /// The value of `--name` as any finite number.
    static func real(_ arguments: Arguments, _ name: String,
                             default fallback: Double) throws -> Double {
        guard let text = arguments.options[name] else { return fallback }
        guard let value = Double(text), value.isFinite else {
            throw UsageError("--\(name) must be a number, got '\(text)'")
        }
        return value
    }

    /// `runs/<UTC timestamp>`.
    static func defaultRunFolder(prefix: String = "") -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return "runs/\(prefix)\(formatter.string(from: Date()))"
    }
}
