import Tensor

/// A torchvision ResNet-50 bottleneck block (v1.5, the stride on the 3×3 convolution):
/// y = ReLU(BN(conv1×1(ReLU(BN(conv3×3 s(ReLU(BN(conv1×1(x))))))) + shortcut(x)), the
/// shortcut being x or BN(conv1×1 stride s(x)) when the shape changes.
public final class Bottleneck {
    /// The 1×1 reduction to the block's inner width.
    public let conv1: Conv2D
    /// Normalization after `conv1`.
    public let bn1: BatchNorm2D
    /// The 3×3 convolution (carries the block's stride).
    public let conv2: Conv2D
    /// Normalization after `conv2`.
    public let bn2: BatchNorm2D
    /// The 1×1 expansion to 4× the inner width.
    public let conv3: Conv2D
    /// Normalization after `conv3`.
    public let bn3: BatchNorm2D
    /// The 1×1 projection of the shortcut, when the stride or width changes.
    public let downsample: (conv: Conv2D, bn: BatchNorm2D)?

    private let activations = [Rectifier(), Rectifier(), Rectifier()]

    /// Makes a block named like torchvision's, e.g. `image.layer2.0`, with `width` inner
    /// channels and 4·`width` outputs.
    public init(name: String, inChannels: Int, width: Int, stride: Int, workspace: Workspace,
                generator: inout SeededGenerator) {
        let outChannels = 4 * width
        conv1 = Conv2D(name: name + ".conv1.weight", inChannels: inChannels, outChannels: width,
                       kernel: 1, stride: 1, padding: 0, workspace: workspace,
                       generator: &generator)
        bn1 = BatchNorm2D(name: name + ".bn1", channels: width)
        conv2 = Conv2D(name: name + ".conv2.weight", inChannels: width, outChannels: width,
                       kernel: 3, stride: stride, padding: 1, workspace: workspace,
                       generator: &generator)
        bn2 = BatchNorm2D(name: name + ".bn2", channels: width)
        conv3 = Conv2D(name: name + ".conv3.weight", inChannels: width,
                       outChannels: outChannels, kernel: 1, stride: 1, padding: 0,
                       workspace: workspace, generator: &generator)
        bn3 = BatchNorm2D(name: name + ".bn3", channels: outChannels)
        if stride != 1 || inChannels != outChannels {
            let conv = Conv2D(name: name + ".downsample.0.weight", inChannels: inChannels,
                              outChannels: outChannels, kernel: 1, stride: stride, padding: 0,
                              workspace: workspace, generator: &generator)
            downsample = (conv, BatchNorm2D(name: name + ".downsample.1", channels: outChannels))
        } else {
            downsample = nil
        }
    }

    /// The three main-path convolutions (the maskable ones), input first.
    public var convolutions: [Conv2D] { [conv1, conv2, conv3] }

    /// Trainable parameters in torchvision's order.
    public var parameters: [Parameter] {
        var list = [conv1.weight, bn1.gamma, bn1.beta, conv2.weight, bn2.gamma, bn2.beta,
                    conv3.weight, bn3.gamma, bn3.beta]
        if let downsample {
            list += [downsample.conv.weight, downsample.bn.gamma, downsample.bn.beta]
        }
        return list
    }

    /// The normalization layers, in parameter order.
    public var norms: [BatchNorm2D] {
        [bn1, bn2, bn3] + (downsample.map { [$0.bn] } ?? [])
    }

    /// x [N, Cin, H, W] → [N, 4·width, H/s, W/s].
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        var hidden = activations[0].forward(bn1.forward(conv1.forward(x), training: training))
        hidden = activations[1].forward(bn2.forward(conv2.forward(hidden), training: training))
        var sum = bn3.forward(conv3.forward(hidden), training: training)

        let shortcut = downsample.map { $0.bn.forward($0.conv.forward(x), training: training) }
        let other = shortcut ?? x
        for k in sum.data.indices { sum.data[k] += other.data[k] }
        return activations[2].forward(sum)
    }

    /// Accumulates the block's parameter gradients from dy and returns dx.
    public func backward(_ dy: Tensor) -> Tensor {
        let dSum = activations[2].backward(dy)

        var dHidden = activations[1].backward(inputGradient(conv3, bn3.backward(dSum)))
        dHidden = activations[0].backward(inputGradient(conv2, bn2.backward(dHidden)))
        var dx = inputGradient(conv1, bn1.backward(dHidden))

        let dShortcut = downsample.map { inputGradient($0.conv, $0.bn.backward(dSum)) } ?? dSum
        for k in dx.data.indices { dx.data[k] += dShortcut.data[k] }
        return dx
    }

    private func inputGradient(_ conv: Conv2D, _ dy: Tensor) -> Tensor {
        guard let dx = conv.backward(dy) else {
            preconditionFailure("\(conv.weight.name) was made without input gradients")
        }
        return dx
    }
}
