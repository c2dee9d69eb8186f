import Tensor

/// Initial values for weights, with the distributions PyTorch and torchvision use.
public enum WeightInit {
    /// Kaiming normal, fan-out mode, ReLU gain (torchvision's ResNet convolutions):
    /// N(0, σ²) with σ = √(2 / fanOut), fanOut = Cout·kh·kw.
    public static func kaimingNormalFanOut(count: Int, fanOut: Int,
                                           generator: inout SeededGenerator) -> [Float] {
        let std = Float((2 / Double(fanOut)).squareRoot())
        return (0..<count).map { _ in std * generator.nextNormal() }
    }

    /// Uniform on [−1/√fanIn, 1/√fanIn): PyTorch's default for a Linear weight (Kaiming
    /// uniform with a = √5, whose bound is gain·√(3/fanIn) = 1/√fanIn) and for its bias.
    public static func linearDefault(count: Int, fanIn: Int,
                                     generator: inout SeededGenerator) -> [Float] {
        let bound = Float(1 / Double(fanIn).squareRoot())
        return (0..<count).map { _ in (2 * generator.nextFloat() - 1) * bound }
    }
}
