import Tensor

/// A ResNet-18 encoder with GELU activations and a width multiplier, ending in global average
/// pooling.
///
/// Stem: conv 7×7 stride 2 pad 3 (no bias) → BN → GELU → max-pool 3×3 stride 2 pad 1; then
/// four stages of two basic blocks with max(1, round(64·w·2^stage)) channels, stages 2–4
/// starting with stride 2. Parameters and buffers are named as torchvision's, prefixed by
/// `name`.
public final class ResNet18 {
    /// The name prefix, e.g. `audio`.
    public let name: String
    /// The modality index this encoder belongs to.
    public let modality: Int
    /// Channels of the four stages.
    public let stageWidths: [Int]
    /// Length of the feature vector: the last stage's width.
    public let featureCount: Int

    private let stemConv: Conv2D
    private let stemNorm: BatchNorm2D
    private let stemActivation = GELU()
    private let stemPool = MaxPool2D(kernel: 3, stride: 2, padding: 1)
    private let blocks: [BasicBlock]
    private var poolPlane = 0
    private var poolShape: [Int] = []

    /// Makes an encoder whose convolutions are drawn from a generator seeded with `seed`.
    public init(name: String, inputChannels: Int, width: Double, modality: Int, seed: UInt64) {
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
        var blocks: [BasicBlock] = []
        var channels = widths[0]
        for (stage, stageWidth) in widths.enumerated() {
            for index in 0..<2 {
                let stride = stage > 0 && index == 0 ? 2 : 1
                blocks.append(BasicBlock(name: "\(name).layer\(stage + 1).\(index)",
                                         inChannels: channels, outChannels: stageWidth,
                                         stride: stride, workspace: workspace,
                                         generator: &generator))
                channels = stageWidth
            }
        }

        self.name = name
        self.modality = modality
        self.stageWidths = widths
        self.featureCount = widths[3]
        self.blocks = blocks
    }

    /// input [N, C, H, W] → features [N, featureCount] (after global average pooling).
    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        let stem = stemActivation.forward(stemNorm.forward(stemConv.forward(input),
                                                           training: training))
        var x = stemPool.forward(stem)
        for block in blocks { x = block.forward(x, training: training) }

        let profiled = LayerProfile.start()
        defer { LayerProfile.stop("mean_pool", profiled) }
        poolShape = x.shape
        poolPlane = x.shape[2] * x.shape[3]
        let rows = x.shape[0] * x.shape[1]
        return Tensor(shape: [x.shape[0], x.shape[1]]) { out in
            x.data.withUnsafeBufferPointer { inp in
                GlobalAveragePoolKernel.forward(output: pointer(out), input: pointer(inp),
                                                rows: rows, plane: poolPlane)
            }
        }
    }

    /// Accumulates parameter gradients from d(features) [N, featureCount].
    public func backward(_ gradFeatures: Tensor) {
        precondition(gradFeatures.shape == Array(poolShape.prefix(2)),
                     "\(name): feature gradient \(gradFeatures.shape), features \(poolShape)")
        let rows = poolShape[0] * poolShape[1]
        let profiled = LayerProfile.start()
        var dx = Tensor(shape: poolShape) { dinp in
            gradFeatures.data.withUnsafeBufferPointer { gradOut in
                GlobalAveragePoolKernel.backward(dInput: pointer(dinp), dOutput: pointer(gradOut),
                                                 rows: rows, plane: poolPlane)
            }
        }
        LayerProfile.stop("mean_pool", profiled)

        for block in blocks.reversed() { dx = block.backward(dx) }
        let dStem = stemActivation.backward(stemPool.backward(dx))
        stemConv.backward(stemNorm.backward(dStem))
    }

    /// Every trainable parameter (convolutions and BN γ/β), in torchvision's order.
    public var parameters: [Parameter] {
        [stemConv.weight, stemNorm.gamma, stemNorm.beta] + blocks.flatMap(\.parameters)
    }

    /// The 3×3 convolution weights of layer1–layer4 (not the stem, not the 1×1 downsample
    /// convolutions), each with one unit per output filter.
    public var maskableGroups: [MaskableGroup] {
        blocks.flatMap { [$0.conv1, $0.conv2] }.map { conv in
            MaskableGroup(parameter: conv.weight, modality: modality,
                          layout: .leadingAxis(unitCount: conv.outChannels))
        }
    }

    /// Every normalization layer, in parameter order.
    public var norms: [BatchNorm2D] {
        [stemNorm] + blocks.flatMap(\.norms)
    }
}
