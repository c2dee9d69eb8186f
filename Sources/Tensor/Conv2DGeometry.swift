/// The sizes of one 2-D convolution or pooling window over an NCHW batch.
///
/// Output extent per spatial axis: ⌊(in + 2·padding − kernel) / stride⌋ + 1 (no dilation).
public struct Conv2DGeometry: Equatable {
    /// Images in the batch (N).
    public let batch: Int
    /// Input channels (C).
    public let inChannels: Int
    /// Input height (H).
    public let inHeight: Int
    /// Input width (W).
    public let inWidth: Int
    /// Window height (kh).
    public let kernelHeight: Int
    /// Window width (kw).
    public let kernelWidth: Int
    /// Step between windows, the same on both axes.
    public let stride: Int
    /// Zeros (or −∞ for max-pooling) added on every side, the same on both axes.
    public let padding: Int

    /// Makes a geometry; the padded input must hold at least one window.
    public init(batch: Int, inChannels: Int, inHeight: Int, inWidth: Int,
                kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Int) {
        precondition(stride >= 1 && padding >= 0 && kernelHeight >= 1 && kernelWidth >= 1,
                     "invalid window \(kernelHeight)x\(kernelWidth) s\(stride) p\(padding)")
        precondition(inHeight + 2 * padding >= kernelHeight
                     && inWidth + 2 * padding >= kernelWidth,
                     "input \(inHeight)x\(inWidth) smaller than window "
                     + "\(kernelHeight)x\(kernelWidth) with padding \(padding)")
        self.batch = batch
        self.inChannels = inChannels
        self.inHeight = inHeight
        self.inWidth = inWidth
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.stride = stride
        self.padding = padding
    }

    /// Makes a geometry for an `[N, C, H, W]` input shape and a square window.
    public init(input shape: [Int], kernel: Int, stride: Int, padding: Int) {
        precondition(shape.count == 4, "expected an [N, C, H, W] shape, got \(shape)")
        self.init(batch: shape[0], inChannels: shape[1], inHeight: shape[2], inWidth: shape[3],
                  kernelHeight: kernel, kernelWidth: kernel, stride: stride, padding: padding)
    }

    /// Output height: ⌊(H + 2p − kh) / s⌋ + 1.
    public var outHeight: Int { (inHeight + 2 * padding - kernelHeight) / stride + 1 }
    /// Output width: ⌊(W + 2p − kw) / s⌋ + 1.
    public var outWidth: Int { (inWidth + 2 * padding - kernelWidth) / stride + 1 }
    /// Values in one input image: C·H·W.
    public var inImageCount: Int { inChannels * inHeight * inWidth }
    /// Output positions per image and channel: outHeight·outWidth.
    public var outPlaneCount: Int { outHeight * outWidth }
    /// Rows of the im2col matrix: C·kh·kw.
    public var patchCount: Int { inChannels * kernelHeight * kernelWidth }
}
