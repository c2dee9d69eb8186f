import Models

/// Times training steps on a synthetic batch of CREMA-D-shaped clips, phase by phase.
///
/// The batch is Gaussian noise in the shapes a CREMA-D cache holds (spectrograms `[257, 188]`,
/// frames `224×224`) with random labels; the step is the trainer's own `TrainingStep`, so the
/// mask step is timed inside a real training step. The cost of scoring, sampling and masking
/// does not depend on the values, only on the model's size.
public struct StepBenchmark {
    /// What to time.
    public struct Configuration: Sendable {
        /// The options of the step (method, sampler, width, batch size, seed, threads…).
        public var options: TrainOptions
        /// The spectrogram shape `[F, T]`.
        public var audioShape = [257, 188]
        /// The frame shape `[H, W]`.
        public var frameShape = [224, 224]
        /// The number of classes.
        public var classCount = 6
        /// Untimed steps before the measurement.
        public var warmupSteps = 1
        /// Timed steps.
        public var steps = 3
        /// Record seconds per layer kind over the timed steps (`LayerProfile`).
        public var profile = false

        /// Makes a configuration.
        public init(options: TrainOptions) {
            self.options = options
        }
    }

    /// The mean phase durations over the timed steps.
    public struct Measurement: Sendable {
        /// The width multiplier measured.
        public let width: Double
        /// Timed steps.
        public let steps: Int
        /// Mean seconds per phase.
        public let timings: TrainingStep.Timings
        /// The largest mask-step fraction of a single timed step.
        public let worstFraction: Double
        /// Mean seconds per timed step by layer kind (empty unless profiled).
        public var layerSeconds: [String: Double] = [:]

        /// The mask step (scores, ratios, sampling, masking) as a fraction of the whole step.
        public var maskFraction: Double {
            timings.total > 0 ? timings.maskStep / timings.total : 0
        }
    }

    /// The configuration.
    public let configuration: Configuration

    /// Makes a benchmark.
    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    /// Runs the warm-up and timed steps.
    ///
    /// - Throws: `TrainingError` for invalid options or a failing step.
    public func run() throws -> Measurement {
        let options = configuration.options
        let plan = try TrainPlan(options)
        guard configuration.steps >= 1, options.batchSize >= 1, options.width > 0 else {
            throw TrainingError(path: "bench", reason: "steps, batch size and width must be "
                                + "positive")
        }
        BLAS.setThreads(options.threads)
        let modalities: [ModalitySpec] = [
            .audio(configuration.audioShape),
            .visual(slots: options.framesPerClip, frame: configuration.frameShape),
        ]
        let model = try plan.makeModel(modalities: modalities, options: options,
                                       classCount: configuration.classCount)
        let step = TrainingStep(model: model, plan: plan, options: options,
                                classCount: configuration.classCount)
        let batch = syntheticBatch()

        for _ in 0..<configuration.warmupSteps { _ = try step.run(batch, epoch: 1) }
        var sum = TrainingStep.Timings()
        var worst = 0.0
        if configuration.profile { LayerProfile.enable() }
        for _ in 0..<configuration.steps {
            let timings = try step.run(batch, epoch: 1).timings
            sum.forward += timings.forward
            sum.keepRatios += timings.keepRatios
            sum.backward += timings.backward
            sum.masking += timings.masking
            sum.modulation += timings.modulation
            sum.update += timings.update
            worst = max(worst, timings.maskStep / max(timings.total, 1e-12))
        }

        let layers = configuration.profile ? LayerProfile.disable() : [:]
        let scale = 1 / Double(configuration.steps)
        var mean = TrainingStep.Timings()
        mean.forward = sum.forward * scale
        mean.keepRatios = sum.keepRatios * scale
        mean.backward = sum.backward * scale
        mean.masking = sum.masking * scale
        mean.modulation = sum.modulation * scale
        mean.update = sum.update * scale
        return Measurement(width: options.width, steps: configuration.steps, timings: mean,
                           worstFraction: worst,
                           layerSeconds: layers.mapValues { $0 * scale })
    }

    /// Gaussian spectrograms and frames with random labels, from the options' seed.
    private func syntheticBatch() -> ClipBatch {
        let options = configuration.options
        var generator = SeededGenerator(seed: options.seed)
        let batch = options.batchSize
        let audioShape = [batch, 1] + configuration.audioShape
        let frameShape = [batch * options.framesPerClip, 3] + configuration.frameShape
        func noise(_ shape: [Int]) -> Tensor {
            Tensor(shape: shape,
                   data: (0..<shape.reduce(1, *)).map { _ in generator.nextNormal() })
        }
        let audio = noise(audioShape)
        let frames = noise(frameShape)
        let labels = (0..<batch).map { _ in
            Int(generator.next() % UInt64(configuration.classCount))
        }
        return ClipBatch(audio: audio, frames: frames, framesPerClip: options.framesPerClip,
                         labels: labels,
                         ids: labels.indices.map { "synthetic-\($0)" })
    }
}
