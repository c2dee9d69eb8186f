import Tensor

/// A ResNet basic block with GELU: y = GELU(BN(conv3×3(GELU(BN(conv3×3(x))))) + shortcut(x)),
/// the shortcut being x itself or, when the shape changes, BN(conv1×1 stride s(x)).
public final class BasicBlock {
    /// The first 3×3 convolution (carries the block's stride).
    public let conv1: Conv2D
    /// Normalization after `conv1`.
    public let bn1: BatchNorm2D
    /// The second 3×3 convolution.
    public let conv2: Conv2D
    /// Normalization after `conv2`.
    public let bn2: BatchNorm2D
    /// The 1×1 projection of the shortcut, when the stride or width changes.
    public let downsample: (conv: Conv2D, bn: BatchNorm2D)?

    private let activation1 = GELU()
    private let activation2 = GELU()

    /// Makes a block named like torchvision's, e.g. `audio.layer2.0`.
    public init(name: String, inChannels: Int, outChannels: Int, stride: Int,
                workspace: Workspace, generator: inout SeededGenerator) {
        conv1 = Conv2D(name: name + ".conv1.weight", inChannels: inChannels,
                       outChannels: outChannels, kernel: 3, stride: stride, padding: 1,
                       workspace: workspace, generator: &generator)
        bn1 = BatchNorm2D(name: name + ".bn1", channels: outChannels)
        conv2 = Conv2D(name: name + ".conv2.weight", inChannels: outChannels,
                       outChannels: outChannels, kernel: 3, stride: 1, padding: 1,
                       workspace: workspace, generator: &generator)
        bn2 = BatchNorm2D(name: name + ".bn2", channels: outChannels)
        if stride != 1 || inChannels != outChannels {
            let conv = Conv2D(name: name + ".downsample.0.weight", inChannels: inChannels,
                              outChannels: outChannels, kernel: 1, stride: stride, padding: 0,
                              workspace: workspace, generator: &generator)
            downsample = (conv, BatchNorm2D(name: name + ".downsample.1", channels: outChannels))
        } else {
            downsample = nil
        }
    }

    /// Trainable parameters in torchvision's order.
    public var parameters: [Parameter] {
        var list = [conv1.weight, bn1.gamma, bn1.beta, conv2.weight, bn2.gamma, bn2.beta]
        if let downsample {
            list += [downsample.conv.weight, downsample.bn.gamma, downsample.bn.beta]
        }
        return list
    }

    /// The normalization layers, in parameter order.
    public var norms: [BatchNorm2D] {
        [bn1, bn2] + (downsample.map { [$0.bn] } ?? [])
    }

    /// x [N, Cin, H, W] → [N, Cout, H/s, W/s].
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        let hidden = activation1.forward(bn1.forward(conv1.forward(x), training: training))
        var sum = bn2.forward(conv2.forward(hidden), training: training)

        let shortcut = downsample.map { $0.bn.forward($0.conv.forward(x), training: training) }
        add(shortcut ?? x, into: &sum)
        return activation2.forward(sum)
    }

    /// Accumulates the block's parameter gradients from dy and returns dx.
    public func backward(_ dy: Tensor) -> Tensor {
        let dSum = activation2.backward(dy)

        let dHidden = activation1.backward(inputGradient(conv2, bn2.backward(dSum)))
        var dx = inputGradient(conv1, bn1.backward(dHidden))

        if let downsample {
            add(inputGradient(downsample.conv, downsample.bn.backward(dSum)), into: &dx)
        } else {
            add(dSum, into: &dx)
        }
        return dx
    }

    private func inputGradient(_ conv: Conv2D, _ dy: Tensor) -> Tensor {
        guard let dx = conv.backward(dy) else {
            preconditionFailure("\(conv.weight.name) was made without input gradients")
        }
        return dx
    }

    private func add(_ other: Tensor, into target: inout Tensor) {
        precondition(other.shape == target.shape, "residual shapes differ")
        other.data.withUnsafeBufferPointer { source in
            target.data.withUnsafeMutableBufferPointer { sum in
                for k in 0..<sum.count { sum[k] += source[k] }
            }
        }
    }
}
