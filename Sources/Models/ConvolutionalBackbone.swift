import Tensor

/// A convolutional network over pictures `[N, C, H, W]` ending in global pooling, with batch
/// normalization: ResNet-18 and ResNet-50.
public protocol ConvolutionalBackbone: AnyObject {
    /// The parameter-name prefix.
    var name: String { get }
    /// The modality index.
    var modality: Int { get }
    /// Length of the feature vector.
    var featureCount: Int { get }
    /// Every trainable parameter.
    var parameters: [Parameter] { get }
    /// The maskable residual-stage filters.
    var maskableGroups: [MaskableGroup] { get }
    /// Every normalization layer, in parameter order.
    var norms: [BatchNorm2D] { get }

    /// input `[N, C, H, W]` → features `[N, featureCount]`.
    func forward(_ input: Tensor, training: Bool) -> Tensor
    /// Accumulates every parameter's gradient from d(features) `[N, featureCount]`.
    func backward(_ gradFeatures: Tensor)
}

extension ResNet18: ConvolutionalBackbone {}
extension ResNet50: ConvolutionalBackbone {}
