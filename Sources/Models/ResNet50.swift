import Tensor

/// torchvision's ResNet-50 (ReLU, bottleneck blocks v1.5) with a width multiplier, ending in
/// global average pooling (the classifier `fc` is not part of the encoder).
///
/// Stem: conv 7×7 stride 2 pad 3 → BN → ReLU → max-pool 3×3 stride 2 pad 1; then stages of
/// 3, 4, 6 and 3 bottleneck blocks with inner widths max(1, round(64·w·2^stage)) and 4× as
/// many outputs, stages 2–4 starting with stride 2. Parameters and BN buffers are named as
/// torchvision's, prefixed by `name`, so that its weights load by name.
public final class ResNet50 {
    /// The name prefix, e.g. `image`.
    public let name: String
    /// The modality index this encoder belongs to.
    public let modality: Int
    /// Inner widths of the four stages (64, 128, 256, 512 at width 1).
    public let stageWidths: [Int]
    /// Length of the feature vector: 4× the last stage's width (2048 at width 1).
    public let featureCount: Int

    private let stemConv: Conv2D
    private let stemNorm: BatchNorm2D
    private let stemActivation = Rectifier()
    private let stemPool = MaxPool2D(kernel: 3, stride: 2, padding: 1)
    private let blocks: [Bottleneck]
    private var poolShape: [Int] = []

    /// Makes an encoder with torchvision's initialisation (Kaiming-normal fan-out filters from
    /// a generator seeded with `seed`, BN γ = 1, β = 0).
    public init(name: String = "image", inputChannels: Int = 3, width: Double = 1,
                modality: Int = 0, seed: UInt64) {
        precondition(width > 0, "width multiplier must be positive, got \(width)")
        let widths = (0..<4).map { stage in
            max(1, Int((64 * width * Double(1 << stage)).rounded()))
        }
        var generator = SeededGenerator(seed: seed)
        let workspace = Workspace()

        stemConv = Conv2D(name: name + ".conv1.weight", inChannels: inputChannels,
                          outChannels: widths[0], kernel: 7, stride: 2, padding: 3,
                          computesInputGradient: false, workspace: workspace,
                          generator: &generator)
        stemNorm = BatchNorm2D(name: name + ".bn1", channels: widths[0])
        var blocks: [Bottleneck] = []
        var channels = widths[0]
        for (stage, (stageWidth, count)) in zip(widths, [3, 4, 6, 3]).enumerated() {
            for index in 0..<count {
                blocks.append(Bottleneck(name: "\(name).layer\(stage + 1).\(index)",
                                         inChannels: channels, width: stageWidth,
                                         stride: stage > 0 && index == 0 ? 2 : 1,
                                         workspace: workspace, generator: &generator))
                channels = 4 * stageWidth
            }
        }

        self.name = name
        self.modality = modality
        self.stageWidths = widths
        self.featureCount = 4 * widths[3]
        self.blocks = blocks
    }

    /// Loads torchvision-named weights (`conv1.weight`, `bn1.running_mean`, `layer1.0.…`;
    /// `fc.*` and `num_batches_tracked` are ignored) from the safetensors file at `path`.
    /// The width is 1 unless given: every shape must match.
    public convenience init(weights path: String, name: String = "image",
                            width: Double = 1, modality: Int = 0) throws(WeightsError) {
        self.init(name: name, width: width, modality: modality, seed: 0)
        try load(safetensors: path)
    }

    /// Replaces every parameter and BN running statistic with the tensor of the same
    /// torchvision name in the safetensors file at `path`; nothing changes on an error.
    public func load(safetensors path: String) throws(WeightsError) {
        let file = try SafetensorsFile(path: path)
        let key = { (full: String) in String(full.dropFirst(self.name.count + 1)) }
        var values: [[Float]] = []
        for parameter in parameters {
            values.append(try file.floats(key(parameter.name), shape: parameter.shape))
        }
        var statistics: [(mean: [Float], variance: [Float])] = []
        for norm in norms {
            statistics.append((try file.floats(key(norm.name + ".running_mean"),
                                               shape: [norm.channels]),
                               try file.floats(key(norm.name + ".running_var"),
                                               shape: [norm.channels])))
        }

        for (parameter, value) in zip(parameters, values) { parameter.value = value }
        for (norm, value) in zip(norms, statistics) {
            norm.runningMean = value.mean
            norm.runningVariance = value.variance
        }
    }

    /// input [N, C, H, W] → features [N, featureCount] (after global average pooling).
    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        let stem = stemActivation.forward(stemNorm.forward(stemConv.forward(input),
                                                           training: training))
        var x = stemPool.forward(stem)
        for block in blocks { x = block.forward(x, training: training) }

        poolShape = x.shape
        let rows = x.shape[0] * x.shape[1], plane = x.shape[2] * x.shape[3]
        return Tensor(shape: [x.shape[0], x.shape[1]]) { out in
            x.data.withUnsafeBufferPointer { inp in
                GlobalAveragePoolKernel.forward(output: pointer(out), input: pointer(inp),
                                                rows: rows, plane: plane)
            }
        }
    }

    /// Accumulates parameter gradients from d(features) [N, featureCount].
    public func backward(_ gradFeatures: Tensor) {
        precondition(gradFeatures.shape == Array(poolShape.prefix(2)),
                     "\(name): feature gradient \(gradFeatures.shape), features \(poolShape)")
        let rows = poolShape[0] * poolShape[1], plane = poolShape[2] * poolShape[3]
        var dx = Tensor(shape: poolShape) { dinp in
            gradFeatures.data.withUnsafeBufferPointer { gradOut in
                GlobalAveragePoolKernel.backward(dInput: pointer(dinp), dOutput: pointer(gradOut),
                                                 rows: rows, plane: plane)
            }
        }

        for block in blocks.reversed() { dx = block.backward(dx) }
        let dStem = stemActivation.backward(stemPool.backward(dx))
        stemConv.backward(stemNorm.backward(dStem))
    }

    /// Every trainable parameter (convolutions and BN γ/β), in torchvision's order.
    public var parameters: [Parameter] {
        [stemConv.weight, stemNorm.gamma, stemNorm.beta] + blocks.flatMap(\.parameters)
    }

    /// The main-path convolutions of every bottleneck (1×1, 3×3, 1×1; not the stem, not the
    /// downsample convolutions), one unit per output filter.
    public var maskableGroups: [MaskableGroup] {
        blocks.flatMap(\.convolutions).map { conv in
            MaskableGroup(parameter: conv.weight, modality: modality,
                          layout: .leadingAxis(unitCount: conv.outChannels))
        }
    }

    /// Every normalization layer, in parameter order.
    public var norms: [BatchNorm2D] {
        [stemNorm] + blocks.flatMap(\.norms)
    }
}
